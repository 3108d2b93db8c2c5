/**
 * The TREE claims (the traced tree of protected-page mappings) as properties over generated,
 * shrinking traces: the machine with {@code impl.tree.ProtectedPageTree} and the model's
 * {@code TreeModel} in lockstep ({@link org.hvproof.properties.tree.TreeTrace}), actions drawn
 * from the current state with hostile requests and writes weighted in
 * ({@link org.hvproof.properties.tree.TreeActions}), one {@code @Claim} property per claim
 * ({@link org.hvproof.properties.tree.TreeProperties}). Refinement is on what both sides produce:
 * the tree's observations (request results, walks with their node counts, alerts) and the
 * abstract state; a guest write the machine splits over two pages is two model writes.
 */
package org.hvproof.properties.tree;
