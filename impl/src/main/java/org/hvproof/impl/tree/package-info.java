/**
 * The traced tree of protected-page mappings (TREE-1..TREE-6, US10592267B2) as the hypervisor's
 * real data structure on the simulated machine.
 *
 * <p>{@link org.hvproof.impl.tree.ProtectedPageTree} keeps a B+-tree keyed by guest-physical
 * page, in small parts: {@code TreeRequestDecoder} decodes hostile request arguments,
 * {@code NodePagePool} hands out node pages, {@code NodeMemory} serializes nodes
 * ({@code NodeCodec}) into the host frames backing their pages, {@code TreeEdit} inserts and
 * removes with splits, borrows and merges on a write-back copy committed only when the whole
 * request succeeds, one micro-step at a time under the tree lock ({@link
 * org.hvproof.impl.tree.TreeCommitStep}: trace the pages taken for nodes, write them, publish,
 * scrub the freed pages, untrace them and give them back), {@code TreeWalk} walks from the base pointer ({@code TreeRootCell}, in
 * hypervisor memory) and {@code TreeAlerts} answers a notified write, node pages first. Node
 * pages and mapped pages carry the tree's trace in the tracing service; an alert's action can
 * veto the write through the tracing service's listener hook.
 *
 * <p>{@link org.hvproof.impl.tree.TreeSystem} boots a guest under it and runs requests and guest
 * writes through the guest page tables and the nested page table; {@code TreeAbstraction} is the
 * abstraction function to the model's {@code TreeState}, read from memory (the serialized nodes),
 * the nested page table (traces) and hypervisor memory (pool, count). The model checks the
 * layout the tree chose instead of recomputing it. {@link org.hvproof.impl.tree.TreeImplFlaw}
 * selects deliberately broken variants, each declaring what catches it.
 *
 * <p>Every part reads the node capacity from the tree's configuration ({@code TreeConfig.shape()}):
 * a node of the default order fills its 4 KiB page in {@code NodeCodec}'s layout (255 keys, 511 of
 * the page's 512 words); walks and edits pick a child by bisection, so a look-up reads depth + 1
 * nodes and a few words of each.
 *
 * <p>Between micro-steps other vCPUs write; the abstraction and every walk read the published
 * tree (what the root cell names), so the request takes effect at its publication. A trace the
 * request has set and not published, or no longer needs and has not withdrawn, answers a write as
 * the published tree says (it lands, seen by no one), and a write to a page taken for a node
 * marks the node for writing again at the publication. One request at a time: another waits for
 * the lock (the one in flight finishes first). The integrity service's store runs its requests
 * whole ({@code protect}, {@code unprotect} run every micro-step in one call).
 *
 * <p>Left out: who may make requests (the integrity mechanism gates them: only from integrity
 * mode); the publication's node writes are one micro-step (walks read the tree under its lock,
 * so none sees them half done); a vCPU's walk is one step.
 */
package org.hvproof.impl.tree;
