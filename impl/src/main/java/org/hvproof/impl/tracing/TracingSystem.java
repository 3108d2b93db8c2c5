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
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
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
        if (largePages) {
            for (long first = 0; first + 512 <= shape.guestPhysicalPages(); first += 512) {
                if (!hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(first), NestedPageTable.LEVEL_2M)) {
                    throw new IllegalStateException("cannot map guest RAM with large pages: " + shape);
                }
            }
        }
        this.guestOs = new GuestOs(hypervisor, ViewId.DEFAULT, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        this.tracing = new TracingService(hypervisor, flaw);
        this.abstraction = new TracingAbstraction(machine, guestOs, tracing);
        if (!hypervisor.attachDevice(DEVICE, ViewId.DEFAULT)) {
            throw new IllegalStateException("no IOMMU table for the guest's device");
        }
        for (VirtualCpu cpu : machine.vcpus()) {
            OptionalLong root = guestOs.newAddressSpace();
            if (root.isEmpty()) {
                throw new IllegalStateException("page-table pool cannot hold a root per vCPU: " + shape);
            }
            cpu.setCr3(root.getAsLong());
        }
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
        if (action instanceof MapPage a) {
            return cpu(a.vcpu())
                    .map(cpu -> result(guestOs.map(cpu.cr3(), a.va(), a.page(), a.permissions())))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof UnmapPage a) {
            return cpu(a.vcpu())
                    .map(cpu -> result(guestOs.unmap(cpu.cr3(), a.va())))
                    .orElseGet(TracingSystem::noSuchVcpu);
        } else if (action instanceof AddTrace a) {
            return tracing.addTrace(a.owner(), a.page());
        } else if (action instanceof RemoveTrace a) {
            return tracing.removeTrace(a.owner(), a.page());
        } else if (action instanceof GuestWrite a) {
            return hypervisor.write(a.vcpu(), a.va(), a.bytes());
        } else if (action instanceof GuestRead a) {
            return hypervisor.read(a.vcpu(), a.va(), a.length());
        } else if (action instanceof GuestExecute a) {
            return hypervisor.execute(a.vcpu(), a.va());
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
            return tracing.startTrace(a.owner(), a.page());
        } else if (action instanceof StartRemoveTrace a) {
            return tracing.startRemoveTrace(a.owner(), a.page());
        } else if (action instanceof ContinueTrace) {
            return tracing.continueTrace();
        } else if (action instanceof Stutter) {
            return List.of();
        }
        throw new IllegalArgumentException("unknown action " + action);
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
        DmaResult r = hypervisor.dmaWrite(
                new DeviceId(a.device()), a.busAddress(), a.bytes().toArray());
        return List.of(r.fault()
                .<Observation>map(f -> new DmaRefused(a.device(), AccessKind.WRITE, f.busAddress()))
                .orElseGet(() -> new DmaCompleted(a.device(), AccessKind.WRITE, a.busAddress(), length)));
    }

    /** The abstraction function: the model state this machine represents. */
    public TracingState abstractState() {
        return abstraction.abstractState();
    }

    private Optional<VirtualCpu> cpu(VCpu id) {
        return machine.vcpu(id);
    }

    private static List<Observation> result(ErrorCode code) {
        return code == ErrorCode.OK ? List.of() : List.of(new Refused(code));
    }

    private static List<Observation> noSuchVcpu() {
        return List.of(new Refused(ErrorCode.NO_SUCH_VCPU));
    }
}
