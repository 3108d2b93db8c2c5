package org.hvproof.impl.tracing;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.DmaResult;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GeneralProtection;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.ContinueTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.GuestExecute;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.SetPrivilege;
import org.hvproof.model.tracing.StartRemoveTrace;
import org.hvproof.model.tracing.StartTrace;
import org.hvproof.model.tracing.Stutter;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.UnmapPage;

/**
 * A booted guest under the tracing service: machine, hypervisor, guest OS (one address space
 * per vCPU) and tracing service, driven by the model's actions. {@link #apply} is the
 * implementation's counterpart of {@code TracingModel.step}; {@link #abstractState} is the
 * abstraction function. Deterministic: the same actions give the same observations.
 */
public final class TracingSystem {
    private final Machine machine;
    private final Hypervisor hypervisor;
    private final GuestOs guestOs;
    private final TracingService tracing;
    private final TracingAbstraction abstraction;
    /** The view the guest runs on: the default one on a machine of its own. */
    private final ViewId view;
    /** The machine's number of the guest's vCPU 0: 0 on a machine of its own. */
    private final int firstVcpu;
    /** The guest's dimensions (the machine's, on a machine of its own). */
    private final MachineShape shape;
    /** The machine's id of the guest's device ({@link TracingModel#DEVICE} to the guest). */
    private final DeviceId device;

    /** Boots a guest of {@code shape} under a tracing service with {@code flaw}, guest RAM backed page by page on first use. */
    public TracingSystem(MachineShape shape, TracingImplFlaw flaw) {
        this(shape, flaw, false);
    }

    /**
     * Boots a guest of {@code shape} under a tracing service with {@code flaw}; with {@code
     * largePages}, the hypervisor first maps every 2 MiB-aligned range that lies wholly in guest
     * RAM with one large nested leaf (as hypervisors map guest RAM), so traces split them.
     */
    public TracingSystem(MachineShape shape, TracingImplFlaw flaw, boolean largePages) {
        this.machine = new Machine(shape);
        this.hypervisor = new Hypervisor(machine);
        this.view = ViewId.DEFAULT;
        this.firstVcpu = 0;
        this.shape = shape;
        this.device = DEVICE;
        this.tracing = new TracingService(hypervisor, flaw);
        this.guestOs = boot(largePages, view);
        this.abstraction = new TracingAbstraction(machine, guestOs, tracing, view, guestCpus(), shape);
    }

    /**
     * Boots a guest of {@code shape} on a machine it shares with other guests, under the shared
     * {@code tracing} service: on view {@code view} (made here, its RAM bounded to the guest's),
     * on the machine's vCPUs from {@code firstVcpu} on (the guest numbers them from 0), with its
     * device attached as machine id {@code device} to {@code deviceView} (the guest's own view
     * unless a composition errs; the guest names the device {@link TracingModel#DEVICE}), its guest
     * RAM mapped with large nested leaves when {@code largePages}. The view's nested accessed and
     * dirty flags are off, as on the guest's own machine: its EPTP is its own, whatever another
     * guest's service turns on for the others (the model knows of no walk's writes to a table page).
     */
    public TracingSystem(
            TracingService tracing,
            ViewId view,
            int firstVcpu,
            MachineShape shape,
            DeviceId device,
            ViewId deviceView,
            boolean largePages) {
        this.tracing = tracing;
        this.hypervisor = tracing.hypervisor();
        this.machine = hypervisor.machine();
        this.view = view;
        this.firstVcpu = firstVcpu;
        this.shape = shape;
        this.device = device;
        NestedPageTable npt = machine.view(view).or(() -> machine.addView(view)).orElseThrow();
        npt.setAccessedDirty(false);
        hypervisor.limitGuestRam(view, shape.guestPhysicalPages());
        hypervisor.declarePageTablePool(view, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        List<VirtualCpu> cpus = guestCpus();
        if (cpus.size() != shape.vcpuCount()) {
            throw new IllegalStateException("the machine lacks the guest's vCPUs: " + shape);
        }
        cpus.forEach(cpu -> cpu.setView(view));
        this.guestOs = boot(largePages, deviceView);
        this.abstraction = new TracingAbstraction(machine, guestOs, tracing, view, cpus, shape);
    }

    /** The machine's vCPUs the guest runs on, in the guest's order. */
    private List<VirtualCpu> guestCpus() {
        List<VirtualCpu> all = machine.vcpus();
        return all.subList(Math.min(firstVcpu, all.size()), Math.min(firstVcpu + shape.vcpuCount(), all.size()));
    }

    /** Maps guest RAM (large leaves when asked), attaches the device to {@code deviceView}, gives every vCPU an address space. */
    private GuestOs boot(boolean largePages, ViewId deviceView) {
        if (largePages) {
            for (long first = 0; first + 512 <= shape.guestPhysicalPages(); first += 512) {
                if (!hypervisor.mapLarge(view, new GuestPhysicalPage(first), NestedPageTable.LEVEL_2M)) {
                    throw new IllegalStateException("cannot map guest RAM with large pages: " + shape);
                }
            }
        }
        GuestOs os = new GuestOs(hypervisor, view, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        if (!hypervisor.attachDevice(device, deviceView)) {
            throw new IllegalStateException("no IOMMU table for the guest's device");
        }
        for (VirtualCpu cpu : guestCpus()) {
            OptionalLong root = os.newAddressSpace();
            if (root.isEmpty()) {
                throw new IllegalStateException("page-table pool cannot hold a root per vCPU: " + shape);
            }
            cpu.setCr3(root.getAsLong());
        }
        return os;
    }

    /** The guest's DMA-capable device, behind the IOMMU on the default view ({@link TracingModel#DEVICE}). */
    public static final DeviceId DEVICE = new DeviceId(TracingModel.DEVICE);

    /** Boots a guest of {@code shape} under the correct tracing service. */
    public TracingSystem(MachineShape shape) {
        this(shape, TracingImplFlaw.NONE);
    }

    /** The simulated hardware. */
    public Machine machine() {
        return machine;
    }

    /** The hypervisor core. */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The guest OS's page-table manager. */
    public GuestOs guestOs() {
        return guestOs;
    }

    /** The tracing service. */
    public TracingService tracing() {
        return tracing;
    }

    /** Runs one action and returns what an observer sees; never throws on hostile arguments. */
    public List<Observation> apply(TracingAction action) {
        List<Observation> seen = run(action);
        return firstVcpu == 0 ? seen : seen.stream().map(o -> guestNumbered(o)).toList();
    }

    private List<Observation> run(TracingAction action) {
        if (action instanceof MapPage a) {
            return cpu(a.vcpu())
                    .map(cpu -> result(guestOs.map(cpu.cr3(), a.va(), a.page(), a.permissions())))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof UnmapPage a) {
            return cpu(a.vcpu())
                    .map(cpu -> result(guestOs.unmap(cpu.cr3(), a.va())))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof AddTrace a) {
            return tracing.addTrace(view, a.owner(), a.page());
        } else if (action instanceof RemoveTrace a) {
            return tracing.removeTrace(view, a.owner(), a.page());
        } else if (action instanceof GuestWrite a) {
            return cpu(a.vcpu())
                    .map(cpu -> hypervisor.write(cpu.id(), a.va(), a.bytes()))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof GuestRead a) {
            return cpu(a.vcpu())
                    .map(cpu -> hypervisor.read(cpu.id(), a.va(), a.length()))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof GuestExecute a) {
            return cpu(a.vcpu())
                    .map(cpu -> hypervisor.execute(cpu.id(), a.va()))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof SetPrivilege a) {
            return cpu(a.vcpu())
                    .map(cpu -> {
                        cpu.setPrivilege(a.privilege());
                        return List.<Observation>of();
                    })
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof DeviceWrite a) {
            return deviceWrite(a);
        } else if (action instanceof StartTrace a) {
            return tracing.startTrace(view, a.owner(), a.page());
        } else if (action instanceof StartRemoveTrace a) {
            return tracing.startRemoveTrace(view, a.owner(), a.page());
        } else if (action instanceof ContinueTrace) {
            return tracing.continueTrace();
        } else if (action instanceof Stutter) {
            return List.of();
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    /** {@code o} with the machine's number of a vCPU of this guest replaced by the guest's own. */
    private Observation guestNumbered(Observation o) {
        if (o instanceof Notification n) {
            return new Notification(guestVcpu(n.vcpu()), n.page(), n.offset(), n.length());
        } else if (o instanceof Completed c) {
            return new Completed(guestVcpu(c.vcpu()), c.access(), c.virtualAddress(), c.length());
        } else if (o instanceof ValueRead r) {
            return new ValueRead(guestVcpu(r.vcpu()), r.virtualAddress(), r.bytes());
        } else if (o instanceof PageFault f) {
            return new PageFault(guestVcpu(f.vcpu()), f.virtualAddress(), f.access(), f.cause());
        } else if (o instanceof GeneralProtection g) {
            return new GeneralProtection(guestVcpu(g.vcpu()), g.virtualAddress(), g.cause());
        } else if (o instanceof NptViolation v) {
            return new NptViolation(guestVcpu(v.vcpu()), v.guestPhysicalAddress(), v.access());
        }
        return o;
    }

    /** The guest's number of machine vCPU {@code machineVcpu} (one of the guest's: others are left as they are). */
    private VCpu guestVcpu(VCpu machineVcpu) {
        int k = machineVcpu.id() - firstVcpu;
        return k >= 0 && k < shape.vcpuCount() ? new VCpu(k) : machineVcpu;
    }

    /**
     * A device's DMA write through the IOMMU, with the hypervisor answering page requests; a
     * requester id no PCI function can carry sends no request and is refused like an unknown one.
     */
    private List<Observation> deviceWrite(DeviceWrite a) {
        int length = a.bytes().length();
        if (a.device() < 0 || a.device() > 0xFFFF) {
            return length == 0
                    ? List.of(new DmaCompleted(a.device(), AccessKind.WRITE, a.busAddress(), 0))
                    : List.of(new DmaRefused(a.device(), AccessKind.WRITE, a.busAddress()));
        }
        // The guest's device is its own; any other id names no device of this guest (on a shared
        // machine, not another guest's either: it is sent as an id no function is attached under).
        DeviceId requester =
                a.device() == TracingModel.DEVICE ? device : firstVcpu == 0 ? new DeviceId(a.device()) : UNATTACHED;
        DmaResult r = hypervisor.dmaWrite(requester, a.busAddress(), a.bytes().toArray());
        return List.of(r.fault()
                .<Observation>map(f -> new DmaRefused(a.device(), AccessKind.WRITE, f.busAddress()))
                .orElseGet(() -> new DmaCompleted(a.device(), AccessKind.WRITE, a.busAddress(), length)));
    }

    /** The abstraction function: the model state this machine represents. */
    public TracingState abstractState() {
        return abstraction.abstractState();
    }

    /** The machine's vCPU the guest calls {@code id}, if the guest has one so numbered. */
    private Optional<VirtualCpu> cpu(VCpu id) {
        if (!shape.hasVcpu(id) || id.id() < 0) {
            return Optional.empty();
        }
        return machine.vcpu(new VCpu(firstVcpu + id.id()));
    }

    /** A requester id no device is attached under on a shared machine: the guest's DMA to a device it lacks. */
    public static final DeviceId UNATTACHED = new DeviceId(0xFFFF);

    /** The view the guest runs on. */
    public ViewId view() {
        return view;
    }

    /** The guest's dimensions. */
    public MachineShape shape() {
        return shape;
    }

    /** The machine's number of the guest's vCPU 0. */
    public int firstVcpu() {
        return firstVcpu;
    }

    private static List<Observation> result(ErrorCode code) {
        return code == ErrorCode.OK ? List.of() : List.of(new Refused(code));
    }

    private static List<Observation> noSuchVcpu() {
        return List.of(new Refused(ErrorCode.NO_SUCH_VCPU));
    }
}
