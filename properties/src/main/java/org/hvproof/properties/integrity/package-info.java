/**
 * The GI claims (guest integrity driver and integrity mode) as properties over generated traces.
 *
 * <p>{@link org.hvproof.properties.integrity.IntegrityActions} draws each next action from the
 * model's current state, mixing the driver's legitimate work with hostile actions from the other
 * vCPU and from user mode; {@link org.hvproof.properties.integrity.IntegrityTrace} runs the
 * machine and the model in lockstep and labels what happened;
 * {@link org.hvproof.properties.integrity.IntegrityProperties} has one {@code @Claim} property per
 * GI claim: the claim's invariants on the machine's step, then refinement, with coverage minimums.
 */
package org.hvproof.properties.integrity;
