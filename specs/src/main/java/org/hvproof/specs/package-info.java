/**
 * Runs hvproof's Alloy 6 specifications and checks every command against its stated
 * expectation.
 *
 * <p>{@link org.hvproof.specs.AlloyRunner} parses each {@code .als} file (by default those
 * under {@code specs/src/main/alloy}, which are also packaged in the jar under
 * {@code alloy/}), executes each {@code run} and {@code check} with Kodkod, and returns one
 * {@link org.hvproof.specs.CommandOutcome} per command. A command must say
 * {@code expect 0} or {@code expect 1}; a command without one, a spec Alloy rejects, or a
 * solver failure is an {@link org.hvproof.specs.Outcome#ERROR} located as
 * {@code FILE:LINE:COL: message}; a command still running at the runner's time limit is an
 * {@link org.hvproof.specs.Outcome#TIMEOUT}. {@link org.hvproof.specs.AlloyMain} is the command line;
 * the JUnit suite runs each command as its own test.
 *
 * <p><b>Naming and claim ids.</b> A command's name says which claim it speaks for
 * ({@link org.hvproof.specs.ClaimIds}): a check of an assert, or a run showing a claim's
 * situation can happen, is {@code GROUP_n_lowerCamel} and speaks for {@code GROUP-n}
 * ({@code TRACE_1_oneNotificationPerTracedPage} for {@code TRACE-1}), where an assert that
 * states the same predicate as a Java invariant carries that invariant's name; a negative
 * control is {@code GROUP_n_wrong_lowerCamel} and expects 1; an induction pair ends in
 * {@code _init} and {@code _step}; a command of the spec's own invariants is
 * {@code model_lowerCamel} and names the claims it supports in a
 * {@code -- Supports TRACE-1, TRACE-2: ...} comment directly above it or its assert. Until every
 * spec is converted, a command with any other name falls back to every id (matching
 * {@code \b[A-Z]+-\d+\b}) in the comment blocks directly above it and its assert.
 *
 * <p><b>House-style lint.</b> {@link org.hvproof.specs.SpecLint} reads the runner's plan and
 * each spec's text, solves nothing, and reports every broken rule as
 * {@code FILE:LINE: rule: message}: every command and assert named as above; every command
 * with an explicit {@code expect}; a negative control expecting 1 with a comment above it that
 * says why it must fail ("must fail" or "because"); every other check expecting 0; the claim
 * tag once, directly above each assert, agreeing with its name, and not repeated above its
 * check; a {@code Supports} tag on every {@code model_} command; both halves of an induction
 * pair; a header comment saying what the module models, what it leaves out and which Java
 * names match; flaw atoms ({@code one sig X extends Flaw}) and flawed operation preds
 * ({@code pred write_NOTIFY_TWICE}) named as Java flaw constants. {@code SpecStyleTest} runs it
 * over each spec as its own test. A comment block is contiguous {@code --} / {@code //} lines or
 * one {@code /* ... *}{@code /} block ending on the line just above; a blank line ends it.
 *
 * <p><b>Solvers.</b> MiniSat (native) where it loads, SAT4J otherwise; a name from
 * {@link org.hvproof.specs.SolverChoice#NAMES} overrides. Glucose is never the default
 * because it writes to native stdout, which corrupts Surefire's channel.
 *
 * <p><b>Trace validation.</b> {@link org.hvproof.specs.TraceValidator} asks whether a concrete
 * trace (states, and optionally the operation of each step, as formulas over a spec's names)
 * is a behaviour the spec allows; the properties module uses it to check sampled runs of the
 * Java model against the spec of the same mechanism.
 */
package org.hvproof.specs;
