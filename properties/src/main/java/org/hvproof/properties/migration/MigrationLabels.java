package org.hvproof.properties.migration;

/**
 * The situations a migration trace can reach, as {@link MigrationTrace} labels them; the
 * properties set coverage minimums on them so a property whose traces miss its claim's
 * situations fails.
 */
final class MigrationLabels {
    static final String STARTED = "migration started";
    static final String SWITCHED_OVER = "switched over";
    static final String SWITCHED_OVER_COPY_AS_VCPU = "switched over with the copy as the vCPU buffer";
    static final String SWITCHED_OVER_COPY_AS_DEVICE = "switched over with the copy as the device buffer";
    static final String SWITCHED_OVER_DOORBELL = "switched over syncing at doorbell and completion";
    static final String SWITCHED_OVER_TRAP = "switched over syncing on trapped VM accesses";
    static final String RECEIVE_IN_FLIGHT_AT_SWITCH_OVER = "a receive was in flight at stop-and-copy";
    static final String COMPLETION_POSTED_AT_SWITCH_OVER = "a completion was posted and not delivered at stop-and-copy";
    static final String WORK_AFTER_SWITCH_OVER = "the device moved data on the destination";
    static final String COPY_BACK_CHANGED_PAGE = "a completion's copy-back changed a page during pre-copy";
    static final String TRANSMIT_SYNCED = "a transmit was forwarded during pre-copy";
    static final String TRAPPED_ACCESS_SYNCED = "a trapped VM access pulled device output into the vCPU buffer";
    static final String MULTI_STEP_REQUEST = "a request took three or more DMA steps";
    static final String CONVERGED = "migration converged within the downtime limit";
    static final String FORCED = "migration forced at the round limit";
    static final String SEVERAL_ROUNDS = "three or more pre-copy rounds";
    static final String HOSTILE_DESCRIPTOR = "hostile descriptor rejected";
    static final String OVERLAPPING_DESCRIPTOR = "descriptor overlapping an owned buffer rejected";
    static final String BAD_DOORBELL = "doorbell with an empty ring or a bad tail refused";
    static final String MIGRATION_REFUSED = "migration twice, during another or to a too small destination refused";
    static final String DOORBELL_EXIT_COPY_AS_VCPU =
            "a doorbell store exited to the service, the copy as the vCPU buffer";
    static final String DOORBELL_EXIT_COPY_AS_DEVICE =
            "a doorbell store exited to the service, the copy as the device buffer";
    static final String TRAP_EXIT_COPY_AS_VCPU =
            "a VM access to a protected buffer page exited, the copy as the vCPU buffer";
    static final String TRAP_EXIT_COPY_AS_DEVICE =
            "a VM access to a protected buffer page exited, the copy as the device buffer";
    static final String TABLE_UPDATE_EXIT = "a walk's accessed/dirty update exited on a dirty-logged page-table page";
    static final String TABLE_UPDATE_EXIT_AT_DOORBELL =
            "the doorbell store's walk exited on a dirty-logged page-table page before its own exit";
    static final String REGISTER_WRITE_REFUSED = "a write to the MMIO page other than the doorbell store refused";
    static final String DESCRIPTOR_IN_MMIO_PAGE = "a descriptor pointing into the MMIO page rejected";
    static final String WRITE_BETWEEN_REARM_AND_COPY = "a VM write between a page's re-arm and its copy";
    static final String WRITE_TO_PAGE_COPIED_IN_ROUND = "a VM write to a page already copied in the round in progress";
    static final String ROUND_IN_MICRO_STEPS = "a pre-copy round finished in micro-steps";
    static final String ROUND_REFUSED = "migration round without a migration refused";

    private MigrationLabels() {}
}
