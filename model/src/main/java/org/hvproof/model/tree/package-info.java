/**
 * The traced tree of protected-page mappings (claims TREE-1..TREE-6, US10592267B2), as a pure
 * model at the level of {@code specs/tree.als}: the oracle the implementation is compared with.
 *
 * <p>{@link org.hvproof.model.tree.TreeState} holds the mappings (page to
 * {@link org.hvproof.model.tree.AlertAction}), the layout ({@link org.hvproof.model.tree.TreeLayout}:
 * the base pointer in hypervisor memory, {@link org.hvproof.model.tree.HypervisorCell}, and the
 * node pages), the traced pages and the free pool. {@link org.hvproof.model.tree.TreeModel#step}
 * decodes a request ({@link org.hvproof.model.tree.RangeRequest}), checks it against the
 * mappings and computes the mappings after it; the layout it does not compute: the
 * implementation's freedom (which pool page a split takes, how keys spread, which pages a
 * rebalance frees) arrives with the {@link org.hvproof.model.tree.TreeAction} and is accepted
 * only when legal (a B+-tree of the configured order, {@link org.hvproof.model.tree.BPlusTree}, node
 * pages from the pool, leaves holding exactly the mappings and the node-page marks, depth within
 * the bound that follows). Traced pages are then node pages plus mapped pages and the free pool
 * is the pool minus node pages (TREE-4). A traced write is looked up along one root-to-leaf path
 * of depth + 1 nodes (TREE-5), node pages first (TREE-2), then the mapping (TREE-1); an untraced
 * one is quiet (TREE-3); no guest write changes the state (TREE-6).
 * {@link org.hvproof.model.tree.TreeInvariants} states the claims, {@code ALL} is the
 * mechanism's invariant set; {@link org.hvproof.model.tree.TreeModelFlaw} breaks one rule each.
 *
 * <p>Who writes the tree: the hypervisor, on the driver's behalf, when a protect or unprotect
 * request arrives (the integrity model decides whether the request may arrive: only from
 * integrity mode, GI-5). A guest write to a node page is an attack; the tree-node alert action
 * blocks it.
 *
 * <p>The order is a setting ({@link org.hvproof.model.tree.TreeConfig#shape}): by default a node
 * fills its 4 KiB page ({@link org.hvproof.model.tree.BPlusTree#PAGE_SIZED}, 255 keys), as the
 * hypervisor's tree runs; the properties use order four ({@link
 * org.hvproof.model.tree.BPlusTree#SMALL}, {@link org.hvproof.model.tree.TreeConfig#small}) so
 * that short traces split, borrow and merge.
 *
 * <p>Left out: how the implementation splits, borrows and merges (only the legality of its
 * outcome is modelled), page contents, several vCPUs racing (one step at a time), and the
 * tracing service's own owners (TRACE-3).
 */
package org.hvproof.model.tree;
