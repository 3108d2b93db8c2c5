/**
 * The INT claims (secrets embedded in code against compromised interrupt handlers) as properties
 * over generated traces of the machine and the model in lockstep, through the claim harness.
 *
 * <p>{@link org.hvproof.properties.interrupts.InterruptsProperties} has one {@code @Claim} method
 * per claim, each taking an {@code InterruptsImplFlaw}. INT-1 is stated over two runs
 * ({@link org.hvproof.properties.interrupts.InterruptsPairTrace}): two machines that differ only
 * in the secret run the same trace, the low-equivalence relation must relate their secrets at
 * all (so INT-1 cannot hold vacuously), and what guest code outside the sequence sees must be
 * equal after every step. INT-2..5 run one machine
 * ({@link org.hvproof.properties.interrupts.InterruptsTrace}) and check the model's named
 * invariants on the machine's steps, INT-4's transparency along the trace
 * ({@link org.hvproof.properties.interrupts.Transparency}), then refinement.
 * {@link org.hvproof.properties.interrupts.InterruptsActions} draws each step
 * ({@link org.hvproof.properties.interrupts.InterruptsTraceStep}) from the current state:
 * instructions one at a time or in runs, interrupts and exceptions at every instruction of the
 * sequence with any of the 256 vectors, storms and nested arrivals, handler reads and rewrites,
 * reads, writes and jumps anywhere in the guest's window, weighted to the state's code and data,
 * their neighbours, page edges and high-bit aliases (the execute-only page and the middle of the
 * sequence among them);
 * {@link org.hvproof.properties.interrupts.InterruptsLabels} names the situations reached, for
 * coverage minimums. Left out: handler code itself (a handler is the trace's actions), more than
 * one vCPU, timing.
 */
package org.hvproof.properties.interrupts;
