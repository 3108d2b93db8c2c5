package org.hvproof.impl.composed;

import java.util.List;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.impl.failover.FailoverImplFlaw;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.impl.migration.MigrationImplFlaw;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately wrong compositions, of two kinds. The seam flaws compose correct services wrongly:
 * each breaks nothing any service does alone and shows up only on the composed traces, as a
 * mechanism's claim or refinement failing while the other mechanism runs beside it. The carried
 * flaws run one service with one of its own deliberate flaws ({@link #integrityFlaw()}, {@link
 * #domainsFlaw()}, {@link #treeFlaw()} for the integrity store's tree, {@link #interruptsFlaw()}, {@link
 * #migrationFlaw()}, {@link #tracingFlaw()} for the tracing service they all share, {@link
 * #failoverFlaw()} for the failover pair whose secondary runs on the machine)
 * beside the others, correct: each shows that the composed property of a claim
 * can fail for the attack it names, with the other guests' steps interleaved.
 */
public enum ComposedImplFlaw implements Flaw {
    /** The correct composition. */
    NONE(List.of()),
    /**
     * The domains' root domain runs on the default view, the integrity guest's own (one guest
     * view for two guests): the root domain's nested page table then holds whatever the integrity
     * guest's memory is backed with (its page tables already at boot), and its pages are the
     * integrity guest's pages too.
     */
    DOMAINS_ROOT_ON_DEFAULT_VIEW(List.of(new Caught("PD-1", "refinement", 1))),
    /**
     * The secure domains' views are made to share the integrity guest's frames (as the integrity
     * view does), so the store's tree, which traces its node pages in every view backed by the
     * guest's frames, backs them in each secure view at its next edit: a secure domain's nested
     * page table then maps another guest's pages, read-only, that its own set-up never gave it.
     */
    SECURE_VIEWS_SHARE_GUEST_FRAMES(List.of(new Caught("PD-1", "refinement", 4))),
    /**
     * The store's node pages are traced in every view the machine has after each integrity step,
     * the domains' views included (what the tree did before the composed traces found the seam):
     * tracing a page backs it, so each domains view gets the node-page numbers backed with fresh
     * frames of its own.
     */
    NODE_PAGES_TRACED_IN_EVERY_VIEW(List.of(new Caught("TREE-7", "TREE-7 nodePagesTracedInEveryGuestView", 4))),
    /**
     * The interrupt security module takes every vCPU's events for its own guest's (every event
     * reaches every service, and this one does not look whose vCPU it is): an interrupt on an
     * integrity or domains vCPU pushes a virtual interrupt frame for the interrupts guest and
     * moves that other vCPU to the interrupts guest's handler.
     */
    INTERRUPT_MODULE_ON_EVERY_VCPU(List.of(new Caught("INT-3", "refinement", 3))),
    /**
     * The interrupts guest's hypercall handler borrows R8 of the machine's first vCPU (the guest's
     * own when it runs alone) to compute the expected authentication value in, and gives the
     * borrowed value back to the caller's R8: alone one register, and nothing differs; on the
     * shared machine vCPU 0, the integrity guest's, keeps a function of the interrupts guest's
     * secret, which no single run can tell from any other value.
     */
    INTERRUPTS_HYPERCALL_SCRATCH_ON_FIRST_VCPU(List.of(new Caught("INT-1", "INT-1 otherGuestsSeeNothingOnMachine", 5))),
    /**
     * The integrity service's completion listener judges every notified write by its page number,
     * whichever guest's view it was made in (as it did while it was the only tracing client): the
     * migration VM's write to a dirty-logged page whose number is a driver page or a blocking
     * protection of the integrity guest's, or its walk's accessed/dirty update of such a table
     * page, is not completed.
     */
    INTEGRITY_LISTENER_JUDGES_EVERY_VIEW(List.of(new Caught("MIG-1", "refinement", 4))),
    /**
     * A secure frame handed out twice: once every guest has booted, the composition gives secure
     * domain 1's data frame back to the hypervisor as free (as a boot that frees its set-up's
     * scratch frames would, freeing one the secure view still maps, unscrubbed), so the next guest
     * page the hypervisor backs, the interrupts guest's first fresh data page, is that frame: the
     * interrupts guest reads the secure domain's memory, and the domains' root sees nothing of it.
     */
    SECURE_FRAME_GIVEN_BACK(List.of(new Caught("PD-1", "PD-1 otherGuestsSeeNothingSecure", 1))),
    /**
     * The tracing guest's device is attached under the integrity guest's view (the default one)
     * instead of its own: its DMA writes land in the integrity guest's memory, through that view's
     * I/O page table, and a page the tracing guest traces in its own view stays writable to it.
     */
    TRACING_DEVICE_ON_DEFAULT_VIEW(List.of(new Caught("TRACE-4", "refinement", 1))),

    // Carried flaws: one service's own flaw, the other service correct beside it.

    /** The integrity service with ENTRY_CHECKS_PAGE_ONLY: any address in the entry page enters integrity mode. */
    INTEGRITY_ENTRY_CHECKS_PAGE_ONLY(IntegrityImplFlaw.ENTRY_CHECKS_PAGE_ONLY, "GI-1", "GI-1 entryOnlyAtEntryPoint", 2),
    /** The integrity service with BLOCK_COMPLETES_WRITE: a write alerted with BLOCK lands anyway. */
    INTEGRITY_BLOCK_COMPLETES_WRITE(IntegrityImplFlaw.BLOCK_COMPLETES_WRITE, "GI-2", "GI-2 alertActionPerformed", 2),
    /** The integrity service with OWN_DATA_MONITORED_IN_INTEGRITY_VIEW: the driver's own data alerts in integrity mode. */
    INTEGRITY_OWN_DATA_MONITORED(
            IntegrityImplFlaw.OWN_DATA_MONITORED_IN_INTEGRITY_VIEW, "GI-3", "GI-3 ownDataQuietInIntegrityMode", 3),
    /** The integrity service with REQUESTS_IGNORE_MODE: protect and unprotect are honoured from normal mode. */
    INTEGRITY_REQUESTS_IGNORE_MODE(
            IntegrityImplFlaw.REQUESTS_IGNORE_MODE, "GI-5", "GI-5 requestsOnlyFromIntegrityMode", 6),
    /** The integrity service with TREE_REQUEST_WITHOUT_MODE_CHECK: the tree's own request hypercalls skip GI-5's check. */
    INTEGRITY_TREE_REQUEST_WITHOUT_MODE_CHECK(
            IntegrityImplFlaw.TREE_REQUEST_WITHOUT_MODE_CHECK, "GI-5", "GI-5 treeRequestsOnlyThroughTheService", 0),
    /** The integrity service with ROLLBACK_DROPS_EXISTING: a refused request's rollback drops protections it found. */
    INTEGRITY_ROLLBACK_DROPS_EXISTING(IntegrityImplFlaw.ROLLBACK_DROPS_EXISTING, "GI-6", "GI-6 protectionsPersist", 6),
    /** The integrity service with DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW: in integrity mode the driver may rewrite its code. */
    INTEGRITY_DRIVER_CODE_WRITABLE(
            IntegrityImplFlaw.DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW,
            "GI-7",
            "GI-7 otherProtectedPagesAlertInIntegrityMode",
            3),
    /** The integrity service with DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW: the integrity view executes the driver's data. */
    INTEGRITY_DRIVER_DATA_EXECUTABLE(
            IntegrityImplFlaw.DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW, "GI-8", "GI-8 onlyDriverCodeExecutable", 1),
    /** The domains service with NPT_CHECK_ONLY_AT_LEAF: a root walk reads a secure table frame the NPT does not map. */
    DOMAINS_NPT_CHECK_ONLY_AT_LEAF(DomainsImplFlaw.NPT_CHECK_ONLY_AT_LEAF, "PD-1", "PD-1 isolationOnMachine", 1),
    /** The domains service with LARGE_LEAF_RESOLVED_IN_ROOT_VIEW: secure code's large leaf reaches the root's frames. */
    DOMAINS_LARGE_LEAF_RESOLVED_IN_ROOT_VIEW(
            DomainsImplFlaw.LARGE_LEAF_RESOLVED_IN_ROOT_VIEW, "PD-1", "PD-1 isolationOnMachine", 2),
    /** The domains service with SECURE_REGISTERS_LEAK_ON_INTERRUPT: an interrupt leaves secure registers to the root. */
    DOMAINS_SECURE_REGISTERS_LEAK_ON_INTERRUPT(
            DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT, "PD-1", "PD-1 lowViewsEqualOnMachine", 2),
    /** The domains service with SECURE_FRAME_LEFT_IN_ROOT_NPT: the root's NPT still maps a secure frame. */
    DOMAINS_SECURE_FRAME_LEFT_IN_ROOT_NPT(DomainsImplFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT, "PD-3", "refinement", 0),
    /** The domains service with GATE_CHECK_ACCEPTS_NEXT_ADDRESS: a jump to the byte after a gate enters the domain. */
    DOMAINS_GATE_CHECK_ACCEPTS_NEXT_ADDRESS(
            DomainsImplFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS, "PD-4", "PD-4 gatesOnly", 1),
    /** The domains service with SECURE_FRAMES_IN_DEVICE_TABLE: the device's I/O page table maps secure frames. */
    DOMAINS_SECURE_FRAMES_IN_DEVICE_TABLE(
            DomainsImplFlaw.SECURE_FRAMES_IN_DEVICE_TABLE, "PD-5", "PD-5 noSecureFrameInDeviceTable", 0),
    /** The store's tree with SPLIT_NODE_UNTRACED: a node a split takes is not traced. */
    TREE_SPLIT_NODE_UNTRACED(TreeImplFlaw.SPLIT_NODE_UNTRACED, "TREE-4", "TREE-4 storeTracesExact", 5),
    /** The store's tree with FREED_NODE_STAYS_TRACED: a node page a merge frees keeps its trace. */
    TREE_FREED_NODE_STAYS_TRACED(TreeImplFlaw.FREED_NODE_STAYS_TRACED, "TREE-4", "TREE-4 storeTracesExact", 8),
    /** The store's tree with WALK_READS_LEFT_SIBLINGS: a look-up reads more than depth + 1 nodes. */
    TREE_WALK_READS_LEFT_SIBLINGS(TreeImplFlaw.WALK_READS_LEFT_SIBLINGS, "TREE-5", "TREE-5 storeWalksBounded", 5),
    /** The store's tree with WALK_FROM_GUEST_POINTER: its base pointer lies in a guest page. */
    TREE_WALK_FROM_GUEST_POINTER(
            TreeImplFlaw.WALK_FROM_GUEST_POINTER, "TREE-6", "TREE-6 storeChangesOnlyOnRequests", 3),
    /** The interrupt security module with SCRUB_XOR_SECRET: R1 scrubbed to the secret xor the erasure constant. */
    INTERRUPTS_SCRUB_XOR_SECRET(InterruptsImplFlaw.SCRUB_XOR_SECRET, "INT-1", "INT-1 noninterference", 4),
    /**
     * The interrupt security module with SCRUBS_REGISTERS_EQUAL_TO_SECRET: every arrival erases the
     * registers equal to the secret, so low code's guess of it is answered (caught only when the
     * composed pair lets the guest hold run A's secret as a guess).
     */
    INTERRUPTS_SCRUBS_REGISTERS_EQUAL_TO_SECRET(
            InterruptsImplFlaw.SCRUBS_REGISTERS_EQUAL_TO_SECRET, "INT-1", "INT-1 noninterference", 5),
    /** The interrupt security module with HYPERCALL_LEAVES_MAC_IN_SCRATCH: R8 keeps the expected authentication value. */
    INTERRUPTS_HYPERCALL_LEAVES_MAC_IN_SCRATCH(
            InterruptsImplFlaw.HYPERCALL_LEAVES_MAC_IN_SCRATCH, "INT-1", "INT-1 noninterferenceOnMachine", 5),
    /** The interrupt security module with SCRUB_FORGETS_AUTH_REGISTER: R2, a function of the secret, reaches the handler. */
    INTERRUPTS_SCRUB_FORGETS_AUTH_REGISTER(
            InterruptsImplFlaw.SCRUB_FORGETS_AUTH_REGISTER, "INT-2", "INT-2 noSecretAtHandlerEntry", 3),
    /** The interrupt security module with DUPLICATE_EXCEPTION_DELIVERY: an exception reaches the handler twice. */
    INTERRUPTS_DUPLICATE_EXCEPTION_DELIVERY(
            InterruptsImplFlaw.DUPLICATE_EXCEPTION_DELIVERY, "INT-3", "INT-3 oneVirtualInterruptPerArrival", 4),
    /** The interrupt security module with RESTORE_SECRET_ON_RETURN: the hypervisor writes the secret back into R1. */
    INTERRUPTS_RESTORE_SECRET_ON_RETURN(
            InterruptsImplFlaw.RESTORE_SECRET_ON_RETURN, "INT-4", "INT-4 neverRestoresSecret", 5),
    /** The interrupts guest with CODE_PAGE_READABLE: its execute-only page is readable in its nested page table. */
    INTERRUPTS_CODE_PAGE_READABLE(InterruptsImplFlaw.CODE_PAGE_READABLE, "INT-5", "INT-5 executeOnlyPageFaults", 1),
    /** The interrupts guest with IOMMU_MAPS_CODE_PAGE: its device's table maps the page holding the secret. */
    INTERRUPTS_IOMMU_MAPS_CODE_PAGE(
            InterruptsImplFlaw.IOMMU_MAPS_CODE_PAGE, "INT-6", "INT-6 noIommuMappingHoldsSecret", 1),
    /**
     * The migration service with TABLE_UPDATE_NOT_LOGGED: a walk's accessed/dirty update of a
     * dirty-logged table page is notified by the shared tracing service but not marked dirty.
     */
    MIGRATION_TABLE_UPDATE_NOT_LOGGED(
            MigrationImplFlaw.TABLE_UPDATE_NOT_LOGGED, "MIG-1", "MIG-1 cleanPoolPagesAtDestination", 3),
    /** The migration service with NO_FINAL_SYNC: stop-and-copy leaves out what the NIC wrote of requests it still owns. */
    MIGRATION_NO_FINAL_SYNC(
            List.of(
                    new Caught("MIG-1", "refinement", 6),
                    new Caught("MIG-1", "MIG-1 destinationMatchesUnmigrated", 10)),
            IntegrityImplFlaw.NONE,
            DomainsImplFlaw.NONE,
            TreeImplFlaw.NONE,
            InterruptsImplFlaw.NONE,
            MigrationImplFlaw.NO_FINAL_SYNC),
    /**
     * The migration service with IOMMU_LEFT_ON_VCPU_BUFFER: its NIC's table keeps the VM's frames
     * during pre-copy, writable, while dirty logging traces them on the shared tracing service.
     * TRACE-4's composed property fails on it in one action, by {@code noDeviceWritableTracedPage}
     * (where the search lands on a source whose NIC reach the migration model tells apart first,
     * the copy as the device buffer under the trapping strategy, by refinement instead: at the
     * test's seed the merged generator lands on the former again).
     */
    MIGRATION_IOMMU_LEFT_ON_VCPU_BUFFER(
            List.of(
                    new Caught("MIG-2", "MIG-2 translationsReachTheirBuffer", 1),
                    new Caught("TRACE-4", "TRACE-4 noDeviceWritableTracedPage", 1)),
            IntegrityImplFlaw.NONE,
            DomainsImplFlaw.NONE,
            TreeImplFlaw.NONE,
            InterruptsImplFlaw.NONE,
            MigrationImplFlaw.IOMMU_LEFT_ON_VCPU_BUFFER),
    /** The migration service with DOORBELL_NOT_TRAPPED: the MMIO page stays writable during pre-copy. */
    MIGRATION_DOORBELL_NOT_TRAPPED(MigrationImplFlaw.DOORBELL_NOT_TRAPPED, "MIG-3", "MIG-3 doorbellStoresExit", 1),
    /**
     * The migration service with REPROTECT_FORGOTTEN, which only the trapping strategy exposes:
     * after the VM's retried access to a vCPU buffer page the page stays open in the migration
     * view's nested table, so the VM's next access bypasses the sync.
     */
    MIGRATION_REPROTECT_FORGOTTEN(MigrationImplFlaw.REPROTECT_FORGOTTEN, "MIG-3", "MIG-3 vcpuBufferProtected", 2),
    /**
     * The migration service with NO_SHOOTDOWN_AFTER_REPROTECT, which only the trapping strategy
     * exposes: the page is closed again after the retry but the migration vCPU keeps the writable
     * translation the retry cached, on the machine the other guests' vCPUs share.
     */
    MIGRATION_NO_SHOOTDOWN_AFTER_REPROTECT(
            MigrationImplFlaw.NO_SHOOTDOWN_AFTER_REPROTECT, "MIG-3", "MIG-3 vcpuBufferProtected", 2),
    /** The migration service with REQUEST_REPLAYED_AT_SWITCH_OVER: posted completions handed to the destination's NIC again. */
    MIGRATION_REQUEST_REPLAYED_AT_SWITCH_OVER(
            MigrationImplFlaw.REQUEST_REPLAYED_AT_SWITCH_OVER, "MIG-4", "MIG-4 everyRequestAccountedOnce", 6),
    /** The migration service with REPORT_OMITS_FINAL_ROUND: the report's total leaves out stop-and-copy's pages. */
    MIGRATION_REPORT_OMITS_FINAL_ROUND(MigrationImplFlaw.REPORT_OMITS_FINAL_ROUND, "MIG-5", "MIG-5 reportAccurate", 6),
    /**
     * The store's tree with NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY: from the integrity view a
     * node-page write lands unseen, and the tree changes with no request.
     */
    TREE_NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY(
            List.of(new Caught("TREE-2", "TREE-2", 6), new Caught("TREE-6", "TREE-6 storeChangesOnlyOnRequests", 13)),
            IntegrityImplFlaw.NONE,
            DomainsImplFlaw.NONE,
            TreeImplFlaw.NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY),
    /**
     * The shared tracing service with INVALIDATE_LOCAL_VCPU_ONLY: a trace's shoot-down invalidates
     * the machine's first vCPU only, so another vCPU on the view keeps a writable translation.
     */
    TRACING_INVALIDATE_LOCAL_VCPU_ONLY(
            TracingImplFlaw.INVALIDATE_LOCAL_VCPU_ONLY, "TRACE-5", "TRACE-5 noStaleWritableTranslation", 4),
    /** The shared tracing service with NOTIFY_NEXT_PAGE: a notification names the page after the one written. */
    TRACING_NOTIFY_NEXT_PAGE(
            TracingImplFlaw.NOTIFY_NEXT_PAGE, "TRACE-2", "TRACE-2 noNotificationWithoutTraceOnMachine", 2),
    /** The shared tracing service with NOTIFY_TWICE: a write to a traced page is notified twice. */
    TRACING_NOTIFY_TWICE(TracingImplFlaw.NOTIFY_TWICE, "TRACE-1", "TRACE-1 everyTracedWriteNotifiedOnce", 2),
    /**
     * The shared tracing service with STALE_TRACE_AFTER_REMOVE: the last owner's removal leaves
     * the write bit cleared, so the next write to the page exits to no owner and faults; in the
     * tracing guest's view the cleared bit is a trace with no owner behind it.
     */
    TRACING_STALE_TRACE_AFTER_REMOVE(
            TracingImplFlaw.STALE_TRACE_AFTER_REMOVE, "TRACE-3", "TRACE-3 tracesHaveOwners", 3),
    /** The shared tracing service with FORGET_SECOND_OWNER: the tracing guest's second owner of a page is not recorded. */
    TRACING_FORGET_SECOND_OWNER(
            TracingImplFlaw.FORGET_SECOND_OWNER, "TRACE-3", "TRACE-3 ownersAddAndRemoveOnlyThemselves", 3),
    /** The shared tracing service with RESTORE_ON_FIRST_REMOVE: one owner's removal unprotects a page another still traces. */
    TRACING_RESTORE_ON_FIRST_REMOVE(
            TracingImplFlaw.RESTORE_ON_FIRST_REMOVE, "TRACE-3", "TRACE-3 ownersAddAndRemoveOnlyThemselves", 4),
    /** The shared tracing service with NO_IOMMU_UPDATE_ON_TRACE: the tracing guest's device keeps writing a traced page. */
    TRACING_NO_IOMMU_UPDATE_ON_TRACE(
            TracingImplFlaw.NO_IOMMU_UPDATE_ON_TRACE, "TRACE-4", "TRACE-4 noDeviceWritableTracedPage", 3),
    /**
     * The shared tracing service with NOTIFY_WHILE_REMOVING: a tracing guest's write between its
     * removal's start and the restore of the write bit is notified, though no owner is left.
     */
    TRACING_NOTIFY_WHILE_REMOVING(
            TracingImplFlaw.NOTIFY_WHILE_REMOVING, "TRACE-2", "TRACE-2 noNotificationWithoutTrace", 4),
    /**
     * The shared tracing service with SPLIT_POINTER_BEFORE_TABLE: between two micro-steps of the
     * tracing guest's trace request its whole 2 MiB range is unmapped for a walk.
     */
    TRACING_SPLIT_POINTER_BEFORE_TABLE(TracingImplFlaw.SPLIT_POINTER_BEFORE_TABLE, "TRACE-1", "refinement", 3),

    /**
     * The shared tracing service with RESTORE_BEFORE_UNREGISTER: a removal's micro-steps restore the
     * write right while the record still names the owner.
     */
    TRACING_RESTORE_BEFORE_UNREGISTER(
            TracingImplFlaw.RESTORE_BEFORE_UNREGISTER, "TRACE-3", "TRACE-3 ownersAddAndRemoveOnlyThemselves", 2),
    /** The shared tracing service with TRACE_WITHOUT_SPLIT: a trace inside the tracing guest's large mapping is not split out. */
    TRACING_TRACE_WITHOUT_SPLIT(TracingImplFlaw.TRACE_WITHOUT_SPLIT, "TRACE-1", "refinement", 1),

    /**
     * The shared tracing service runs one request at a time for every view, as it did before the
     * composition found the seam: while the tracing guest's request is pending, the integrity
     * service's (and the tree's, dirty logging's) whole requests in their own views are refused
     * {@code BUSY}, which those clients cannot go on from: the exception leaves the hypervisor on a
     * guest's hypercall (a register or protect while the tracing guest's request is in flight).
     */
    TRACING_BUSY_IN_EVERY_VIEW(List.of(new Caught("GI-2", "exception", 3))),
    /**
     * The failover secondary's standby agent resolves each checkpoint chunk's guest page in the
     * machine's default view, as it did on a host of its own, where the default view was its
     * guest's: on the composed machine that is the integrity guest's view, so the chunk is
     * written into the integrity guest's memory (backing its page if need be), unseen by any
     * nested right or trace, and the secondary's own page keeps what it had.
     */
    STANDBY_WRITES_THROUGH_DEFAULT_VIEW(List.of(new Caught("FT-1", "FT-1 checkpointCopiedFaithfully", 6))),
    /** The failover secondary's agent with SECONDARY_STARTS_ON_ANY_SIGNAL: any signal message starts the application. */
    FAILOVER_SECONDARY_STARTS_ON_ANY_SIGNAL(
            FailoverImplFlaw.SECONDARY_STARTS_ON_ANY_SIGNAL, "FT-3", "FT-3 secondaryStartsOnlyOnSignal", 6),
    /** The failover application with ACK_BEFORE_APPLY: an update acknowledged on arrival, before the store applies it. */
    FAILOVER_ACK_BEFORE_APPLY(FailoverImplFlaw.ACK_BEFORE_APPLY, "FT-1", "FT-1 acknowledgedUpdatesPresent", 2),
    /** The failover primary's agent with CHECKPOINT_MISSES_NIC_STATE: the secondary restores an empty queue. */
    FAILOVER_CHECKPOINT_MISSES_NIC_STATE(
            FailoverImplFlaw.CHECKPOINT_MISSES_NIC_STATE, "FT-1", "FT-1 checkpointCopiedFaithfully", 6),
    /**
     * The failover pair with POWER_RETURN_RESTARTS_PRIMARY: power returning after the signal
     * restarts the application on the primary while the secondary guest runs it.
     */
    FAILOVER_POWER_RETURN_RESTARTS_PRIMARY(
            FailoverImplFlaw.POWER_RETURN_RESTARTS_PRIMARY, "FT-2", "FT-2 neverBothRun", 9),
    /** The failover primary's agent with SIGNAL_WITHOUT_ACK: it signals before the last chunk is acknowledged. */
    FAILOVER_SIGNAL_WITHOUT_ACK(FailoverImplFlaw.SIGNAL_WITHOUT_ACK, "FT-4", "FT-4", 10);

    private final List<Caught> caughtBy;
    private final IntegrityImplFlaw integrityFlaw;
    private final DomainsImplFlaw domainsFlaw;
    private final TreeImplFlaw treeFlaw;
    private final InterruptsImplFlaw interruptsFlaw;
    private final MigrationImplFlaw migrationFlaw;
    private final TracingImplFlaw tracingFlaw;
    private final FailoverImplFlaw failoverFlaw;

    ComposedImplFlaw(List<Caught> caughtBy) {
        this(caughtBy, IntegrityImplFlaw.NONE, DomainsImplFlaw.NONE, TreeImplFlaw.NONE);
    }

    ComposedImplFlaw(InterruptsImplFlaw carried, String claim, String check, int shrinksTo) {
        this(
                List.of(new Caught(claim, check, shrinksTo)),
                IntegrityImplFlaw.NONE,
                DomainsImplFlaw.NONE,
                TreeImplFlaw.NONE,
                carried);
    }

    ComposedImplFlaw(MigrationImplFlaw carried, String claim, String check, int shrinksTo) {
        this(
                List.of(new Caught(claim, check, shrinksTo)),
                IntegrityImplFlaw.NONE,
                DomainsImplFlaw.NONE,
                TreeImplFlaw.NONE,
                InterruptsImplFlaw.NONE,
                carried);
    }

    ComposedImplFlaw(TracingImplFlaw carried, String claim, String check, int shrinksTo) {
        this(
                List.of(new Caught(claim, check, shrinksTo)),
                IntegrityImplFlaw.NONE,
                DomainsImplFlaw.NONE,
                TreeImplFlaw.NONE,
                InterruptsImplFlaw.NONE,
                MigrationImplFlaw.NONE,
                carried);
    }

    ComposedImplFlaw(FailoverImplFlaw carried, String claim, String check, int shrinksTo) {
        this(
                List.of(new Caught(claim, check, shrinksTo)),
                IntegrityImplFlaw.NONE,
                DomainsImplFlaw.NONE,
                TreeImplFlaw.NONE,
                InterruptsImplFlaw.NONE,
                MigrationImplFlaw.NONE,
                TracingImplFlaw.NONE,
                carried);
    }

    ComposedImplFlaw(IntegrityImplFlaw carried, String claim, String check, int shrinksTo) {
        this(List.of(new Caught(claim, check, shrinksTo)), carried, DomainsImplFlaw.NONE, TreeImplFlaw.NONE);
    }

    ComposedImplFlaw(DomainsImplFlaw carried, String claim, String check, int shrinksTo) {
        this(List.of(new Caught(claim, check, shrinksTo)), IntegrityImplFlaw.NONE, carried, TreeImplFlaw.NONE);
    }

    ComposedImplFlaw(TreeImplFlaw carried, String claim, String check, int shrinksTo) {
        this(List.of(new Caught(claim, check, shrinksTo)), IntegrityImplFlaw.NONE, DomainsImplFlaw.NONE, carried);
    }

    ComposedImplFlaw(List<Caught> caughtBy, IntegrityImplFlaw integrity, DomainsImplFlaw domains, TreeImplFlaw tree) {
        this(caughtBy, integrity, domains, tree, InterruptsImplFlaw.NONE);
    }

    ComposedImplFlaw(
            List<Caught> caughtBy,
            IntegrityImplFlaw integrity,
            DomainsImplFlaw domains,
            TreeImplFlaw tree,
            InterruptsImplFlaw interrupts) {
        this(caughtBy, integrity, domains, tree, interrupts, MigrationImplFlaw.NONE);
    }

    ComposedImplFlaw(
            List<Caught> caughtBy,
            IntegrityImplFlaw integrity,
            DomainsImplFlaw domains,
            TreeImplFlaw tree,
            InterruptsImplFlaw interrupts,
            MigrationImplFlaw migration) {
        this(caughtBy, integrity, domains, tree, interrupts, migration, TracingImplFlaw.NONE);
    }

    ComposedImplFlaw(
            List<Caught> caughtBy,
            IntegrityImplFlaw integrity,
            DomainsImplFlaw domains,
            TreeImplFlaw tree,
            InterruptsImplFlaw interrupts,
            MigrationImplFlaw migration,
            TracingImplFlaw tracing) {
        this(caughtBy, integrity, domains, tree, interrupts, migration, tracing, FailoverImplFlaw.NONE);
    }

    ComposedImplFlaw(
            List<Caught> caughtBy,
            IntegrityImplFlaw integrity,
            DomainsImplFlaw domains,
            TreeImplFlaw tree,
            InterruptsImplFlaw interrupts,
            MigrationImplFlaw migration,
            TracingImplFlaw tracing,
            FailoverImplFlaw failover) {
        this.failoverFlaw = failover;
        this.tracingFlaw = tracing;
        this.migrationFlaw = migration;
        this.caughtBy = caughtBy;
        this.integrityFlaw = integrity;
        this.domainsFlaw = domains;
        this.treeFlaw = tree;
        this.interruptsFlaw = interrupts;
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }

    /** The integrity service's own flaw this composition runs ({@code NONE} but for a carried integrity flaw). */
    public IntegrityImplFlaw integrityFlaw() {
        return integrityFlaw;
    }

    /** The domains service's own flaw this composition runs ({@code NONE} but for a carried domains flaw). */
    public DomainsImplFlaw domainsFlaw() {
        return domainsFlaw;
    }

    /** The store's tree's own flaw this composition runs ({@code NONE} but for a carried tree flaw). */
    public TreeImplFlaw treeFlaw() {
        return treeFlaw;
    }

    /** The interrupt security module's own flaw this composition runs ({@code NONE} but for a carried interrupts flaw). */
    public InterruptsImplFlaw interruptsFlaw() {
        return interruptsFlaw;
    }

    /** The shared tracing service's own flaw this composition runs ({@code NONE} but for a carried tracing flaw). */
    public TracingImplFlaw tracingFlaw() {
        return tracingFlaw;
    }

    /** The migration service's own flaw this composition runs ({@code NONE} but for a carried migration flaw). */
    public MigrationImplFlaw migrationFlaw() {
        return migrationFlaw;
    }

    /** The failover pair's own flaw this composition runs ({@code NONE} but for a carried failover flaw). */
    public FailoverImplFlaw failoverFlaw() {
        return failoverFlaw;
    }
}
