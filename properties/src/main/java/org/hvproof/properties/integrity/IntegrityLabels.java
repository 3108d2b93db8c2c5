package org.hvproof.properties.integrity;

/**
 * The situations an integrity trace can reach, as {@link IntegrityTrace} labels them; the
 * properties set coverage minimums on them so a property whose traces miss its claim's
 * situations fails.
 */
public final class IntegrityLabels {
    static final String ENTERED = "entered integrity mode";
    static final String WRONG_ENTRY_ALERT = "wrong-entry alert";
    static final String WRONG_OFFSET_IN_ENTRY_PAGE = "entry attempt from the entry page at another offset";
    static final String SECOND_REGISTRATION = "second registration alerted";
    static final String EXIT = "exit from integrity mode";
    static final String INTERRUPT_EXIT = "interrupt in integrity mode";
    static final String FAULT_EXIT = "fault in integrity mode";
    static final String PROTECTED = "protect request honoured";
    static final String UNPROTECTED = "unprotect request honoured";
    static final String REFUSED_REQUEST = "request refused outside integrity mode";
    static final String PROTECTION_SURVIVED_REFUSED_REMOVAL = "unprotect from normal mode with protections in place";
    static final String BAD_ARGUMENTS_REFUSED = "request with bad arguments refused";
    static final String BLOCKED_WRITE = "write blocked";
    static final String RECORDED_AND_ALLOWED_WRITE = "write recorded and allowed";
    static final String DRIVER_PAGE_ALERT_IN_NORMAL_MODE = "driver page write alerted outside integrity mode";
    static final String QUIET_OWN_DATA_WRITE = "integrity-mode write to own data without alert";
    static final String PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE = "protected page write alerted in integrity mode";
    static final String DRIVER_CODE_ALERT_IN_INTEGRITY_MODE = "driver code write alerted in integrity mode";
    static final String STRAY_INSTRUCTION_FAULTED = "instruction outside the driver's code faulted in integrity mode";
    static final String INSTRUCTION_FROM_DRIVER_DATA = "instruction from the driver's data in integrity mode";
    static final String USER_INSTRUCTION_IN_INTEGRITY_MODE = "user-mode instruction in integrity mode";
    static final String DRIVER_RUNS_AWAY_FROM_ENTRY =
            "the driver runs code away from its entry point in integrity mode";
    static final String FAULT_ALERT = "fault in integrity mode alerted";
    // The spread of the generated values, so a generator that narrows again fails its coverage.
    static final String ENTRY_HIGH_BIT_ALIAS = "entry attempt differing from the entry point only above bit 31";
    static final String WRITE_HIGH_BIT_ALIAS = "write to an address differing from a monitored page only above bit 31";
    static final String WRITE_BEYOND_GUARDED_MEMORY = "write beyond the guarded memory";
    static final String WRITE_UNMONITORED_NEXT_TO_MONITORED = "write to an unmonitored page next to a monitored one";
    static final String PROTECTED_UPPER_HALF = "protect request honoured in the upper half of guest memory";
    static final String DRIVER_IN_UPPER_HALF = "driver registered in the upper half of guest memory";
    static final String FAULT_VECTOR_ABOVE_31 = "fault with a vector above 31 in integrity mode";
    static final String INTERRUPT_VECTOR_BELOW_32 = "interrupt with a vector below 32 in integrity mode";

    /** Large pages: a write to guarded memory alerted through a 2 MiB guest leaf (vCPU 0's direct map). */
    static final String ALERT_THROUGH_LARGE_GUEST_LEAF = "write alerted through a 2 MiB guest leaf";
    /** Large pages: the same through a 4 KiB guest leaf (the other vCPUs' direct maps). */
    static final String ALERT_THROUGH_SMALL_GUEST_LEAF = "write alerted through a 4 KiB guest leaf";

    private IntegrityLabels() {}
    // TREE-7: the traced tree as the protection store.
    public static final String STORE_REQUEST_PUBLISHED_BETWEEN_ACTIONS =
            "a request in micro-steps published between other vCPUs' actions";
    public static final String NODE_PAGE_WRITE_BETWEEN_MICRO_STEPS =
            "node-page write by another vCPU between two micro-steps of a store request";
    public static final String TAKEN_PAGE_WRITE_BETWEEN_MICRO_STEPS =
            "write to a pool page a store request took, between two of its micro-steps";
    public static final String FREED_PAGE_WRITE_BETWEEN_MICRO_STEPS =
            "write to a node page a store request frees, between two of its micro-steps";
    public static final String REQUEST_RANGE_WRITTEN_BETWEEN_MICRO_STEPS =
            "guest write to the range a store request protects or unprotects, between two of its micro-steps";
    public static final String STORE_SPLIT = "protect split a node of the store's tree";
    public static final String STORE_MERGE = "unprotect merged nodes of the store's tree (tree left non-empty)";
    public static final String STORE_FULL_REFUSED = "protect refused: the store's node pool is used up";
    public static final String NODE_PAGE_WRITE_IN_INTEGRITY_VIEW =
            "node-page write from integrity mode, in the integrity view";
    public static final String NODE_PAGE_WRITE_IN_PROTECTED_VIEW = "node-page write in the protected view";
}
