package org.hvproof.impl.domains;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the protection-domain hypervisor, each one bug a real
 * hypervisor could have. Only tests select them; {@link #NONE} is the mechanism as specified, and
 * each other value changes one code path, named where it is read in {@link SecureDomainService}
 * and {@link DomainsSystem}. Each declares the claims whose properties must catch it, the check
 * that must name it and how short its shrunk trace must be.
 */
public enum DomainsImplFlaw implements Flaw {
    /** The correct mechanism. */
    NONE,
    /**
     * Set-up forgets to unmap one secure frame from the root NPT: root page 15 still reaches a
     * secure data frame (PD-1, PD-3). A set-up bug: the booted machine is not the model's initial
     * state, so refinement names it before the first action.
     */
    SECURE_FRAME_LEFT_IN_ROOT_NPT(caught("PD-1", "refinement", 0), caught("PD-3", "refinement", 0)),
    /** Gate entry and exit switch the guest page-table root (CR3) but leave the nested page-table pointer (view) alone (PD-2). */
    SWITCH_ONLY_GUEST_PT_ROOT(caught("PD-2", "PD-2 pointersMatchDomain", 1)),
    /** The gate check also accepts the byte after a registered gate address (PD-4). */
    GATE_CHECK_ACCEPTS_NEXT_ADDRESS(caught("PD-4", "PD-4 gatesOnly", 1)),
    /**
     * On an interrupt or exception inside secure code the hypervisor clears RAX and switches both
     * pointers back, but leaves the other general registers as secure code left them instead of
     * restoring the root's saved ones (PD-1, seen only by the two-run property).
     */
    SECURE_REGISTERS_LEAK_ON_INTERRUPT(caught("PD-1", "PD-1 rootSeesNothingSecureOnMachine", 2)),
    /**
     * The hypervisor plays the root's accesses with a software walker that checks the root NPT
     * only for the leaf: the PT entry read and the final access. The PML4, PDPT and PD entry
     * reads go to whatever host frame backs the guest-physical page in any domain, so a hostile
     * upper-level entry makes the walk read a secure page's frame (PD-1; the walk still faults at
     * the leaf, so only the check of the frames an access touched sees it).
     */
    NPT_CHECK_ONLY_AT_LEAF(caught("PD-1", "PD-1 isolationOnMachine", 2)),
    /**
     * The hypervisor looks a refused root transfer up in its gate table by the address's low 32
     * bits, so a jump to a gate plus a multiple of 4 GiB (an address outside every region, which
     * the root NPT does not map) enters the domain as if it were the gate (PD-4). Acts only on
     * addresses differing from a registered gate above bit 31, which the generator once never drew.
     */
    GATE_LOOKUP_BY_LOW_32_BITS(caught("PD-4", "PD-4 gatesOnly", 1)),
    /**
     * Set-up builds the root device's I/O page table from every domain's nested page table
     * instead of the root's alone ("the device may reach guest memory"): root code has the device
     * write a secure page, and it lands (PD-5).
     */
    SECURE_FRAMES_IN_DEVICE_TABLE(caught("PD-5", "PD-5 noSecureFrameInDeviceTable", 1)),
    /**
     * The hypervisor keeps one save area for the root's context instead of one per vCPU: a vCPU
     * that leaves a domain after another vCPU entered one gets that vCPU's registers, instruction
     * pointer and CR3 (PD-1: a view switch is no longer private to its vCPU, so switches on two
     * vCPUs stop commuting).
     */
    ROOT_CONTEXT_IN_ONE_SAVE_AREA(caught("PD-1", "refinement", 4)),
    /**
     * An interrupt or exception for a negative vCPU number is clamped to vCPU 0 and runs there
     * before the number is refused: vCPU 0 leaves its secure domain on a hostile event meant for
     * no vCPU (the system's own bug before it was found by drawing every action for unknown
     * vCPUs; PD-2 and PD-3 see vCPU 0 back in the root that the model keeps in its domain).
     */
    EVENT_FOR_NEGATIVE_VCPU_REACHES_VCPU_ZERO(caught("PD-2", "refinement", 2)),
    /**
     * The hypervisor handles the nested exit of a secure vCPU's access through a large guest leaf
     * (a 2 MiB or 1 GiB guest page its NPT does not map) on its emulation path, which walks the
     * guest's tables again in software and resolves the final guest-physical address in the
     * root's view (the guest's default address space) instead of the vCPU's own: secure code whose
     * large leaf lands on the root's pages reads and writes the root's frames (PD-1: a secure
     * domain reaches only its own frames; seen by the check of the frames an access touched).
     */
    LARGE_LEAF_RESOLVED_IN_ROOT_VIEW(caught("PD-1", "PD-1 isolationOnMachine", 2)),
    /**
     * The hypervisor handles the nested exit of a root vCPU's final access through a large guest
     * leaf on its emulation path, which checks the root's NPT for the leaf's block at its first
     * page only (as if a block were mapped or not as a whole) and then resolves the page accessed
     * in its own map of guest memory (every domain's NPT): root code whose 2 MiB leaf over block 0
     * names a page past the root's region reaches the secure frame there (PD-1; seen by the check
     * of the frames an access touched). Acts only on an access past the block's first pages, which
     * the root's chains once never drew.
     */
    ROOT_LARGE_LEAF_CHECKED_AT_BLOCK_START(caught("PD-1", "PD-1 isolationOnMachine", 1));

    private final List<Caught> caughtBy;

    DomainsImplFlaw(Caught... caughtBy) {
        this.caughtBy = List.of(caughtBy);
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
