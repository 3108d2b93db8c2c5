/**
 * The traced tree of protected-page mappings (claims TREE-1..TREE-6, US10592267B2), as a pure
 * model: the oracle the reference implementation is compared with, and the Java twin of
 * {@code specs/tree.als}.
 *
 * <p>The tree is a real B+-tree of order {@value org.hvproof.model.tree.BPlusTree#ORDER}, keyed
 * by guest-physical page number, one node per guest-physical page taken from a pool the
 * hypervisor reserves. A leaf entry says, for one page, whether that page stores a node and
 * which alert action a protection maps it to; node pages are keys of the same tree, so one
 * root-to-leaf walk answers both questions, node pages first (TREE-2), in at most depth + 1
 * node visits (TREE-5). Inserts split nodes and removes borrow or merge; every node page a
 * split allocates is traced and every page a merge frees is untraced unless still mapped
 * (TREE-4). The base pointer lives in hypervisor memory ({@link
 * org.hvproof.model.tree.HypervisorCell}), never in a guest page (TREE-6).
 *
 * <p>Who writes the tree: the hypervisor, on the driver's behalf, when a protect or unprotect
 * request arrives (the integrity model decides whether the request may arrive: only from
 * integrity mode, GI-5). The guest never writes a node page legitimately; a guest write to a
 * node page is an attack, and the tree-node alert action blocks it, so the structure never
 * changes on a guest write.
 *
 * <p>Left out: page contents (the structure is the abstraction of the serialized nodes),
 * several vCPUs racing (one step at a time), and the tracing service's own owners (TRACE-3).
 */
package org.hvproof.model.tree;
