package org.hvproof.impl.migration;

import java.util.Arrays;
import java.util.List;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.migration.MigrationConfig;

/**
 * One host the VM can run on: its machine (host memory, the vCPU, nested page tables, IOMMU) and
 * hypervisor core, and, once the VM runs there, its passthrough NIC with an IOMMU table mapping
 * the ring page and the DMA buffer (bus address = guest-physical address) to the frames the
 * VM's own nested page table maps. A host of its own runs the VM on its only vCPU and default
 * view with the NIC at {@link #NIC}; a source host shared with other guests runs it on a vCPU, a
 * view and a device id of their own on the shared machine.
 */
final class MigrationHost {
    /** The NIC's PCI requester id: bus 3, device 0, function 0. */
    static final DeviceId NIC = new DeviceId(0x0300);

    private static final byte[] ZERO_PAGE = new byte[HostMemory.FRAME_SIZE];

    final MigrationConfig config;
    final Machine machine;
    final Hypervisor hypervisor;
    /** The view the VM runs on: the default one on a host of its own. */
    final ViewId view;
    /** The NIC's requester id. */
    final DeviceId nicDevice;

    private final int vcpu;
    PassthroughNic nic;

    /** A host of {@code hostFrames} frames for a VM of {@code config}, with EPT accessed and dirty flags on. */
    MigrationHost(MigrationConfig config, long hostFrames) {
        this(config, hostFrames, true);
    }

    /** A host as above; {@code nestedAccessedDirty} false only for a deliberately flawed source. */
    MigrationHost(MigrationConfig config, long hostFrames, boolean nestedAccessedDirty) {
        this.config = config;
        MachineShape shape = new MachineShape(1, config.totalPages(), config.dataPages(), config.poolPages());
        this.machine = new Machine(shape, hostFrames);
        // EPT accessed/dirty flags on: the processor's accessed and dirty updates of the guest's
        // page-table entries are then writes for the nested rights, so a write-traced page-table
        // page is not changed behind dirty logging's back (without them the updates count as
        // reads, and a page-table page sent in a round could change unseen: MIG-1's pool check).
        machine.setNestedAccessedDirty(nestedAccessedDirty);
        this.hypervisor = new Hypervisor(machine);
        this.view = ViewId.DEFAULT;
        this.vcpu = 0;
        this.nicDevice = NIC;
    }

    /**
     * The source host on a machine other guests share: the VM runs on the machine's vCPU {@code
     * vcpu} and on {@code view} (created here unless it is the default view), whose RAM must hold
     * the VM's pages, and its NIC is device {@code nic}. With {@code nestedAccessedDirty} the
     * machine's EPT accessed and dirty flags are turned on ({@link Machine#setNestedAccessedDirty}:
     * for every view, present and future), so the other guests' walks make their accessed and
     * dirty updates of their page tables as writes too: on a traced table page of theirs, each is
     * an EPT violation the tracing service handles.
     *
     * @throws IllegalArgumentException when the vCPU does not exist or the view's RAM cannot hold the VM
     */
    MigrationHost(
            MigrationConfig config,
            Hypervisor hypervisor,
            ViewId view,
            int vcpu,
            DeviceId nic,
            boolean nestedAccessedDirty) {
        this.config = config;
        this.hypervisor = hypervisor;
        this.machine = hypervisor.machine();
        this.view = view;
        this.vcpu = vcpu;
        this.nicDevice = nic;
        if (vcpu < 0 || vcpu >= machine.vcpus().size()) {
            throw new IllegalArgumentException("the machine has no vCPU " + vcpu + ": " + machine.shape());
        }
        if (!view.equals(ViewId.DEFAULT)) {
            machine.addView(view).orElseThrow();
        }
        if (hypervisor.guestRamPages(view) < config.totalPages()) {
            throw new IllegalArgumentException("the VM needs " + config.totalPages()
                    + " guest-physical pages on its view, " + view + " has " + hypervisor.guestRamPages(view));
        }
        if (nestedAccessedDirty) {
            machine.setNestedAccessedDirty(true);
        }
        vcpu().setView(view);
    }

    /** The VM's vCPU. */
    VirtualCpu vcpu() {
        return machine.vcpus().get(vcpu);
    }

    /** The VM's nested page table. */
    NestedPageTable npt() {
        return machine.view(view).orElseThrow();
    }

    /** Nested rights of the MMIO page passed through: the VM's stores reach the device's registers directly. */
    static final NestedPermissions MMIO_PASSED_THROUGH = new NestedPermissions(true, true, false);
    /** Nested rights of the MMIO page while the hypervisor traps the doorbell: every store exits. */
    static final NestedPermissions MMIO_TRAPPED = new NestedPermissions(true, false, false);

    /**
     * Plugs the NIC in: a context entry and an IOMMU table mapping the ring page, read only (the
     * NIC reads descriptors and never writes the ring: a descriptor naming it is refused), and the
     * buffer pages, read and write, to the frames the nested page table maps them to (backing them
     * first); the ring page is dirty-logged during pre-copy, so no device may write it unseen (TRACE-4),
     * and its registers, a host frame of their own, mapped read and write at the guest's MMIO page
     * (passthrough: the VM's doorbell stores reach the device without an exit).
     */
    PassthroughNic plugNic() {
        if (machine.iommu().attach(nicDevice).isEmpty()) {
            throw new IllegalStateException(
                    "the NIC " + nicDevice + " is attached already, or no memory for its table");
        }
        for (int p = 0; p <= config.bufferPages(); p++) {
            GuestPhysicalPage page = new GuestPhysicalPage(p);
            hypervisor.populate(view, page);
            machine.iommu().map(nicDevice, page, frame(p), true, p != 0);
        }
        long registers = machine.memory().allocateFrame().orElse(0);
        if (registers != 0) {
            npt().map(new GuestPhysicalPage(config.doorbellPage()), registers, MMIO_PASSED_THROUGH);
        }
        nic = new PassthroughNic(
                nicDevice, machine, registers, config.ringSlots(), config.dataPages(), config.bufferPages());
        return nic;
    }

    /** The nested rights of guest page {@code p} in the VM's view; empty when unmapped. */
    java.util.Optional<NestedPermissions> rights(long p) {
        return npt().leaf(new GuestPhysicalPage(p)).map(e -> e.permissions());
    }

    /** Sets the nested rights of guest page {@code p} in the VM's view (its frame unchanged). */
    void setRights(long p, NestedPermissions rights) {
        npt().setPermissions(new GuestPhysicalPage(p), rights);
    }

    /** The host frame the VM's nested page table maps guest page {@code p} to; 0 when unbacked. */
    long frame(long p) {
        return npt().leaf(new GuestPhysicalPage(p)).map(e -> e.hostFrame()).orElse(0L);
    }

    /** The host frame the NIC's IOMMU table maps bus page {@code p} to; 0 when unmapped. */
    long deviceFrame(long p) {
        return machine.iommu()
                .table(nicDevice)
                .flatMap(t -> t.leaf(new GuestPhysicalPage(p)))
                .map(e -> e.hostFrame())
                .orElse(0L);
    }

    /** The VM's view's table and its {@linkplain NestedPageTable#version version} when {@link #pageFrames} were read. */
    private NestedPageTable pagesTable;

    private long pagesVersion;

    /** Per guest page, the host frame the VM's view maps it to (0: none), as of {@link #pagesVersion}. */
    private long[] pageFrames = new long[0];

    /** Per guest page, the frame and that frame's write stamp its kept contents were read from. */
    private long[] readFrames = new long[0];

    private long[] readStamps = new long[0];
    private Bytes[] readContents = new Bytes[0];
    private List<Bytes> lastPages;

    /**
     * Guest pages {@code 0 .. n - 1} as the VM's translation reaches them, as {@link #page} reads
     * each, but incremental: which frame each page reaches is read again whenever the VM's
     * view's version moves (any write to any of its tables, by anyone), and a page's contents
     * whenever its frame or that frame's {@linkplain HostMemory#lastWrite write stamp} differs from
     * those they were read from (equal stamps mean equal contents; stamp 0, never written, reads
     * as zeros). When no page changed, the last list itself is the answer.
     */
    List<Bytes> pages(int n) {
        NestedPageTable npt = npt();
        long version = npt.version();
        boolean changed = lastPages == null || lastPages.size() != n;
        if (npt != pagesTable || version != pagesVersion || pageFrames.length != n) {
            if (pageFrames.length != n) {
                pageFrames = new long[n];
                readFrames = new long[n];
                readStamps = new long[n];
                readContents = new Bytes[n];
            }
            for (int p = 0; p < n; p++) {
                pageFrames[p] = frame(p);
            }
            pagesTable = npt;
            pagesVersion = version;
        }
        HostMemory memory = machine.memory();
        for (int p = 0; p < n; p++) {
            long frame = pageFrames[p];
            long stamp = frame == 0 ? 0 : memory.lastWrite(frame);
            if (readContents[p] == null || readFrames[p] != frame || readStamps[p] != stamp) {
                readContents[p] = stamp == 0 ? ZERO_CONTENTS : Bytes.of(memory.frameContents(frame));
                readFrames[p] = frame;
                readStamps[p] = stamp;
                changed = true;
            }
        }
        if (changed) {
            lastPages = List.of(readContents);
        }
        return lastPages;
    }

    /** A never-written page's contents, shared: the value is immutable. */
    private static final Bytes ZERO_CONTENTS = Bytes.zeros(HostMemory.FRAME_SIZE);

    /** Guest page {@code p} as the VM's translation reaches it. */
    byte[] page(long p) {
        return machine.peekGuestPage(view, new GuestPhysicalPage(p));
    }

    /** Stores a received page as guest page {@code p} (an all-zero page never written is left unbacked). */
    void receive(long p, byte[] contents) {
        if (frame(p) == 0 && Arrays.equals(contents, ZERO_PAGE)) {
            return;
        }
        hypervisor.populate(view, new GuestPhysicalPage(p));
        machine.memory().write(frame(p) << 12, contents, 0, HostMemory.FRAME_SIZE);
    }
}
