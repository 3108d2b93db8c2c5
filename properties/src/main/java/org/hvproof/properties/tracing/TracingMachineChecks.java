package org.hvproof.properties.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;

/**
 * The TRACE claims as machine-level checks of a tracing service, reading the whole machine: every
 * view's nested table, every vCPU's translation cache, every device's I/O page table and IOTLB,
 * and every guest write the hypervisor carries out. The tracing traces judge one view and one
 * device against the model's traces ({@link #staleWritableTranslation}, {@link
 * #deviceWritableTracedPage}); a machine whose one tracing service several services share, where
 * no tracing model runs in lockstep, is judged against the service's own owner records in every
 * view (an instance, which watches the hypervisor's writes as they happen).
 */
public final class TracingMachineChecks {
    /** TRACE-1's check of the notifications a step delivered. */
    public static final String EVERY_TRACED_WRITE_NOTIFIED_ONCE = "everyTracedWriteNotifiedOnce";
    /** TRACE-2's check of the notifications a step delivered. */
    public static final String NO_NOTIFICATION_WITHOUT_TRACE = "noNotificationWithoutTrace";
    /** TRACE-3's check of the owner records against the nested tables. */
    public static final String TRACED_PAGES_WRITE_PROTECTED = "tracedPagesWriteProtected";
    /** TRACE-4's check of every device's I/O page table and IOTLB. */
    public static final String NO_DEVICE_WRITABLE_TRACED_PAGE = "noDeviceWritableTracedPage";
    /** TRACE-5's check of every view's nested table and every vCPU's translation cache. */
    public static final String NO_STALE_WRITABLE_TRANSLATION = "noStaleWritableTranslation";

    private final TracingService tracing;
    private String untracedNotified;
    private String tracedMisnotified;
    private String unprotected;
    private String deviceWritable;
    private String staleWritable;
    private int notifiedParts;
    private int silentPartsTracedElsewhere;

    /**
     * Checks of {@code tracing} on its hypervisor's whole machine; watches every guest write from
     * now on ({@link org.hvproof.impl.machine.Hypervisor#addWriteObserver}).
     */
    public TracingMachineChecks(TracingService tracing) {
        this.tracing = tracing;
        tracing.hypervisor().addWriteObserver(this::onWrite);
    }

    /** Forgets what the last step found: call before each step. */
    public void startStep() {
        untracedNotified = null;
        tracedMisnotified = null;
        unprotected = null;
        deviceWritable = null;
        staleWritable = null;
        notifiedParts = 0;
        silentPartsTracedElsewhere = 0;
    }

    /**
     * Judges the machine's state now, at a boundary inside a step (after each action, so at the
     * micro-step boundaries a step runs through); keeps the first violation of each check.
     */
    public void afterAction() {
        if (unprotected == null) {
            unprotected = tracedPageUnprotected().orElse(null);
        }
        if (deviceWritable == null) {
            deviceWritable = anyDeviceWritableTracedPage().orElse(null);
        }
        if (staleWritable == null) {
            staleWritable = anyStaleWritableTranslation().orElse(null);
        }
    }

    /** Parts of this step's writes that were notified (a page traced in the writer's view). */
    public int notifiedParts() {
        return notifiedParts;
    }

    /** Parts of this step's writes, silent, to a page number untraced in the writer's view but traced in another view. */
    public int silentPartsTracedElsewhere() {
        return silentPartsTracedElsewhere;
    }

    /** TRACE-1 {@code everyTracedWriteNotifiedOnce}: each part of this step's writes on a traced page had exactly its notification. */
    public void checkEveryTracedWriteNotifiedOnce(String claim) {
        fail(claim, EVERY_TRACED_WRITE_NOTIFIED_ONCE, tracedMisnotified);
    }

    /** TRACE-2 {@code noNotificationWithoutTrace}: every notification of this step named the part's page, traced in the writer's view. */
    public void checkNoNotificationWithoutTrace(String claim) {
        fail(claim, NO_NOTIFICATION_WITHOUT_TRACE, untracedNotified);
    }

    /** TRACE-3 {@code tracedPagesWriteProtected}, at every boundary of this step and now. */
    public void checkTracedPagesWriteProtected(String claim) {
        fail(
                claim,
                TRACED_PAGES_WRITE_PROTECTED,
                unprotected != null ? unprotected : tracedPageUnprotected().orElse(null));
    }

    /** TRACE-4 {@code noDeviceWritableTracedPage} for every device, at every boundary of this step and now. */
    public void checkNoDeviceWritableTracedPage(String claim) {
        fail(
                claim,
                NO_DEVICE_WRITABLE_TRACED_PAGE,
                deviceWritable != null
                        ? deviceWritable
                        : anyDeviceWritableTracedPage().orElse(null));
    }

    /** TRACE-5 {@code noStaleWritableTranslation} for every view and vCPU, at every boundary of this step and now. */
    public void checkNoStaleWritableTranslation(String claim) {
        fail(
                claim,
                NO_STALE_WRITABLE_TRANSLATION,
                staleWritable != null
                        ? staleWritable
                        : anyStaleWritableTranslation().orElse(null));
    }

    private static void fail(String claim, String name, String found) {
        if (found != null) {
            throw new AssertionError(claim + " " + name + " violated: " + found);
        }
    }

    /**
     * One part of a guest write (or an emulated accessed/dirty update), judged against the owner
     * records of the writer's view as they are while it happens.
     */
    private void onWrite(VirtualCpu cpu, long gpa, int length, List<Observation> seen, boolean landed) {
        ViewId view = cpu.view();
        GuestPhysicalPage page = GuestPhysicalPage.containing(gpa);
        boolean traced = !tracing.owners(view, page).isEmpty();
        List<Notification> notes = new ArrayList<>();
        seen.forEach(o -> {
            if (o instanceof Notification n) {
                notes.add(n);
            }
        });
        String part =
                Notation.vcpu(cpu.id().id()) + "'s write of " + length + " bytes at " + Notation.gpp(page.number())
                        + " offset 0x" + Integer.toHexString((int) (gpa & 0xfff)) + " in view " + view.name();
        if (untracedNotified == null) {
            for (Notification n : notes) {
                if (!traced || !n.page().equals(page) || !n.vcpu().equals(cpu.id())) {
                    untracedNotified =
                            part + (traced ? ", a traced page," : ", a page untraced there,") + " was notified as " + n;
                    break;
                }
            }
        }
        if (traced) {
            Notification expected = new Notification(cpu.id(), page, (int) (gpa & 0xfff), length);
            if (tracedMisnotified == null && (notes.size() != 1 || !notes.get(0).equals(expected))) {
                tracedMisnotified = part + ", a traced page" + (landed ? "" : " (blocked)") + ", was notified as "
                        + notes + ", expected exactly " + expected;
            }
            notifiedParts++;
        } else if (notes.isEmpty() && tracedInAnotherView(view, page)) {
            silentPartsTracedElsewhere++;
        }
    }

    private boolean tracedInAnotherView(ViewId view, GuestPhysicalPage page) {
        for (ViewId other : tracing.hypervisor().machine().viewIds()) {
            if (!other.equals(view) && !tracing.owners(other, page).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * TRACE-3 on the machine: every page an owner holds a trace on in a view is guest RAM of that
     * view, mapped there, and its nested entry lacks the write bit, so it stays protected while
     * any owner holds a trace (the service's owner records agree with what the nested tables
     * protect).
     */
    private Optional<String> tracedPageUnprotected() {
        Machine m = tracing.hypervisor().machine();
        for (ViewId view : m.viewIds()) {
            long ram = tracing.hypervisor().guestRamPages(view);
            for (GuestPhysicalPage page : tracing.tracedPages(view)) {
                if (page.number() >= ram) {
                    return Optional.of(Notation.gpp(page.number()) + " is traced in view " + view.name()
                            + " but is not its guest RAM");
                }
                boolean writable = m.view(view)
                        .flatMap(npt -> npt.leaf(page))
                        .map(e -> e.permissions().write())
                        .orElse(true);
                if (writable) {
                    return Optional.of(Notation.gpp(page.number()) + " is traced in view " + view.name() + " by "
                            + tracing.owners(view, page) + " but its nested entry there is "
                            + (m.view(view).flatMap(npt -> npt.leaf(page)).isPresent() ? "writable" : "missing"));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> anyStaleWritableTranslation() {
        Machine m = tracing.hypervisor().machine();
        for (ViewId view : m.viewIds()) {
            Set<GuestPhysicalPage> traced = tracing.tracedPages(view);
            if (!traced.isEmpty()) {
                Optional<String> found = staleWritableTranslation(m, view, traced);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * TRACE-4 on the whole machine: no device behind the IOMMU, whichever view it serves and
     * however it was attached, may write a host frame that backs a page traced in any view, by
     * its I/O page table or its IOTLB.
     */
    private Optional<String> anyDeviceWritableTracedPage() {
        Machine m = tracing.hypervisor().machine();
        java.util.Map<Long, String> tracedFrames = new java.util.HashMap<>();
        for (ViewId view : m.viewIds()) {
            for (GuestPhysicalPage page : tracing.tracedPages(view)) {
                m.view(view)
                        .flatMap(npt -> npt.leaf(page))
                        .ifPresent(e -> tracedFrames.putIfAbsent(
                                e.hostFrame(), Notation.gpp(page.number()) + " of view " + view.name()));
            }
        }
        if (tracedFrames.isEmpty()) {
            return Optional.empty();
        }
        for (DeviceId device : m.iommu().devices()) {
            for (long frame : m.iommu().cachedWritableFrames(device)) {
                if (tracedFrames.containsKey(frame)) {
                    return Optional.of("the IOTLB of device " + device + " caches a writable translation of hpp 0x"
                            + Long.toHexString(frame) + ", traced page " + tracedFrames.get(frame));
                }
            }
            Optional<String> found = m.iommu().table(device).flatMap(table -> {
                String[] hit = {null};
                table.forEachLeaf((bus, e) -> {
                    if (hit[0] == null && e.permissions().write() && tracedFrames.containsKey(e.hostFrame())) {
                        hit[0] = "the I/O page table of device " + device + " maps bus page "
                                + Notation.gpp(bus.number()) + " writable to hpp 0x" + Long.toHexString(e.hostFrame())
                                + ", traced page " + tracedFrames.get(e.hostFrame());
                    }
                });
                return Optional.ofNullable(hit[0]);
            });
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * TRACE-5 on one view: no vCPU's translation cache holds a writable translation of a page in
     * {@code traced} for {@code view}, so no write reaches one without the nested walk that
     * notifies it. What was found, naming the vCPU and the page (and the view, unless it is the
     * default one), if it does.
     */
    public static Optional<String> staleWritableTranslation(Machine m, ViewId view, Set<GuestPhysicalPage> traced) {
        for (VirtualCpu c : m.vcpus()) {
            for (long page : m.tlb(c).writableGuestPhysicalPages(view)) {
                if (traced.contains(new GuestPhysicalPage(page))) {
                    return Optional.of("vCPU " + c.id().id() + " caches a writable translation of traced page gpp:0x"
                            + Long.toHexString(page) + (view.equals(ViewId.DEFAULT) ? "" : " in view " + view.name()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * TRACE-4 on one device: neither its IOTLB nor its I/O page table lets it write a page in
     * {@code traced} (bus addresses are guest-physical addresses of its view). What was found, if
     * anything.
     */
    public static Optional<String> deviceWritableTracedPage(Machine m, DeviceId device, Set<GuestPhysicalPage> traced) {
        for (long page : m.iommu().cachedWritablePages(device)) {
            if (traced.contains(new GuestPhysicalPage(page))) {
                return Optional.of("the IOTLB caches a writable translation of traced page gpp:0x"
                        + Long.toHexString(page) + " for device " + device);
            }
        }
        Optional<String> found = m.iommu()
                .table(device)
                .flatMap(table -> traced.stream()
                        .filter(page -> table.leaf(page)
                                .map(e -> e.permissions().write())
                                .orElse(false))
                        .findFirst()
                        .map(page ->
                                "the I/O page table of device " + device + " maps traced page " + page + " writable"));
        return found;
    }
}
