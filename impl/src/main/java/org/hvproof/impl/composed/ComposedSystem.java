package org.hvproof.impl.composed;

import java.util.List;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.impl.failover.FailoverSystem;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.impl.integrity.TreeProtectionStore;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.migration.MigrationSystem;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeConfig;

/**
 * One machine, one hypervisor, one tracing service, and on them together the integrity service
 * (its protections kept in the traced tree, TREE-7), the protection-domain service and the
 * interrupt security module with its guest, driven one
 * {@link ComposedSystemAction} at a time. {@link #apply} is the implementation's counterpart of
 * {@code ComposedModel.step}; {@link #abstractState} is the abstraction function, each
 * mechanism's own read off the one machine. Deterministic.
 *
 * <p>Who owns what: the integrity guest runs on the machine's first {@link #INTEGRITY}{@code
 * .vcpuCount()} vCPUs, on the default view and the integrity view, with guest RAM the guarded
 * pages and the tree's node pool and the guest OS's page-table pool above; the domains run on the
 * next {@link #LAYOUT}{@code .vcpus()} vCPUs, their root domain on a view of its own ({@link
 * #DOMAINS_ROOT_VIEW}) and each secure domain on its own; the interrupts guest on the last vCPU
 * ({@link #INTERRUPTS_VCPU}) and its own view ({@link #INTERRUPTS_VIEW}), with its own guest OS
 * page-table pool and DMA device; the migration source's VM on the next ({@link #MIGRATION_VCPU},
 * {@link #MIGRATION_VIEW}); the failover pair's secondary on {@link #FAILOVER_VCPU} and a view of
 * its own (its primary a host of its own); the tracing mechanism's own guest on the last two
 * ({@link #TRACING_VCPU} on, {@link #TRACING_VIEW}), with its own guest OS, DMA device and owners,
 * whose requests go to the one tracing service the tree and the migration service use. The
 * guests' page numbers overlap (each mechanism's model fixes
 * where its pages are), but no view of one maps a page of another's: each guest-physical page
 * number names a page of the guest whose views it is read through. The machine has the pages of
 * the largest guest ({@link #SHAPE}); the integrity guest's views are bounded to its own RAM.
 * Services are registered in boot order, integrity (and the tree) first, then the domains, then
 * the interrupt security module; every event reaches every service, each acting on its own vCPUs
 * only.
 */
public final class ComposedSystem {
    /** The integrity guest: 1024 guarded pages, two vCPUs, at most 64 pages a request. */
    public static final IntegrityConfig INTEGRITY = IntegrityConfig.small();
    /** The integrity service's store: a node pool as large as the guarded memory (it never runs out). */
    public static final TreeConfig STORE =
            IntegritySystem.storeConfig(INTEGRITY, (int) INTEGRITY.guestPages(), BPlusTree.SMALL);
    /** The domains: two secure domains, two vCPUs. */
    public static final DomainLayout LAYOUT = DomainLayout.standard();
    /** The view the domains' root domain runs on. */
    public static final ViewId DOMAINS_ROOT_VIEW = new ViewId("domains-root");
    /** The secret the secure domains' contents derive from. */
    public static final long SECRET = 0x5EC2E7L;
    /** The view the interrupts guest runs on. */
    public static final ViewId INTERRUPTS_VIEW = new ViewId("interrupts");
    /** The interrupts guest's vCPU: the machine's last, after the integrity guest's and the domains'. */
    public static final int INTERRUPTS_VCPU = INTEGRITY.vcpuCount() + LAYOUT.vcpus();
    /** The interrupts guest's DMA device (the domains' root has {@code DomainsSystem.DEVICE}). */
    public static final DeviceId INTERRUPTS_DEVICE = new DeviceId(0x0200);
    /** The secret embedded in the interrupts guest's execute-only code. */
    public static final long INTERRUPTS_SECRET = 0x5EC2_E7C0_DE00_0001L;
    /**
     * The migration source's VM as it boots unless told otherwise: five data pages (the ring, two
     * buffer pages, two others), four ring slots, the copy as the device buffer synced at the
     * doorbell and the completion, a downtime limit of two pages' time and a round limit of one
     * (the second round stops and copies), so a switch-over comes soon after a start. The composed
     * properties draw the figures, the embodiment and the strategy per trace and boot with them
     * ({@link #ComposedSystem(ComposedImplFlaw, long, long, MigrationConfig)}).
     */
    public static final MigrationConfig MIGRATION = new MigrationConfig(
            5,
            2,
            4,
            MigrationConfig.PAGE_BYTES,
            MigrationConfig.DEFAULT_BANDWIDTH,
            2
                    * ((MigrationConfig.PAGE_BYTES * 1_000_000 + MigrationConfig.DEFAULT_BANDWIDTH - 1)
                            / MigrationConfig.DEFAULT_BANDWIDTH),
            1,
            MigrationEmbodiment.COPY_AS_DEVICE_BUFFER,
            MigrationStrategy.DOORBELL_AND_COMPLETION);
    /** The view the migration source's VM runs on. */
    public static final ViewId MIGRATION_VIEW = new ViewId("migration");
    /** The migration source's vCPU: the machine's last, after the interrupts guest's. */
    public static final int MIGRATION_VCPU = INTERRUPTS_VCPU + InterruptsSystem.SHAPE.vcpuCount();
    /** The migration source's passthrough NIC. */
    public static final DeviceId MIGRATION_NIC = new DeviceId(0x0300);
    /** The failover secondary's vCPU: after the migration source's. */
    public static final int FAILOVER_VCPU = MIGRATION_VCPU + 1;
    /** The name of the view the failover secondary's guest runs on (a crash moves it to a fresh one, numbered on). */
    public static final String FAILOVER_VIEW = "failover";

    /**
     * The tracing mechanism's own guest: two vCPUs, 512 guest-physical pages (one 2 MiB range,
     * mapped with a large nested leaf that its traces split), the upper half its guest OS's
     * page-table pool; smaller than its own traces' three vCPUs; the machine's last two.
     */
    public static final MachineShape TRACING = MachineShape.of(2, 512);
    /** The view the tracing guest runs on. */
    public static final ViewId TRACING_VIEW = new ViewId("tracing");
    /** The tracing guest's first vCPU: after the failover secondary's. */
    public static final int TRACING_VCPU = FAILOVER_VCPU + 1;
    /** The tracing guest's DMA device (the guest names it {@code TracingModel.DEVICE}, the domains' id). */
    public static final DeviceId TRACING_DEVICE = new DeviceId(0x0400);

    /**
     * The machine's shape: the integrity guest's page-table pool (its guest OS reads it from the
     * shape), and as many guest-physical pages as the largest guest needs, the interrupts guest's
     * 2^36-page window; the integrity guest's views are bounded to its own RAM ({@link
     * Hypervisor#limitGuestRam}), as on a machine of its own size.
     */
    public static final MachineShape SHAPE = shape();

    private final ComposedImplFlaw flaw;
    private final Machine machine;
    private final Hypervisor hypervisor;
    private final TracingService tracing;
    private final IntegritySystem integrity;
    private final DomainsSystem domains;
    private final InterruptsSystem interrupts;
    private final MigrationSystem migration;
    private final MigrationConfig migrationConfig;
    private final FailoverSystem failover;
    private final TracingSystem tracingGuest;

    /**
     * Boots the composition with {@code flaw} ({@link ComposedImplFlaw#NONE} for the correct one);
     * every service is correct but for a carried flaw's own.
     */
    public ComposedSystem(ComposedImplFlaw flaw) {
        this(flaw, SECRET);
    }

    /**
     * Boots the composition with {@code flaw}, the secure domains' contents derived from {@code
     * domainsSecret} (two runs for PD-1 differ only in it).
     */
    public ComposedSystem(ComposedImplFlaw flaw, long domainsSecret) {
        this(flaw, domainsSecret, INTERRUPTS_SECRET);
    }

    /**
     * Boots the composition with {@code flaw}, the secure domains' contents derived from {@code
     * domainsSecret} and {@code interruptsSecret} embedded in the interrupts guest's execute-only
     * code (two runs for INT-1 differ only in it).
     *
     * @throws IllegalArgumentException when the interrupts secret equals its erasure constant (INT-5)
     */
    public ComposedSystem(ComposedImplFlaw flaw, long domainsSecret, long interruptsSecret) {
        this(flaw, domainsSecret, interruptsSecret, MIGRATION);
    }

    /**
     * Boots the composition with {@code flaw}, the secure domains' contents derived from {@code
     * domainsSecret}, {@code interruptsSecret} embedded in the interrupts guest's execute-only code
     * and the migration source's VM booted with {@code migration} (its figures, embodiment and
     * strategy; its guest RAM bounded to the pages they need).
     *
     * @throws IllegalArgumentException when the interrupts secret equals its erasure constant (INT-5)
     */
    public ComposedSystem(ComposedImplFlaw flaw, long domainsSecret, long interruptsSecret, MigrationConfig migration) {
        this.flaw = flaw;
        this.migrationConfig = migration;
        this.machine = new Machine(SHAPE);
        this.hypervisor = new Hypervisor(machine);
        hypervisor.limitGuestRam(ViewId.DEFAULT, integrityShape().guestPhysicalPages());
        this.tracing = new TracingService(hypervisor, flaw.tracingFlaw());
        if (flaw == ComposedImplFlaw.TRACING_BUSY_IN_EVERY_VIEW) {
            // FLAW: the service runs one request at a time for every view; its own clients do not check.
            tracing.refuseEveryViewWhilePending();
        }
        this.integrity = new IntegritySystem(
                tracing,
                INTEGRITY,
                flaw.integrityFlaw(),
                STORE,
                flaw.treeFlaw(),
                flaw == ComposedImplFlaw.INTEGRITY_LISTENER_JUDGES_EVERY_VIEW);
        ViewId root = flaw == ComposedImplFlaw.DOMAINS_ROOT_ON_DEFAULT_VIEW ? ViewId.DEFAULT : DOMAINS_ROOT_VIEW;
        if (flaw == ComposedImplFlaw.SECURE_VIEWS_SHARE_GUEST_FRAMES) {
            // FLAW: the secure views are declared before the domains map them, sharing the guest's frames.
            for (int d = 1; d <= LAYOUT.secureDomains(); d++) {
                ViewId secure = new ViewId("secure-" + d);
                machine.addView(secure).orElseThrow();
                hypervisor.shareFrames(secure, ViewId.DEFAULT);
            }
        }
        this.domains =
                new DomainsSystem(hypervisor, root, INTEGRITY.vcpuCount(), LAYOUT, domainsSecret, flaw.domainsFlaw());
        this.interrupts = new InterruptsSystem(
                hypervisor,
                INTERRUPTS_VIEW,
                INTERRUPTS_VCPU,
                INTERRUPTS_DEVICE,
                interruptsSecret,
                InterruptsState.DEFAULT_ERASURE,
                flaw.interruptsFlaw(),
                flaw == ComposedImplFlaw.INTERRUPT_MODULE_ON_EVERY_VCPU,
                flaw == ComposedImplFlaw.INTERRUPTS_HYPERCALL_SCRATCH_ON_FIRST_VCPU);
        hypervisor.limitGuestRam(MIGRATION_VIEW, migration.totalPages());
        this.migration = new MigrationSystem(
                hypervisor, tracing, MIGRATION_VIEW, MIGRATION_VCPU, MIGRATION_NIC, migration, flaw.migrationFlaw());
        this.failover = new FailoverSystem(
                flaw.failoverFlaw(),
                hypervisor,
                FAILOVER_VCPU,
                FAILOVER_VIEW,
                flaw == ComposedImplFlaw.STANDBY_WRITES_THROUGH_DEFAULT_VIEW);
        // The migration source turned nested accessed/dirty flags on for every view; the tracing
        // guest's EPTP keeps them off, as on its own machine (its model knows of no walk's writes).
        this.tracingGuest = new TracingSystem(
                tracing,
                TRACING_VIEW,
                TRACING_VCPU,
                TRACING,
                TRACING_DEVICE,
                flaw == ComposedImplFlaw.TRACING_DEVICE_ON_DEFAULT_VIEW ? ViewId.DEFAULT : TRACING_VIEW,
                true);
        if (flaw == ComposedImplFlaw.SECURE_FRAME_GIVEN_BACK) {
            // FLAW: a frame secure domain 1 still maps is given back as free: handed out twice.
            hypervisor.giveBack(machine.view(new ViewId("secure-1"))
                    .orElseThrow()
                    .leaf(new GuestPhysicalPage(DomainLayout.dataPage(1)))
                    .orElseThrow()
                    .hostFrame());
        }
    }

    private static MachineShape integrityShape() {
        return IntegritySystem.shape(INTEGRITY, STORE, INTEGRITY.vcpuCount());
    }

    private static MachineShape shape() {
        MachineShape integrity = integrityShape();
        return new MachineShape(
                TRACING_VCPU + TRACING.vcpuCount(),
                Math.max(integrity.guestPhysicalPages(), InterruptsSystem.SHAPE.guestPhysicalPages()),
                integrity.pageTablePoolFirst(),
                integrity.pageTablePoolPages());
    }

    /** Boots the correct composition. */
    public ComposedSystem() {
        this(ComposedImplFlaw.NONE);
    }

    /** The flaw it runs with. */
    public ComposedImplFlaw flaw() {
        return flaw;
    }

    /** The one machine. */
    public Machine machine() {
        return machine;
    }

    /** The one hypervisor. */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The one tracing service. */
    public TracingService tracing() {
        return tracing;
    }

    /** The integrity guest and its service. */
    public IntegritySystem integrity() {
        return integrity;
    }

    /** The domains and their service. */
    public DomainsSystem domains() {
        return domains;
    }

    /** The interrupts guest and its interrupt security module. */
    public InterruptsSystem interrupts() {
        return interrupts;
    }

    /** The figures, embodiment and strategy the migration source's VM booted with. */
    public MigrationConfig migrationConfig() {
        return migrationConfig;
    }

    /** The migration source's VM, its NIC and the migration service (the destination a host of its own). */
    public MigrationSystem migration() {
        return migration;
    }

    /**
     * The failover pair: its secondary a guest of this machine (its vCPU {@link #FAILOVER_VCPU},
     * a view of its own, its standby agent on this hypervisor), its primary a host of its own.
     */
    public FailoverSystem failover() {
        return failover;
    }

    /** The tracing mechanism's own guest, its owners' requests going to the one tracing service. */
    public TracingSystem tracingGuest() {
        return tracingGuest;
    }

    /** Runs one action on its mechanism's service; returns that mechanism's observations. Never throws on hostile input. */
    public List<Object> apply(ComposedSystemAction action) {
        if (action instanceof ComposedSystemAction.Failover f) {
            return List.copyOf(failover.apply(f.action()));
        }
        if (action instanceof ComposedSystemAction.Tracing t) {
            return List.copyOf(tracingGuest.apply(t.action()));
        }
        if (action instanceof ComposedSystemAction.Migration m) {
            return List.copyOf(migration.apply(m.action()));
        }
        if (action instanceof ComposedSystemAction.Interrupts r) {
            return List.copyOf(interrupts.apply(r.action()));
        }
        if (action instanceof ComposedSystemAction.Integrity i) {
            List<Object> seen = List.copyOf(integrity.apply(i.action()));
            if (flaw == ComposedImplFlaw.NODE_PAGES_TRACED_IN_EVERY_VIEW) {
                traceNodePagesInEveryView();
            }
            return seen;
        }
        return List.copyOf(domains.apply(((ComposedSystemAction.Domains) action).action()));
    }

    /** Flaw NODE_PAGES_TRACED_IN_EVERY_VIEW: the tree's traces of its node pages added in every view. */
    private void traceNodePagesInEveryView() {
        ProtectedPageTree tree = ((TreeProtectionStore) integrity.integrity().protections()).tree();
        for (ViewId view : machine.viewIds()) {
            for (long node : tree.nodePages()) {
                GuestPhysicalPage p = new GuestPhysicalPage(node);
                if (!tracing.holds(view, ProtectedPageTree.OWNER, p)) {
                    tracing.addTrace(view, ProtectedPageTree.OWNER, p);
                }
            }
        }
    }

    /** The abstraction function: the composed model state these structures represent. */
    public ComposedState abstractState() {
        return ComposedAbstraction.abstractState(this);
    }
}
