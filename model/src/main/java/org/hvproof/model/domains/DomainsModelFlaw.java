package org.hvproof.model.domains;

/**
 * Deliberately wrong hypervisors, for showing the checks catch them. Off the default path:
 * read only by {@code DomainsModel.step(DomainsState, DomainsAction, Set)} and {@link DomainsModel#withFlaws}.
 */
public enum DomainsModelFlaw {
    /** One secure frame stays mapped in the root NPT (breaks PD-1, PD-3). Applied to the setup by {@link DomainsModel#withFlaws}. */
    SECURE_FRAME_LEFT_IN_ROOT_NPT,
    /** Transitions switch the guest page-table pointer but not the NPT pointer (breaks PD-2, PD-1). */
    SWITCH_ONLY_GUEST_PT_ROOT,
    /** The gate check also accepts the address after a gate (breaks PD-4). */
    GATE_CHECK_ACCEPTS_NEXT_ADDRESS,
    /** Leaving secure code keeps its register (breaks the two-run confidentiality of PD-1). */
    LEAVE_WITHOUT_CLEARING_REGISTER,
    /**
     * An access through a large guest leaf is checked against the vCPU's NPT for the first page of
     * the leaf's range only, then reaches the page at the access's offset through the NPT of the
     * domain whose region holds it: root reads and writes a secure page a root-owned range covers
     * (breaks PD-1, PD-3; {@code domains.als} names it too).
     */
    LARGE_LEAF_CHECKS_FIRST_PAGE
}
