package org.hvproof.model.tree;

/** What can happen to the tree in one step: a request the hypervisor performs, or a guest write. */
public sealed interface TreeAction {

    /**
     * Protect the pages of {@code [startAddress, startAddress + length)} with the action of raw
     * code {@code actionCode}. Performed by the hypervisor for the integrity driver (GI-5
     * decides whether the request may arrive at all); the arguments are raw and may be hostile.
     */
    record Protect(long startAddress, long length, long actionCode) implements TreeAction {}

    /** Remove the protection of every page of {@code [startAddress, startAddress + length)}. */
    record Unprotect(long startAddress, long length) implements TreeAction {}

    /** A guest write of {@code address} (a guest-physical byte address) by {@code writer}. */
    record GuestWrite(Writer writer, long address) implements TreeAction {
        public long page() {
            return address >>> PageRange.PAGE_SHIFT;
        }
    }
}
