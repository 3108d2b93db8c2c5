/**
 * propcheck: hvproof's property-based testing engine. It knows nothing of hypervisors.
 *
 * <p>Every generated value is a function of a recorded sequence of bounded integer choices drawn
 * from a {@link org.hvproof.propcheck.DataSource}. That one design decision carries the rest:
 * a test case <em>is</em> its choice sequence, so a failure replays exactly from a one-line token;
 * shrinking edits the choices (delete spans, lower values, sort, redistribute) and regenerates, so
 * no generator needs a shrinker of its own and shrinking works straight through {@code map},
 * {@code flatMap} and {@code filter}; and a trace of actions shrinks by deleting the span of choices
 * each action was drawn from. The shrinker only ever accepts a sequence that is smaller in shortlex
 * order, so it terminates; an evaluation budget bounds its cost.
 *
 * <p>Entry points: {@link org.hvproof.propcheck.Gens} (generators), {@link
 * org.hvproof.propcheck.Property#forAll} (value properties), {@link
 * org.hvproof.propcheck.StatefulProperty} (state-machine traces with invariants after every step),
 * {@link org.hvproof.propcheck.Settings} (tries, seed, steps, shrink budget, replay; also as system
 * properties) and {@link org.hvproof.propcheck.PropertyResult} (what a run found, and the report).
 *
 * <p>Shrinking keeps the failure that was found (same invariant or check, same exception class),
 * so the report names the invariant the search broke. Not included: parallel execution, a
 * database of past failures, and reporting several distinct failures from one run.
 */
package org.hvproof.propcheck;
