/**
 * The GI claims (guest integrity driver and integrity mode) as properties over generated traces.
 *
 * <p>{@link org.hvproof.properties.integrity.IntegrityActions} draws each next action from the
 * model's current state, mixing the driver's legitimate work with hostile actions from the other
 * vCPU and from user mode; {@link org.hvproof.properties.integrity.IntegrityTrace} runs the
 * machine and the model in lockstep and labels what happened with
 * {@link org.hvproof.properties.integrity.IntegrityLabels};
 * {@link org.hvproof.properties.integrity.IntegrityProperties} has one {@code @Claim} property per
 * GI claim, parameterised by the implementation's flaw and built with the claim harness: the
 * claim's invariants of {@code IntegrityInvariants} on the machine's step, whether an alert's
 * action was performed on memory where the claim speaks of it, then refinement, with coverage
 * minimums. The service keeps its protections in the traced tree, so the same traces, with a
 * small node pool and a node-page write from every vCPU's view after each step
 * ({@link org.hvproof.properties.integrity.IntegrityTrace#storeTrace}), check TREE-7 too.
 *
 * <p>Left out: actions of other mechanisms in the same trace.
 */
package org.hvproof.properties.integrity;
