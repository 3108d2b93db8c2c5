package org.hvproof.impl.failover;

import java.util.List;
import java.util.OptionalLong;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PagePermissions;

/**
 * One host of the failover pair on the simulated machine: a {@link Machine} with its {@link
 * Hypervisor}, whose guest's RAM on the default view is the host's volatile memory. Memory page
 * {@code i} of the model is guest-physical page {@code i}; the model's page is its first {@code
 * pageBytes} bytes (the rest of the 4 KiB page is never written). The guest OS's page tables live
 * in a pool of {@link #POOL_PAGES} pages above that RAM; the application's vCPU reaches its pages
 * at {@link #APPLICATION_BASE} through them and the nested table, which the hypervisor backs
 * lazily on the first touch. Losing power is losing the machine: a blank one, its DRAM, nested
 * tables and guest page tables gone, takes its place, and the application needs a new boot.
 *
 * <p>A host may instead be a guest of a machine other guests share ({@link #ApplicationHost(Hypervisor,
 * ViewId, int, int, int, boolean)}): the application runs on a vCPU and a view of its own, its
 * guest OS's pool above its RAM in that view, and losing power is the guest's crash: it goes on
 * with a fresh, empty view (the crashed view's frames stay with it, never handed out again) and
 * a new boot, the machine and the other guests untouched.
 */
final class ApplicationHost {
    /** Guest-virtual address of the application's first page: page {@code i} is at {@code APPLICATION_BASE + i * 4096}. */
    static final long APPLICATION_BASE = 0x4000_0000L;
    /** Guest page-table pages: the tables of one 4-level walk to the application's pages. */
    static final int POOL_PAGES = 4;

    private final int ramPages;
    private final int pageBytes;
    private Machine machine;
    private Hypervisor hypervisor;
    private boolean booted;
    /** The view the application's guest runs on: the default one on a machine of its own. */
    private ViewId view = ViewId.DEFAULT;
    /** The application's vCPU on the machine. */
    private final int vcpu;
    /** On a shared machine: the name its views are numbered from, and how many it has had. */
    private final String sharedViewName;

    private int viewsUsed;
    /** Flaw STANDBY_WRITES_THROUGH_DEFAULT_VIEW: {@link #writePage} resolves the page in the default view. */
    private final boolean writesThroughDefaultView;

    /** A powered host whose guest has {@code ramPages} pages of memory of which the model sees {@code pageBytes} bytes each. */
    ApplicationHost(int ramPages, int pageBytes) {
        this.ramPages = ramPages;
        this.pageBytes = pageBytes;
        this.vcpu = 0;
        this.sharedViewName = null;
        this.writesThroughDefaultView = false;
        powerCycle();
    }

    /**
     * The host as a guest of the machine under {@code shared}: its application on the machine's
     * vCPU {@code vcpu} and on a view of its own named {@code viewName}, its RAM bounded to its
     * {@code ramPages} pages and its guest OS's pool. With {@code writesThroughDefaultView} (a
     * deliberately wrong port from a machine of its own, where the default view is the guest's)
     * {@link #writePage} backs and writes the page in the machine's default view instead.
     *
     * @throws IllegalArgumentException when the vCPU does not exist
     */
    ApplicationHost(
            Hypervisor shared,
            String viewName,
            int vcpu,
            int ramPages,
            int pageBytes,
            boolean writesThroughDefaultView) {
        if (vcpu < 0 || vcpu >= shared.machine().vcpus().size()) {
            throw new IllegalArgumentException("the machine has no vCPU " + vcpu);
        }
        this.ramPages = ramPages;
        this.pageBytes = pageBytes;
        this.vcpu = vcpu;
        this.sharedViewName = viewName;
        this.writesThroughDefaultView = writesThroughDefaultView;
        this.machine = shared.machine();
        this.hypervisor = shared;
        powerCycle();
    }

    /**
     * Power gone and back: a blank machine takes the old one's place; nothing of its memory is
     * left. On a shared machine the guest crashed: a fresh, empty view of its own takes the old
     * one's place on its vCPU.
     */
    void powerCycle() {
        booted = false;
        if (sharedViewName == null) {
            machine = new Machine(new MachineShape(1, ramPages + POOL_PAGES, ramPages, POOL_PAGES));
            hypervisor = new Hypervisor(machine);
            return;
        }
        viewsUsed++;
        view = new ViewId(viewsUsed == 1 ? sharedViewName : sharedViewName + "-" + viewsUsed);
        machine.addView(view).orElseThrow();
        hypervisor.limitGuestRam(view, ramPages + POOL_PAGES);
        vcpu().setView(view);
    }

    /** The view the application's guest runs on now. */
    ViewId view() {
        return view;
    }

    /**
     * Boots the application's address space, once per power cycle: the guest OS maps virtual page
     * {@code APPLICATION_BASE / 4096 + i} to guest page {@code i} for {@code i < appPages}, writable
     * by the kernel, and the vCPU loads its root.
     */
    void bootApplication(int appPages) {
        if (booted) {
            return;
        }
        GuestOs os = new GuestOs(hypervisor, view, ramPages, POOL_PAGES);
        OptionalLong root = os.newAddressSpace();
        long cr3 = root.orElseThrow();
        for (int i = 0; i < appPages; i++) {
            os.map(cr3, APPLICATION_BASE + ((long) i << 12), new GuestPhysicalPage(i), PagePermissions.KERNEL_DATA);
        }
        vcpu().setCr3(cr3);
        booted = true;
    }

    /** The application's vCPU. */
    VirtualCpu vcpu() {
        return machine.vcpus().get(vcpu);
    }

    /**
     * The application's store of a 64-bit value at byte {@code offset} of its page {@code page}: a
     * guest write through its page tables and the nested table. True when the write completed.
     */
    boolean store(int page, int offset, long value) {
        byte[] le = new byte[8];
        for (int i = 0; i < 8; i++) {
            le[i] = (byte) (value >>> (8 * i));
        }
        List<Observation> seen =
                hypervisor.write(vcpu().id(), APPLICATION_BASE + ((long) page << 12) + offset, Bytes.of(le));
        return !seen.isEmpty() && seen.get(seen.size() - 1) instanceof Completed;
    }

    /** The host frame the nested table maps guest page {@code page} to; 0 when the page is not backed. */
    long frame(int page) {
        return npt().leaf(new GuestPhysicalPage(page)).map(e -> e.hostFrame()).orElse(0L);
    }

    /** The hypervisor's own read of the model's bytes of guest page {@code page}, from the frame behind it (zeros when unbacked). */
    byte[] readPage(int page) {
        return readFrame(frame(page));
    }

    /** The model's bytes of host frame {@code frame} (zeros for frame 0, never handed out). */
    byte[] readFrame(long frame) {
        byte[] out = new byte[pageBytes];
        if (frame != 0) {
            machine.memory().read(frame << 12, out, 0, pageBytes);
        }
        return out;
    }

    /** The hypervisor writes {@code data} (the model's bytes) into the frame behind guest page {@code page}, backing it first. */
    void writePage(int page, byte[] data) {
        // STANDBY_WRITES_THROUGH_DEFAULT_VIEW: the page resolved in the machine's default view, another guest's.
        ViewId through = writesThroughDefaultView ? ViewId.DEFAULT : view;
        GuestPhysicalPage p = new GuestPhysicalPage(page);
        if (!hypervisor.populate(through, p)) {
            return;
        }
        long frame = machine.view(through).orElseThrow().leaf(p).orElseThrow().hostFrame();
        machine.memory().write(frame << 12, data, 0, pageBytes);
    }

    private NestedPageTable npt() {
        return machine.view(view).orElseThrow();
    }

    // ------------------------------------------------------------ what the abstraction reads

    private NestedPageTable pagesTable;
    private long pagesVersion;
    private long[] pageFrames = new long[0];
    private long[] readStamps = new long[0];
    private Bytes[] readContents = new Bytes[0];
    private List<Bytes> lastPages;

    /**
     * Every page of the guest's memory as the model sees it, read off the frames behind the view:
     * the frame of each page is looked up again whenever the nested table's version moves, its
     * bytes whenever the write stamp of the frame it reaches changed (stamps are never reused
     * across frames, and 0, never written, reads as zeros whatever the frame); otherwise the last
     * list is the answer.
     */
    List<Bytes> pages() {
        NestedPageTable npt = npt();
        boolean changed = false;
        if (npt != pagesTable || npt.version() != pagesVersion) {
            if (npt != pagesTable) {
                // another machine (power came back): its frame numbers and stamps start again
                pageFrames = new long[ramPages];
                readStamps = new long[ramPages];
                readContents = new Bytes[ramPages];
            }
            for (int p = 0; p < ramPages; p++) {
                pageFrames[p] = frame(p);
            }
            pagesTable = npt;
            pagesVersion = npt.version();
        }
        HostMemory memory = machine.memory();
        for (int p = 0; p < ramPages; p++) {
            long frame = pageFrames[p];
            long stamp = frame == 0 ? 0 : memory.lastWrite(frame);
            if (readContents[p] == null || readStamps[p] != stamp) {
                readContents[p] = stamp == 0 ? zeros() : Bytes.of(readFrame(frame));
                readStamps[p] = stamp;
                changed = true;
            }
        }
        if (changed) {
            lastPages = List.of(readContents);
        }
        return lastPages;
    }

    private Bytes zeroPage;

    private Bytes zeros() {
        if (zeroPage == null) {
            zeroPage = Bytes.zeros(pageBytes);
        }
        return zeroPage;
    }
}
