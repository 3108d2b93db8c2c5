package org.hvproof.model.integrity;

import org.hvproof.model.common.Notation;
import org.hvproof.model.tree.PageRange;

/** The registered driver: its code pages, its data pages, and its entry point (a byte address). */
public record Driver(PageRange code, PageRange data, long entryPoint) {
    public boolean owns(long page) {
        return code.contains(page) || data.contains(page);
    }

    /**
     * Whether an instruction at {@code instructionPointer} (a guest-physical byte address, as the
     * entry point is) run at {@code privilege} is the driver's: kernel mode, inside a code page.
     * In integrity mode anything else faults (GI-8).
     */
    public boolean runs(long instructionPointer, int privilege) {
        return privilege == 0 && instructionPointer >= 0 && code.contains(instructionPointer >>> PageRange.PAGE_SHIFT);
    }

    public boolean overlaps(PageRange r) {
        return code.overlaps(r) || data.overlaps(r);
    }

    @Override
    public String toString() {
        return "driver code " + code + ", data " + data + ", entry " + Notation.hex(entryPoint);
    }
}
