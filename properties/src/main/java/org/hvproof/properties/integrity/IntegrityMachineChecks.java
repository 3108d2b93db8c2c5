package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.hvproof.impl.integrity.IntegrityService;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.impl.integrity.TreeProtectionStore;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Notation;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;

/**
 * The GI claims' machine-level checks, read off an {@link IntegritySystem} wherever it runs: on a
 * machine of its own ({@link IntegrityTrace}) or beside another guest on the composed one. They
 * see what the abstraction function leaves out: the bytes a guest write left in its page, the
 * integrity view's execute rights, the tree's own request hypercalls. One instance per trace (it
 * remembers the step's writes and the last table version it read).
 */
public final class IntegrityMachineChecks {
    private final IntegritySystem system;
    private final IntegrityConfig config;
    /** The guest writes of the step in progress, each with the state it was judged on. */
    private final List<WriteOutcome> writes = new ArrayList<>();

    private long executableCheckedAt = -1;
    private Optional<Driver> executableCheckedFor = Optional.empty();

    /** What one guest write did to its page, and what the machine answered. */
    private record WriteOutcome(
            IntegrityState judgedOn,
            IntegrityAction.GuestWrite write,
            byte[] before,
            byte[] after,
            Bytes bytes,
            List<?> observations) {}

    /** The writes GI-2's {@code alertActionPerformed} judges: from normal mode, to the driver's code or data. */
    public static final BiPredicate<IntegrityState, IntegrityAction.GuestWrite> DRIVER_PAGE_WRITES_IN_NORMAL_MODE =
            (s, w) -> IntegrityTrace.writerIn(s, w, Mode.NORMAL) && IntegrityTrace.driverPage(s, w);

    /** The writes GI-3's {@code alertActionPerformed} judges: the driver's, in integrity mode, to its own data. */
    public static final BiPredicate<IntegrityState, IntegrityAction.GuestWrite> OWN_DATA_WRITES_IN_INTEGRITY_MODE =
            (s, w) -> IntegrityInvariants.driverWrites(s, w.writer()) && IntegrityTrace.ownData(s, w);

    /** The writes GI-7's {@code alertActionPerformed} judges: the driver's, in integrity mode, anywhere but its own data. */
    public static final BiPredicate<IntegrityState, IntegrityAction.GuestWrite> OTHER_WRITES_IN_INTEGRITY_MODE =
            (s, w) -> IntegrityInvariants.driverWrites(s, w.writer()) && !IntegrityTrace.ownData(s, w);

    /** Checks on {@code system}, a guest of {@code config} (its vCPUs the machine's first {@code config.vcpuCount()}). */
    public IntegrityMachineChecks(IntegritySystem system, IntegrityConfig config) {
        this.system = system;
        this.config = config;
    }

    /** Forgets the last step's writes: call before a new step. */
    public void startStep() {
        writes.clear();
    }

    /** The page a write is about to change, read before it runs; empty for a write no check speaks of. */
    public Optional<byte[]> beforeWrite(IntegrityAction action) {
        if (action instanceof IntegrityAction.GuestWrite w && guarded(w)) {
            return Optional.of(system.page(w.page()));
        }
        return Optional.empty();
    }

    /**
     * Records what write {@code action} did, once it ran from state {@code judgedOn} with {@code
     * before} the page's bytes before it (from {@link #beforeWrite}) and the machine's answer
     * {@code observations}.
     */
    public void afterWrite(IntegrityState judgedOn, IntegrityAction action, byte[] before, List<?> observations) {
        if (system.lastWritten().isPresent()) {
            IntegrityAction.GuestWrite w = (IntegrityAction.GuestWrite) action;
            writes.add(new WriteOutcome(
                    judgedOn,
                    w,
                    before,
                    system.page(w.page()),
                    system.lastWritten().get(),
                    observations));
        }
    }

    /**
     * {@code "<claim> alertActionPerformed"}: each write of the last step that {@code scope}
     * (judged on the state before it) speaks of did to memory what its alert's action says: a
     * write that alerted with {@code BLOCK} left the page as it was; any other write (alerted
     * with record-and-allow, or not alerted) stored its bytes. Throws an AssertionError starting
     * with {@code label} when not.
     */
    public void checkAlertActionPerformed(String label, BiPredicate<IntegrityState, IntegrityAction.GuestWrite> scope) {
        for (WriteOutcome w : writes) {
            if (!scope.test(w.judgedOn(), w.write())) {
                continue;
            }
            boolean blocked = w.observations().stream()
                    .anyMatch(o -> o instanceof IntegrityObservation.WriteAlert a && a.action() == AlertAction.BLOCK);
            if (blocked && !Arrays.equals(w.before(), w.after())) {
                throw new AssertionError(
                        label + " violated: write to page " + w.write().page() + " alerted BLOCK but memory changed");
            }
            if (!blocked) {
                int offset = (int) (w.write().address() & (PageRange.PAGE_SIZE - 1));
                byte[] stored =
                        Arrays.copyOfRange(w.after(), offset, offset + w.bytes().length());
                if (!Arrays.equals(stored, w.bytes().toArray())) {
                    throw new AssertionError(label + " violated: write to page "
                            + w.write().page() + " was not blocked but did not complete");
                }
            }
        }
    }

    /**
     * GI-8 {@code onlyDriverCodeExecutable}: in the integrity view's nested page table no page
     * but the registered driver's code is executable (before registration, none). Re-read only
     * when the table's version or the driver changed.
     */
    public void checkOnlyDriverCodeExecutable(String label) {
        NestedPageTable npt =
                system.machine().view(IntegrityService.INTEGRITY_VIEW).orElseThrow();
        Optional<Driver> driver = system.integrity().driver();
        long version = npt.version();
        if (version == executableCheckedAt && driver.equals(executableCheckedFor)) {
            return;
        }
        List<Long> stray = new ArrayList<>();
        npt.forEachLeaf((page, entry) -> {
            if (entry.permissions().execute()
                    && !driver.map(d -> d.code().contains(page.number())).orElse(false)) {
                stray.add(page.number());
            }
        });
        if (!stray.isEmpty()) {
            throw new AssertionError(label + " violated: executable in the integrity view: "
                    + stray.stream().limit(4).map(Notation::gpp).toList() + (stray.size() > 4 ? " ..." : "")
                    + " (" + driver.map(Object::toString).orElse("no driver") + ")");
        }
        executableCheckedAt = version;
        executableCheckedFor = driver;
    }

    /**
     * GI-5 {@code treeRequestsOnlyThroughTheService}: the kernel of every integrity vCPU in normal
     * mode calls the tree's own request API ({@link ProtectedPageTree#PROTECT_HYPERCALL}, or the
     * unprotect one for a protected page) for one guarded page (a different one at each {@code
     * step}); the page's entry in the store must not change: the only way to a tree request is the
     * service's checked one.
     */
    public void checkTreeRequestsOnlyThroughTheService(String label, int step) {
        ProtectedPageTree tree = ((TreeProtectionStore) system.integrity().protections()).tree();
        for (int id = 0; id < config.vcpuCount(); id++) {
            if (system.integrity().mode(id) != Mode.NORMAL) {
                continue;
            }
            long page = (step * 131L + id * 512L) % config.guestPages();
            Optional<AlertAction> before = tree.lookup(page).mapping();
            long start = page << PageRange.PAGE_SHIFT;
            if (before.isEmpty()) {
                system.kernelHypercall(
                        id,
                        ProtectedPageTree.PROTECT_HYPERCALL,
                        start,
                        PageRange.PAGE_SIZE,
                        AlertAction.BLOCK.requestCode());
            } else {
                system.kernelHypercall(id, ProtectedPageTree.UNPROTECT_HYPERCALL, start, PageRange.PAGE_SIZE, 0);
            }
            Optional<AlertAction> after = tree.lookup(page).mapping();
            if (!after.equals(before)) {
                throw new AssertionError(label + " violated: the kernel of " + Notation.vcpu(id)
                        + " in normal mode called the tree's request API and changed " + Notation.gpp(page)
                        + " in the store from " + storeEntry(before) + " to " + storeEntry(after));
            }
        }
    }

    /** A page's entry in the store as a failure names it: its alert action, or "no mapping". */
    private static String storeEntry(Optional<AlertAction> mapping) {
        return mapping.map(AlertAction::name).orElse("no mapping");
    }

    /** Whether a write is to a guarded page from one of the guest's vCPUs (the writes the checks judge). */
    private boolean guarded(IntegrityAction.GuestWrite w) {
        return w.address() >= 0
                && w.page() < config.guestPages()
                && w.writer().vcpu() >= 0
                && w.writer().vcpu() < config.vcpuCount();
    }
}
