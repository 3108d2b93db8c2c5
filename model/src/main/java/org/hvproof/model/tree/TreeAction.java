package org.hvproof.model.tree;

/**
 * What can happen to the tree in one step: a request the hypervisor performs, or a guest write.
 * A request carries the layout the hypervisor chose for the tree after it: where the model
 * leaves the implementation free (which pool page a split takes, how keys spread, which node
 * pages a rebalance frees), the choice is an input the model checks, as {@code tree.als}'s
 * {@code split[n, m]} takes its fresh node as an argument. For a refused request it is ignored.
 */
public sealed interface TreeAction {

    /**
     * Protect the pages of {@code [startAddress, startAddress + length)} with the action of raw
     * code {@code actionCode}. Performed by the hypervisor for the integrity driver (GI-5
     * decides whether the request may arrive at all); the arguments are raw and may be hostile.
     *
     * @param layout the tree after the request, as the hypervisor laid it out (unchanged: it ran
     *     out of pool pages)
     */
    record Protect(long startAddress, long length, long actionCode, TreeLayout layout) implements TreeAction {}

    /**
     * Remove the protection of every page of {@code [startAddress, startAddress + length)}.
     *
     * @param layout the tree after the request, as the hypervisor laid it out
     */
    record Unprotect(long startAddress, long length, TreeLayout layout) implements TreeAction {}

    /** A guest write of {@code address} (a guest-physical byte address) by {@code writer}. */
    record GuestWrite(Writer writer, long address) implements TreeAction {
        public long page() {
            return address >>> PageRange.PAGE_SHIFT;
        }
    }
}
