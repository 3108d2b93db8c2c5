/**
 * The INT claims (secrets embedded in code against compromised interrupt handlers) as properties
 * over generated traces of the machine and the model in lockstep.
 *
 * <p>{@link org.hvproof.properties.interrupts.InterruptsProperties} has one {@code @Claim} method
 * per claim. INT-1 is stated over two runs ({@link org.hvproof.properties.interrupts.InterruptsPairTrace}):
 * two machines that differ only in the secret run the same trace, and what guest code outside the
 * sequence sees must be equal after every step; before that, a property checks that the
 * low-equivalence relation is reflexive and relates different secrets, so INT-1 cannot hold
 * vacuously. INT-2..5 run one machine ({@link org.hvproof.properties.interrupts.InterruptsTrace}) and
 * check the model's named invariants on the machine's steps, then refinement.
 * {@link org.hvproof.properties.interrupts.InterruptsActions} draws each step from the current
 * state: instructions one at a time or in runs, interrupts and exceptions at every instruction of
 * the sequence, storms and nested arrivals, handler reads and rewrites, reads and writes of the
 * execute-only page, jumps into the middle of the sequence.
 */
package org.hvproof.properties.interrupts;
