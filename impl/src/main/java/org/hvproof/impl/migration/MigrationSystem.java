package org.hvproof.impl.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationCode;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationReport;
import org.hvproof.model.migration.MigrationState;

/**
 * A VM with a passthrough NIC on the source host under the migration service, driven by the
 * model's actions. At boot the guest OS maps its data pages one to one (virtual page {@code p} is
 * guest-physical page {@code p}) with tables from its pool above them, and the NIC is plugged in.
 * The VM's accesses are the hypervisor's guest writes and reads (traced writes are how dirty
 * logging sees them); its driver writes descriptors into the ring page and keeps its tail and the
 * completions it saw; the doorbell is its store to the NIC's register through the guest's mapping
 * of the MMIO page, a nested violation handed to the service while it write-protects that page; a
 * completion interrupt is intercepted while the service intercepts the ring; under the trapping
 * strategy the VM's accesses to buffer pages raise nested violations that this run loop hands to
 * the service, retrying the access once the service opened the page. After
 * switch-over all of it runs on the destination host. {@link #apply} is the implementation's
 * counterpart of {@code MigrationModel.step}, {@link #abstractState} the abstraction function.
 * Never throws on hostile arguments; deterministic.
 */
public final class MigrationSystem {
    private final MigrationConfig config;
    private final MigrationImplFlaw flaw;
    private final MigrationHost source;
    private final MigrationService service;
    // the VM's driver: its tail and the completions it saw
    private long driverTail;
    private final SortedSet<Long> delivered = new TreeSet<>();

    /** Boots a VM of {@code config} on a source host with plenty of memory, under a service with {@code flaw}. */
    public MigrationSystem(MigrationConfig config, MigrationImplFlaw flaw) {
        this(
                config,
                flaw,
                new MigrationHost(
                        config, Machine.DEFAULT_HOST_FRAMES, flaw != MigrationImplFlaw.NESTED_ACCESSED_DIRTY_OFF),
                null);
    }

    /**
     * Boots the VM as the source host's guest on a hypervisor other services share: it runs on
     * the machine's vCPU {@code vcpu} and on {@code view} (created here unless it is the default
     * view), with frames of its own, its passthrough NIC is device {@code nic}, and its dirty
     * logging traces the VM's pages in {@code view} through {@code tracing}, the hypervisor's
     * tracing service. The view's RAM must hold the VM's data and page-table pool ({@link
     * MigrationConfig#totalPages}); the MMIO page, just above, is mapped by the NIC's plugging.
     * The machine's EPT accessed and dirty flags are turned on for every view (but for flaw
     * {@link MigrationImplFlaw#NESTED_ACCESSED_DIRTY_OFF}): the other guests' walks then update
     * their page tables' accessed and dirty bits as writes. The destination stays a host of its
     * own. Alone, the view is the default one, the vCPU the only one, the NIC {@code 03:00.0}.
     *
     * @throws IllegalArgumentException when the vCPU does not exist, the view's RAM cannot hold
     *     the VM or {@code tracing} runs on another hypervisor
     */
    public MigrationSystem(
            Hypervisor hypervisor,
            TracingService tracing,
            ViewId view,
            int vcpu,
            DeviceId nic,
            MigrationConfig config,
            MigrationImplFlaw flaw) {
        this(
                config,
                flaw,
                new MigrationHost(
                        config,
                        tracingOn(hypervisor, tracing),
                        view,
                        vcpu,
                        nic,
                        flaw != MigrationImplFlaw.NESTED_ACCESSED_DIRTY_OFF),
                tracing);
    }

    /** {@code hypervisor}, once {@code tracing} is found to run on it (checked before anything boots). */
    private static Hypervisor tracingOn(Hypervisor hypervisor, TracingService tracing) {
        if (tracing.hypervisor() != hypervisor) {
            throw new IllegalArgumentException("the tracing service must run on the VM's hypervisor");
        }
        return hypervisor;
    }

    private MigrationSystem(
            MigrationConfig config, MigrationImplFlaw flaw, MigrationHost source, TracingService tracing) {
        this.config = config;
        this.flaw = flaw;
        this.source = source;
        GuestOs os = new GuestOs(source.hypervisor, source.view, config.dataPages(), config.poolPages());
        OptionalLong root = os.newAddressSpace();
        source.vcpu().setCr3(root.orElseThrow());
        for (long p = 0; p < config.dataPages(); p++) {
            os.map(root.getAsLong(), p << 12, new GuestPhysicalPage(p), PagePermissions.KERNEL_DATA);
        }
        // The driver's mapping of the device's MMIO page: the pool holds its table too.
        os.map(
                root.getAsLong(),
                config.doorbellVirtualAddress(),
                new GuestPhysicalPage(config.doorbellPage()),
                PagePermissions.KERNEL_DATA);
        source.plugNic();
        this.service = tracing == null
                ? new MigrationService(config, flaw, source)
                : new MigrationService(config, flaw, source, tracing);
    }

    /** Boots a VM of {@code config} under the correct service. */
    public MigrationSystem(MigrationConfig config) {
        this(config, MigrationImplFlaw.NONE);
    }

    /** The figures it was booted with. */
    public MigrationConfig config() {
        return config;
    }

    /** The view the VM runs on at the source (the default view on a host of its own). */
    public ViewId view() {
        return source.view;
    }

    /** The source host's vCPU the VM runs on. */
    public org.hvproof.impl.machine.VirtualCpu sourceVcpu() {
        return source.vcpu();
    }

    /** The NIC's requester id at the source. */
    public DeviceId nic() {
        return source.nicDevice;
    }

    /** The flaw it was booted with. */
    public MigrationImplFlaw flaw() {
        return flaw;
    }

    /** Runs one action and returns what the VM and the operator see; never throws on hostile arguments. */
    public List<MigrationObservation> apply(MigrationAction action) {
        List<MigrationObservation> seen = new ArrayList<>();
        if (action instanceof MigrationAction.GuestWrite w) {
            guestWrite(w, seen);
        } else if (action instanceof MigrationAction.GuestRead r) {
            guestRead(r, seen);
        } else if (action instanceof MigrationAction.Submit s) {
            submit(s, seen);
        } else if (action instanceof MigrationAction.Doorbell d) {
            doorbell(d.tail(), seen);
        } else if (action instanceof MigrationAction.RegisterWrite w) {
            registerWrite(w.offset(), w.data(), seen);
        } else if (action instanceof MigrationAction.DeviceStep d) {
            host().nic.step(d.bytes());
        } else if (action instanceof MigrationAction.CompletionInterrupt) {
            completion(seen);
        } else if (action instanceof MigrationAction.StartMigration m) {
            alert(service.start(m.destinationPages()), seen);
        } else if (action instanceof MigrationAction.MigrationRound || action instanceof MigrationAction.RoundStep) {
            alert(action instanceof MigrationAction.RoundStep ? service.roundStep() : service.round(), seen);
            if (service.phase() == MigrationPhase.MIGRATED && service.report() != null && !reported) {
                reported = true;
                seen.add(new MigrationObservation.Reported(service.report()));
            }
        }
        return seen;
    }

    private boolean reported;
    private long doorbellExits;
    private long protectionExits;
    private long tableUpdateExits;

    /** Doorbell stores that exited to the service (the MMIO page write-protected) so far. */
    public long doorbellExits() {
        return doorbellExits;
    }

    /**
     * The walk's accessed/dirty updates of a traced page-table page on the source so far: each an
     * EPT violation on a guest paging structure that the tracing service notified and completed.
     */
    public long tableUpdateExits() {
        return tableUpdateExits;
    }

    /** VM accesses to a protected vCPU buffer page that exited to the service so far. */
    public long protectionExits() {
        return protectionExits;
    }

    /** The abstraction function: the model state this machine represents. */
    public MigrationState abstractState() {
        return MigrationAbstraction.abstractState(this);
    }

    /** The guest's page-table pool as the VM's translation reaches it on the host it runs on (see {@link MigrationAbstraction}). */
    public List<Bytes> poolPages() {
        return MigrationAbstraction.poolPages(this);
    }

    /** The pool's pages at the destination while pre-copy runs; empty otherwise. */
    public List<Bytes> destinationPoolPages() {
        return MigrationAbstraction.destinationPoolPages(this);
    }

    /** The source host's protections the syncs rely on. */
    public MigrationProtection protection() {
        return MigrationAbstraction.protection(this);
    }

    /** The migration's report, once it switched over. */
    public java.util.Optional<MigrationReport> report() {
        return java.util.Optional.ofNullable(service.report());
    }

    /** The VM's guest page {@code p} as its translation reaches it on the host it runs on (for benchmarks: no abstraction). */
    public byte[] vmPage(long p) {
        return host().page(p);
    }

    /** Pages sent in each pre-copy round so far. */
    public List<Long> pagesPerRound() {
        return List.copyOf(service.pagesPerRound());
    }

    /** Simulated microseconds the migration's transfers took so far. */
    public long elapsedMicros() {
        return service.elapsedMicros();
    }

    /** Whether the VM runs on the destination. */
    public boolean migrated() {
        return service.phase() == MigrationPhase.MIGRATED;
    }

    // ------------------------------------------------------------ the VM

    private void guestWrite(MigrationAction.GuestWrite w, List<MigrationObservation> seen) {
        if (!inRange(w.page(), w.offset(), w.data().length())) {
            seen.add(new MigrationObservation.Alert(MigrationCode.OUT_OF_RANGE));
            return;
        }
        vmWrite((w.page() << 12) + w.offset(), w.data());
    }

    private void guestRead(MigrationAction.GuestRead r, List<MigrationObservation> seen) {
        if (!inRange(r.page(), r.offset(), r.length())) {
            seen.add(new MigrationObservation.Alert(MigrationCode.OUT_OF_RANGE));
            return;
        }
        MigrationHost h = host();
        long va = (r.page() << 12) + r.offset();
        for (Observation o :
                run(h, AccessKind.READ, () -> h.hypervisor.read(h.vcpu().id(), va, r.length()))) {
            if (o instanceof ValueRead v) {
                seen.add(new MigrationObservation.ValueRead(r.page(), r.offset(), v.bytes()));
            }
        }
    }

    private void submit(MigrationAction.Submit s, List<MigrationObservation> seen) {
        if (driverTail - host().nic.head() >= config.ringSlots()) {
            seen.add(new MigrationObservation.Alert(MigrationCode.RING_FULL));
            return;
        }
        byte[] d = new byte[PassthroughNic.DESCRIPTOR_BYTES];
        for (int i = 0; i < 8; i++) {
            d[i] = (byte) (s.address() >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            d[8 + i] = (byte) (s.length() >>> (8 * i));
            d[12 + i] = (byte) (s.direction() >>> (8 * i));
        }
        vmWrite(host().nic.slotOffset(driverTail), Bytes.of(d));
        driverTail++;
    }

    /** A guest write at a guest-physical (= virtual) address; its notifications feed dirty logging ({@link #run}). */
    private void vmWrite(long address, Bytes data) {
        MigrationHost h = host();
        run(h, AccessKind.WRITE, () -> h.hypervisor.write(h.vcpu().id(), address, data));
    }

    /**
     * One VM access on host {@code h}, as the hypervisor saw it: on the source, the notifications
     * of its traced writes feed dirty logging, and that covers the walk's own accessed/dirty
     * updates of a traced page-table page (the processor's writes to the guest's tables, which the
     * tracing service notifies, completes and retries: the guest sees nothing of them), whether
     * the access is a read, a data write or the doorbell store ({@code dataWrite}: only flaw
     * {@link MigrationImplFlaw#ONLY_WRITES_LOGGED} tells them apart). What is left: what the VM sees.
     */
    private List<Observation> access(MigrationHost h, boolean dataWrite, Supplier<List<Observation>> access) {
        List<Observation> seen = access.get();
        if (h != source) {
            return seen;
        }
        for (Observation o : seen) {
            if (o instanceof Notification n && n.page().number() >= config.dataPages()) {
                tableUpdateExits++;
            }
        }
        if (!dataWrite && flaw == MigrationImplFlaw.ONLY_WRITES_LOGGED) {
            return seen;
        }
        return service.logged(seen);
    }

    /**
     * Runs one VM access on host {@code h} and handles the exit it may raise, as the VMM's run loop
     * does with a nested violation the hypervisor core did not claim: on the source, an access to a
     * vCPU buffer page the trapping strategy protects goes to the service, which syncs and opens
     * the page; the guest retries the access under single step, and the single-step exit lets the
     * service write through and protect the page again. What the access finally saw.
     */
    private List<Observation> run(MigrationHost h, AccessKind kind, Supplier<List<Observation>> access) {
        List<Observation> seen = access(h, kind == AccessKind.WRITE, access);
        OptionalLong page = exitPage(seen, kind);
        if (h != source || page.isEmpty() || !service.protects(page.getAsLong())) {
            return seen;
        }
        protectionExits++;
        service.onProtectionExit(page.getAsLong());
        List<Observation> retried = access(h, kind == AccessKind.WRITE, access);
        boolean completed = exitPage(retried, kind).isEmpty();
        service.afterRetry(page.getAsLong(), completed && kind == AccessKind.WRITE);
        return retried;
    }

    /** The guest-physical page of the nested violation an access reported; empty when it raised none. */
    private static OptionalLong exitPage(List<Observation> seen, AccessKind kind) {
        for (Observation o : seen) {
            if (o instanceof NptViolation v && v.access() == kind) {
                return OptionalLong.of(v.guestPhysicalAddress() >>> 12);
            }
        }
        return OptionalLong.empty();
    }

    private boolean inRange(long page, int offset, int length) {
        return page >= 0 && page < config.dataPages() && offset >= 0 && length >= 1 && offset + (long) length <= 4096;
    }

    // ------------------------------------------------------------ the device

    /** The doorbell: the driver's 8-byte store of {@code tail} to the doorbell register. */
    private void doorbell(long tail, List<MigrationObservation> seen) {
        byte[] b = new byte[MigrationConfig.DOORBELL_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (tail >>> (8 * i));
        }
        registerWrite(MigrationConfig.DOORBELL_OFFSET, Bytes.of(b), seen);
    }

    /**
     * The VM's store of {@code data} at {@code offset} of the device's MMIO page, through its own
     * mapping of the page. Where the nested entry lets it through, it lands in the device's
     * registers and the bus delivers it to the device; where the service write-protected the page,
     * it exits and the service handles it (syncs, forwards the store to the device, resumes the
     * guest past it). Out of the page: an alert, no store.
     */
    private void registerWrite(int offset, Bytes data, List<MigrationObservation> seen) {
        if (offset < 0 || data.length() < 1 || offset + (long) data.length() > 4096) {
            seen.add(new MigrationObservation.Alert(MigrationCode.OUT_OF_RANGE));
            return;
        }
        MigrationHost h = host();
        long va = config.doorbellVirtualAddress() + offset;
        List<Observation> out =
                access(h, false, () -> h.hypervisor.write(h.vcpu().id(), va, data));
        List<MigrationCode> alerts;
        OptionalLong exit = exitPage(out, AccessKind.WRITE);
        if (exit.isPresent() && exit.getAsLong() == config.doorbellPage() && h == source) {
            doorbellExits++;
            alerts = service.onDoorbellExit(offset, data.toArray());
        } else if (exit.isEmpty()
                && h.nic.registerFrame() != 0
                && h.frame(config.doorbellPage()) == h.nic.registerFrame()) {
            // The store reached the device's registers: the bus delivers it to the device.
            alerts = h.nic.registerWrite(offset, data.toArray());
        } else {
            alerts = List.of(MigrationCode.OUTSIDE_REGISTER);
        }
        alerts.forEach(code -> seen.add(new MigrationObservation.Alert(code)));
    }

    private void completion(List<MigrationObservation> seen) {
        PassthroughNic nic = host().nic;
        nic.interrupt().ifPresent(r -> {
            if (service.interceptsRing()) {
                service.onCompletion(r);
            }
            delivered.add(r.index);
            seen.add(new MigrationObservation.CompletionSeen(r.index));
        });
    }

    private static void alert(MigrationCode code, List<MigrationObservation> seen) {
        if (code != null) {
            seen.add(new MigrationObservation.Alert(code));
        }
    }

    // ------------------------------------------------------------ for the abstraction

    /** The host the VM runs on. */
    MigrationHost host() {
        return service.phase() == MigrationPhase.MIGRATED ? service.destination() : source;
    }

    MigrationHost source() {
        return source;
    }

    MigrationService service() {
        return service;
    }

    long driverTail() {
        return driverTail;
    }

    SortedSet<Long> delivered() {
        return delivered;
    }
}
