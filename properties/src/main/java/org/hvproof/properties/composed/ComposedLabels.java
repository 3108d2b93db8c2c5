package org.hvproof.properties.composed;

/** Names of the seams a composed trace can reach; the properties set coverage minimums on them. */
final class ComposedLabels {
    static final String NODE_WRITE_WHILE_SECURE_DOMAIN_RUNS =
            "node-page write by the integrity guest while a domains vCPU runs a secure domain";
    static final String NODE_WRITE_IN_INTEGRITY_VIEW = "node-page write from the integrity view";
    static final String TREE_EDIT_WHILE_SECURE_DOMAIN_RUNS =
            "tree edit (protect or unprotect granted) while a domains vCPU runs a secure domain";
    static final String DOMAINS_EVENT_WHILE_INTEGRITY_MODE =
            "interrupt or exception on a domains vCPU while an integrity vCPU is in integrity mode";
    static final String INTEGRITY_EVENT_WHILE_SECURE_DOMAIN_RUNS =
            "interrupt or fault on an integrity vCPU while a domains vCPU runs a secure domain";
    static final String GATE_ENTRY_WHILE_INTEGRITY_MODE =
            "gate entry into a secure domain while an integrity vCPU is in integrity mode";
    static final String DRIVER_PAGE_ALERT_WHILE_SECURE_DOMAIN_RUNS =
            "driver-page write alerted while a domains vCPU runs a secure domain";
    static final String WRONG_ENTRY_WHILE_SECURE_DOMAIN_RUNS =
            "wrong-entry alert (integrity mode refused) while a domains vCPU runs a secure domain";
    static final String QUIET_OWN_DATA_WRITE_WHILE_SECURE_DOMAIN_RUNS =
            "driver's own-data write in integrity mode, quiet, while a domains vCPU runs a secure domain";
    static final String REFUSED_REQUEST_WHILE_SECURE_DOMAIN_RUNS =
            "request from normal mode refused with an alert while a domains vCPU runs a secure domain";
    static final String PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE_WHILE_SECURE_DOMAIN_RUNS =
            "protected-page write alerted in integrity mode while a domains vCPU runs a secure domain";
    static final String FAULT_ALERT_WHILE_SECURE_DOMAIN_RUNS =
            "integrity mode ended by a fault alert while a domains vCPU runs a secure domain";
    static final String ROOT_ACCESS_FAULTED_WHILE_INTEGRITY_MODE =
            "root access of the domains faulted (not mapped) while an integrity vCPU is in integrity mode";
    static final String REFUSED_JUMP_WHILE_INTEGRITY_MODE =
            "jump into a secure region refused (not a gate) while an integrity vCPU is in integrity mode";
    static final String DMA_REFUSED_WHILE_INTEGRITY_MODE =
            "device write refused by the IOMMU while an integrity vCPU is in integrity mode";
    static final String STORE_SPLIT = "the store's tree took two node pages or more in one step (a split)";
    static final String STORE_NODE_FREED = "the store's tree gave node pages back in one step (a merge or tear-down)";
    static final String STORE_TWO_LEVELS = "the store's tree has two levels or more";
    static final String OTHER_GUEST_STEP_WHILE_SECURE_DOMAIN_RUNS =
            "two runs: a step of another guest (integrity, interrupts, migration) while a domains vCPU runs a secure"
                    + " domain";
    static final String OTHER_GUEST_STEP_AFTER_SECURE_READ =
            "two runs: a step of another guest (integrity, interrupts, migration) right after secure code read its"
                    + " memory";

    static final String DOMAINS_ROOT_AIMED_AT_A_NODE_PAGE =
            "domains root named the number of a page holding a store node (through its table or its device; its own"
                    + " view does not map it unless the views share frames)";

    static final String ARRIVAL_IN_SEQUENCE_WHILE_SECURE_DOMAIN_RUNS =
            "interrupt or exception inside the protected sequence on the interrupts vCPU while a domains vCPU runs a"
                    + " secure domain";
    static final String ARRIVAL_IN_SEQUENCE_WHILE_INTEGRITY_MODE =
            "interrupt or exception inside the protected sequence on the interrupts vCPU while an integrity vCPU is in"
                    + " integrity mode";
    static final String NESTED_ARRIVAL_BESIDE_SECURE_DOMAIN_OR_INTEGRITY_MODE =
            "arrival while the interrupts guest's handler runs, a secure domain or integrity mode running beside";
    static final String OTHER_GUEST_EVENT_WHILE_INTERRUPTS_HANDLER_RUNS =
            "interrupt or exception on an integrity or domains vCPU while the interrupts guest's handler runs";
    static final String SEQUENCE_HYPERCALL_BESIDE_SECURE_DOMAIN_OR_INTEGRITY_MODE =
            "the protected sequence's hypercall answered while a secure domain or integrity mode runs beside";
    static final String EXECUTE_ONLY_FAULT_WHILE_SECURE_DOMAIN_RUNS =
            "read or write of the execute-only page faulted while a domains vCPU runs a secure domain";
    static final String INTERRUPTS_DMA_REFUSED_WHILE_INTEGRITY_MODE =
            "the interrupts guest's device read refused while an integrity vCPU is in integrity mode";
    static final String OTHER_GUEST_STEP_WHILE_INTERRUPTS_SECRET_HELD =
            "two runs differing in the interrupts secret: a step of another guest (integrity, domains, migration) while"
                    + " a register of the interrupts guest holds its secret";
    static final String ARRIVAL_WHILE_INTERRUPTS_SECRET_HELD =
            "two runs differing in the interrupts secret: an interrupt or exception inside the sequence while a"
                    + " register holds the secret";
    static final String ARRIVAL_WITH_GUESS_IN_LOW_REGISTER_IN_TWO_RUNS =
            "two runs differing in the interrupts secret: an interrupt or exception while the guest's low code holds"
                    + " run A's secret in a register as a guess";
    static final String SEQUENCE_HYPERCALL_ANSWERED_IN_TWO_RUNS =
            "two runs differing in the interrupts secret: the sequence's hypercall answered";
    static final String OTHER_GUEST_STEP_DURING_PRE_COPY_IN_TWO_RUNS =
            "migrated and unmigrated runs: a step of the integrity, domains or interrupts guest while pre-copy runs";
    static final String MIGRATION_SWITCHED_OVER_IN_TWO_RUNS =
            "migrated and unmigrated runs: the migrated run switched over";
    static final String MIGRATION_WORK_AFTER_SWITCH_OVER_IN_TWO_RUNS =
            "migrated and unmigrated runs: the migration VM or its NIC worked on the destination after switch-over";

    static final String OTHER_GUEST_STEP_DURING_PRE_COPY =
            "a step of the integrity, domains or interrupts guest while the migration's pre-copy runs (dirty logging"
                    + " on the shared tracing service)";
    static final String MIGRATION_TABLE_UPDATE_EXIT_BESIDE =
            "the migration VM's walk updated accessed/dirty bits on a dirty-logged table page (an exit the shared"
                    + " tracing service notified) while a secure domain or integrity mode runs beside";
    static final String MIGRATION_DOORBELL_EXIT_BESIDE =
            "the migration VM's doorbell store exited to the service while a secure domain or integrity mode runs"
                    + " beside";
    static final String MIGRATION_SWITCHED_OVER_BESIDE =
            "the migration switched over while a secure domain or integrity mode runs beside";
    static final String MIGRATION_CONVERGED_BESIDE =
            "the migration switched over with its dirty pages within its downtime limit, beside the other guests";
    static final String MIGRATION_SEVERAL_ROUNDS_BESIDE =
            "the migration switched over after two or more pre-copy rounds, beside the other guests";

    static final String OTHER_GUEST_ACTION_INSIDE_STORE_COMMIT =
            "an action of the domains, the interrupts or the migration guest between two micro-steps of the integrity"
                    + " store's commit";

    static final String MIGRATION_DOORBELL_EXIT_COPY_AS_VCPU =
            "the migration VM's doorbell store exited to the service beside the other guests, the copy as the vCPU"
                    + " buffer";
    static final String MIGRATION_DOORBELL_EXIT_COPY_AS_DEVICE =
            "the migration VM's doorbell store exited to the service beside the other guests, the copy as the device"
                    + " buffer";
    static final String MIGRATION_TRAP_EXIT_COPY_AS_VCPU =
            "the migration VM's access to a protected buffer page exited beside the other guests (the trapping"
                    + " strategy), the copy as the vCPU buffer";
    static final String MIGRATION_TRAP_EXIT_COPY_AS_DEVICE =
            "the migration VM's access to a protected buffer page exited beside the other guests (the trapping"
                    + " strategy), the copy as the device buffer";

    static final String MIGRATION_COMPLETION_POSTED_AT_SWITCH_OVER =
            "a completion of the migration's NIC was posted and not yet delivered at switch-over";

    static final String INTEGRITY_WRITE_NOTIFIED =
            "a generated write of the integrity guest notified by the shared tracing service (a traced page of its"
                    + " views)";
    static final String MIGRATION_WRITE_NOTIFIED =
            "a generated write or walk update of the migration VM notified by the shared tracing service (dirty"
                    + " logging)";
    static final String SILENT_WRITE_TO_PAGE_TRACED_IN_ANOTHER_VIEW =
            "a write, not notified, to a page number untraced in the writer's view and traced in another guest's view";
    static final String NIC_DMA_WHILE_DIRTY_LOGGING =
            "a DMA step of the migration NIC while pages of its VM's view are traced (dirty logging)";
    static final String FAILOVER_OTHER_GUEST_BETWEEN_CHUNKS =
            "another guest's action while the failover checkpoint lands on the composed machine (some chunks"
                    + " landed, not all)";
    static final String FAILOVER_CHUNK_LANDED_BESIDE =
            "a failover chunk landed on the composed machine while a secure domain runs or an integrity vCPU is in"
                    + " integrity mode";
    static final String FAILOVER_STARTED_ON_MACHINE =
            "the failover secondary's application started on the composed machine";
    static final String FAILOVER_SERVED_ON_MACHINE =
            "the failover secondary's application served an update on the composed machine";
    static final String FAILOVER_SECONDARY_CRASHED_ON_MACHINE =
            "the failover secondary guest crashed on the composed machine, the other guests running on";
    static final String TRACE_ADDED_OVER_CACHED_WRITABLE_TRANSLATION =
            "a trace added while a vCPU caches a writable translation of the page in that view";

    static final String OTHER_GUEST_ACTION_INSIDE_TRACING_REQUEST =
            "another guest's action between two micro-steps of the tracing guest's trace request";
    static final String TWO_OWNERS_ON_A_TRACING_GUEST_PAGE =
            "two owners of the tracing guest hold traces on one of its pages, on the shared service";
    static final String TRACING_DEVICE_WRITE_TO_TRACED_PAGE =
            "a DMA write of the tracing guest's device aimed at a page it traces";
    static final String TRACING_GUEST_WRITE_NOTIFIED =
            "a generated write of the tracing guest notified by the shared tracing service";

    private ComposedLabels() {}
}
