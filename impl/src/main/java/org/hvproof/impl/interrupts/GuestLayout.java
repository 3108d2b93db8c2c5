package org.hvproof.impl.interrupts;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.interrupts.CodeLayout;

/**
 * Where the model's addresses live in guest-virtual memory. The model counts addresses in
 * instructions; here every address is a {@link #SLOT_SIZE}-byte slot at {@code address * 32}:
 * bytes 0..7 are the data word that reads and writes of the address reach, bytes 8..31 the
 * instruction encoded there ({@link InstructionCodec}). So a data write never changes code, as
 * in the model, and the model's 4096-address page is {@link #PAGES_PER_MODEL_PAGE} machine pages.
 * The guest OS maps guest-virtual page n to guest-physical page n (an identity map), so slot
 * addresses are guest-physical addresses too.
 *
 * <p>The refinement's domain is model addresses in {@code [0, }{@link #ADDRESS_LIMIT}{@code )}:
 * larger or negative ones have no slot (a 64-bit product would wrap) and are refused with an
 * {@link IllegalArgumentException}; the trace generators never produce them.
 */
public final class GuestLayout {
    /** Bytes per model address. */
    public static final long SLOT_SIZE = CodeLayout.SLOT_SIZE;
    /** Offset of the instruction within a slot. */
    public static final long INSTRUCTION_OFFSET = 8;
    /** Machine pages of one model page. */
    public static final long PAGES_PER_MODEL_PAGE = CodeLayout.PAGE_SIZE * SLOT_SIZE / 4096;
    /** First model address outside the guest's window. */
    public static final long ADDRESS_LIMIT = 1L << 40;
    /** Guest-physical pages of the guest: enough for the window and the page-table pool above it. */
    public static final long GUEST_PHYSICAL_PAGES = 1L << 36;
    /** First page of the guest OS's page-table pool, above every slot. */
    public static final long PAGE_TABLE_POOL_FIRST = 1L << 35;
    /** Pages in the pool. */
    public static final long PAGE_TABLE_POOL_PAGES = 4096;

    private GuestLayout() {}

    /** Whether {@code address} has a slot. */
    public static boolean inWindow(long address) {
        return address >= 0 && address < ADDRESS_LIMIT;
    }

    /** The guest-virtual (and guest-physical) address of {@code address}'s slot. */
    public static long slot(long address) {
        if (!inWindow(address)) {
            throw new IllegalArgumentException("model address 0x" + Long.toHexString(address)
                    + " lies outside the guest window [0, 2^40): not part of the refinement's domain");
        }
        return address * SLOT_SIZE;
    }

    /** The model address whose slot holds the guest-virtual address {@code va}. */
    public static long address(long va) {
        return Math.floorDiv(va, SLOT_SIZE);
    }

    /** The guest-physical page holding {@code address}'s slot. */
    public static GuestPhysicalPage page(long address) {
        return GuestPhysicalPage.containing(slot(address));
    }

    /** First machine page of the execute-only region (the model's execute-only page). */
    public static long executeOnlyFirstPage() {
        return slot(CodeLayout.SEQUENCE_START - Math.floorMod(CodeLayout.SEQUENCE_START, CodeLayout.PAGE_SIZE)) >>> 12;
    }

    /** Whether the guest-physical page number lies in the execute-only region. */
    public static boolean inExecuteOnlyRegion(long pageNumber) {
        long first = executeOnlyFirstPage();
        return pageNumber >= first && pageNumber < first + PAGES_PER_MODEL_PAGE;
    }
}
