/**
 * The TREE claims (the traced tree of protected-page mappings) as properties over generated,
 * shrinking traces: the machine with {@code impl.tree.ProtectedPageTree} and the model's
 * {@code TreeModel} in lockstep ({@link org.hvproof.properties.tree.TreeTrace}, driven by
 * {@code TreeSystemAction}s), actions drawn from the current state with hostile requests and
 * writes weighted in ({@link org.hvproof.properties.tree.TreeActions}), coverage labels in
 * {@code TreeLabels}, one {@code @Claim} property per claim
 * ({@link org.hvproof.properties.tree.TreeProperties}) judged by {@code TreeInvariants}.
 * Refinement is on what both sides produce: the tree's observations (request results, walks
 * with their node counts, alerts) and the abstract state; the model takes the node layout the
 * machine chose after each request and checks it is legal. A guest write the machine splits
 * over two pages is two model writes. A request run in micro-steps is one model request, taken
 * at the micro-step that publishes it; every claim is judged at every boundary, with other vCPUs'
 * writes between the micro-steps.
 *
 * <p>Left out: requests through the integrity driver (GI-5 gates them in the integrity
 * mechanism's properties), which run whole.
 */
package org.hvproof.properties.tree;
