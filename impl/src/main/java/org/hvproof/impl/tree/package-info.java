/**
 * The traced tree of protected-page mappings (TREE-1..TREE-6, US10592267B2) as the hypervisor's
 * real data structure on the simulated machine.
 *
 * <p>{@link org.hvproof.impl.tree.ProtectedPageTree} keeps a B+-tree of the same order and the
 * same split, borrow and merge rules as the model's, so that refinement can compare them node for
 * node; its nodes are serialized ({@code NodeCodec}) one per guest-physical page taken from a node
 * pool, and written by the hypervisor into the host frames backing those pages. Node pages and
 * mapped pages carry the tree's trace in the tracing service; the base pointer stays in hypervisor
 * memory. A notified write is looked up from the base pointer, node pages first, and the alert's
 * action can veto the write (through the tracing service's listener hook).
 *
 * <p>{@link org.hvproof.impl.tree.TreeSystem} boots a guest under it, runs requests and guest
 * writes through the guest page tables and the nested page table, and computes the abstraction
 * function to the model's {@code TreeState} from memory, the nested page table and hypervisor
 * memory. {@link org.hvproof.impl.tree.TreeImplFlaw} selects deliberately broken variants.
 *
 * <p>Left out: who may make requests (the integrity mechanism gates them: only from integrity
 * mode), and locking between vCPUs (one step at a time, as in the model).
 */
package org.hvproof.impl.tree;
