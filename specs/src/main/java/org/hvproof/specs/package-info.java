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
 * {@code FILE:LINE:COL: message}. {@link org.hvproof.specs.AlloyMain} is the command line;
 * the JUnit suite runs each command as its own test.
 *
 * <p><b>Claim ids.</b> A command speaks for the claims (ids such as {@code TRACE-1},
 * matching {@code \b[A-Z]+-\d+\b}) named in the comment block directly above it and, for a
 * {@code check} of a named assert, in the comment block directly above that assert. A
 * comment block is contiguous {@code --} / {@code //} lines or one {@code /* ... *}{@code /}
 * block ending on the line just above; a blank line ends it.
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
