package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.integrity.IntegrityService;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityModel;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.IntegrityStep;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.integrity.View;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.Lockstep;
import org.hvproof.properties.harness.JudgedTrace;

/**
 * One generated trace of the integrity mechanism: the machine (with or without a deliberate flaw)
 * and the model in lockstep, what the last guest write did to memory (to judge that the alert
 * action was performed), and labels for coverage.
 */
public final class IntegrityTrace implements JudgedTrace<IntegrityState, IntegrityAction, IntegrityObservation> {
    /** The guest every trace boots: 1024 guarded pages, two vCPUs, at most 64 pages a request. */
    public static final IntegrityConfig CONFIG = IntegrityConfig.small();

    private final IntegritySystem machine;
    private final Lockstep<IntegrityState, IntegrityAction> lockstep;
    private WriteOutcome lastWrite;
    private long executableCheckedAt = -1;
    private Optional<Driver> executableCheckedFor = Optional.empty();

    /** Boots the guest under the integrity service with {@code flaw} ({@link IntegrityImplFlaw#NONE} for the real one). */
    public IntegrityTrace(IntegrityImplFlaw flaw) {
        this.machine = new IntegritySystem(CONFIG, flaw);
        this.lockstep = new Lockstep<>(
                machine::apply,
                machine::abstractState,
                (s, a) -> {
                    IntegrityStep step = IntegrityModel.step(s, a);
                    return new Lockstep.ModelStep<>(step.next(), step.observations());
                },
                IntegrityState.initial(CONFIG));
    }

    /** The model's state, equal to the machine's abstraction while refinement holds. */
    public IntegrityState state() {
        return lockstep.state();
    }

    @Override
    public List<Transition<IntegrityState, IntegrityAction, IntegrityObservation>> lastTransitions() {
        Transition<IntegrityState, IntegrityAction, IntegrityObservation> t =
                lockstep.lastAs(IntegrityObservation.class);
        return t == null ? List.of() : List.of(t);
    }

    @Override
    public IntegrityState judgedState() {
        return lockstep.judgedState();
    }

    /** Runs one action on machine and model, records what a write did to memory, labels what happened. */
    void apply(IntegrityAction action, Context ctx) {
        lastWrite = null;
        byte[] before = null;
        if (action instanceof IntegrityAction.GuestWrite w && guarded(w)) {
            before = machine.page(w.page());
        }
        Lockstep.Transition<IntegrityState, IntegrityAction> t = lockstep.apply(action);
        if (before != null && machine.lastWritten().isPresent()) {
            IntegrityAction.GuestWrite w = (IntegrityAction.GuestWrite) action;
            lastWrite = new WriteOutcome(
                    w, before, machine.page(w.page()), machine.lastWritten().get());
        }
        label(t, ctx);
    }

    /** Refinement: the machine's observations and abstract state after the last step equal the model's. */
    @Override
    public void checkRefinement() {
        lockstep.checkRefinement();
    }

    /**
     * The last write's alert action was performed on memory, if the write is one {@code scope}
     * (judged on the state before it) speaks of: a write that alerted with {@code BLOCK} left the
     * page as it was; any other write (alerted with record-and-allow, or not alerted) stored its
     * bytes. Throws an AssertionError starting with {@code label} when not.
     */
    public void checkAlertActionPerformed(String label, BiPredicate<IntegrityState, IntegrityAction.GuestWrite> scope) {
        if (lastWrite == null || !scope.test(lockstep.last().before(), lastWrite.write())) {
            return;
        }
        boolean blocked = lockstep.last().observations().stream()
                .anyMatch(o -> o instanceof IntegrityObservation.WriteAlert a && a.action() == AlertAction.BLOCK);
        WriteOutcome w = lastWrite;
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

    private boolean guarded(IntegrityAction.GuestWrite w) {
        return w.address() >= 0
                && w.page() < CONFIG.guestPages()
                && w.writer().vcpu() >= 0
                && w.writer().vcpu() < CONFIG.vcpuCount();
    }

    /** What one guest write did to its page. */
    private record WriteOutcome(IntegrityAction.GuestWrite write, byte[] before, byte[] after, Bytes bytes) {}

    private void label(Lockstep.Transition<IntegrityState, IntegrityAction> t, Context ctx) {
        IntegrityState before = t.before();
        List<?> seen = t.observations();
        IntegrityAction a = t.action();
        if (a instanceof IntegrityAction.GuestWrite w
                && guarded(w)
                && seen.stream().anyMatch(IntegrityObservation.WriteAlert.class::isInstance)) {
            ctx.label(
                    machine.writesThroughLargeLeaf(w.writer().vcpu(), w.page())
                            ? IntegrityLabels.ALERT_THROUGH_LARGE_GUEST_LEAF
                            : IntegrityLabels.ALERT_THROUGH_SMALL_GUEST_LEAF);
        }
        labelInstruction(before, a, seen, ctx);
        for (Object o : seen) {
            if (o instanceof IntegrityObservation.PolicyAlert p) {
                ctx.label(
                        switch (p.cause()) {
                            case WRONG_ENTRY -> IntegrityLabels.WRONG_ENTRY_ALERT;
                            case REFUSED_REQUEST -> IntegrityLabels.REFUSED_REQUEST;
                            case SECOND_REGISTRATION -> IntegrityLabels.SECOND_REGISTRATION;
                            default -> "policy alert " + p.cause();
                        });
            }
        }
        if (a instanceof IntegrityAction.Enter e) {
            if (seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK))) {
                ctx.label(IntegrityLabels.ENTERED);
            }
            before.driver().ifPresent(d -> {
                long ip = e.caller().instructionPointer();
                if (ip != d.entryPoint()
                        && (ip >>> PageRange.PAGE_SHIFT) == (d.entryPoint() >>> PageRange.PAGE_SHIFT)) {
                    ctx.label(IntegrityLabels.WRONG_OFFSET_IN_ENTRY_PAGE);
                }
                if (IntegrityActions.differsOnlyAboveBit31(ip, d.entryPoint())) {
                    ctx.label(IntegrityLabels.ENTRY_HIGH_BIT_ALIAS);
                }
            });
        } else if (a instanceof IntegrityAction.Exit e
                && inMode(before, e.caller().vcpu(), Mode.INTEGRITY)) {
            ctx.label(IntegrityLabels.EXIT);
        } else if (a instanceof IntegrityAction.Interrupt i && inMode(before, i.vcpu(), Mode.INTEGRITY)) {
            ctx.label(IntegrityLabels.INTERRUPT_EXIT);
            if (i.vector() < 32) {
                ctx.label(IntegrityLabels.INTERRUPT_VECTOR_BELOW_32);
            }
        } else if (a instanceof IntegrityAction.Fault f && inMode(before, f.vcpu(), Mode.INTEGRITY)) {
            ctx.label(IntegrityLabels.FAULT_EXIT);
            if (f.vector() > 31) {
                ctx.label(IntegrityLabels.FAULT_VECTOR_ABOVE_31);
            }
        } else if (a instanceof IntegrityAction.Register
                && seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK))) {
            t.after()
                    .driver()
                    .filter(d -> d.code().first() >= before.config().guestPages() / 2)
                    .ifPresent(d -> ctx.label(IntegrityLabels.DRIVER_IN_UPPER_HALF));
        } else if (a instanceof IntegrityAction.Protect || a instanceof IntegrityAction.Unprotect) {
            boolean ok = seen.contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
            if (ok) {
                ctx.label(
                        a instanceof IntegrityAction.Protect ? IntegrityLabels.PROTECTED : IntegrityLabels.UNPROTECTED);
                if (a instanceof IntegrityAction.Protect p
                        && p.start() >= before.config().guestPages() / 2 * PageRange.PAGE_SIZE) {
                    ctx.label(IntegrityLabels.PROTECTED_UPPER_HALF);
                }
            } else if (!seen.stream().anyMatch(IntegrityObservation.PolicyAlert.class::isInstance)) {
                ctx.label(IntegrityLabels.BAD_ARGUMENTS_REFUSED);
            }
            if (a instanceof IntegrityAction.Unprotect u
                    && !ok
                    && !before.protections().isEmpty()
                    && !inMode(before, u.caller().vcpu(), Mode.INTEGRITY)) {
                ctx.label(IntegrityLabels.PROTECTION_SURVIVED_REFUSED_REMOVAL);
            }
        } else if (a instanceof IntegrityAction.GuestWrite w) {
            labelWrite(before, w, seen, ctx);
        }
    }

    /** GI-8's situations: what ran in integrity mode, and from where. */
    private static void labelInstruction(IntegrityState before, IntegrityAction a, List<?> seen, Context ctx) {
        if (seen.stream().anyMatch(IntegrityObservation.FaultAlert.class::isInstance)) {
            ctx.label(IntegrityLabels.FAULT_ALERT);
        }
        Optional<Writer> caller = IntegrityModel.caller(a);
        if (caller.isEmpty()
                || !inMode(before, caller.get().vcpu(), Mode.INTEGRITY)
                || before.driver().isEmpty()) {
            return;
        }
        Writer w = caller.get();
        Driver d = before.driver().get();
        long ipPage = w.instructionPointer() >>> PageRange.PAGE_SHIFT;
        if (IntegrityInvariants.driverWrites(before, w)) {
            if (w.instructionPointer() != d.entryPoint()) {
                ctx.label(IntegrityLabels.DRIVER_RUNS_AWAY_FROM_ENTRY);
            }
            return;
        }
        if (seen.contains(new IntegrityObservation.FaultAlert(w.vcpu()))) {
            ctx.label(IntegrityLabels.STRAY_INSTRUCTION_FAULTED);
        }
        if (w.instructionPointer() >= 0 && d.data().contains(ipPage)) {
            ctx.label(IntegrityLabels.INSTRUCTION_FROM_DRIVER_DATA);
        }
        if (w.privilege() != 0) {
            ctx.label(IntegrityLabels.USER_INSTRUCTION_IN_INTEGRITY_MODE);
        }
    }

    /**
     * GI-8's machine-level check: in the integrity view's nested page table, no page but the
     * registered driver's code is executable (before registration, none). Re-read whenever the
     * table's version or the driver moved.
     */
    public void checkOnlyDriverCodeExecutable(String label) {
        NestedPageTable npt =
                machine.machine().view(IntegrityService.INTEGRITY_VIEW).orElseThrow();
        Optional<Driver> driver = machine.integrity().driver();
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

    private static void labelWrite(IntegrityState before, IntegrityAction.GuestWrite w, List<?> seen, Context ctx) {
        boolean integrity = inMode(before, w.writer().vcpu(), Mode.INTEGRITY);
        boolean ownData = before.driver().map(d -> d.data().contains(w.page())).orElse(false);
        for (Object o : seen) {
            if (o instanceof IntegrityObservation.WriteAlert alert) {
                ctx.label(
                        alert.action() == AlertAction.BLOCK
                                ? IntegrityLabels.BLOCKED_WRITE
                                : IntegrityLabels.RECORDED_AND_ALLOWED_WRITE);
                if (!integrity && alert.cause() == IntegrityAlertCause.DRIVER_PAGE) {
                    ctx.label(IntegrityLabels.DRIVER_PAGE_ALERT_IN_NORMAL_MODE);
                }
                if (integrity && alert.cause() == IntegrityAlertCause.PROTECTED_PAGE) {
                    ctx.label(IntegrityLabels.PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE);
                }
                if (integrity && alert.cause() == IntegrityAlertCause.DRIVER_PAGE) {
                    ctx.label(IntegrityLabels.DRIVER_CODE_ALERT_IN_INTEGRITY_MODE);
                }
            }
        }
        if (integrity && ownData && seen.isEmpty()) {
            ctx.label(IntegrityLabels.QUIET_OWN_DATA_WRITE);
        }
        long page = w.page();
        long lowAlias = (w.address() & 0xFFFF_F000L) >>> PageRange.PAGE_SHIFT;
        if (page != lowAlias && monitored(before, lowAlias)) {
            ctx.label(IntegrityLabels.WRITE_HIGH_BIT_ALIAS);
        }
        if (page >= before.config().guestPages()) {
            ctx.label(IntegrityLabels.WRITE_BEYOND_GUARDED_MEMORY);
        } else if (!monitored(before, page) && (monitored(before, page - 1) || monitored(before, page + 1))) {
            ctx.label(IntegrityLabels.WRITE_UNMONITORED_NEXT_TO_MONITORED);
        }
    }

    /** Whether the writer of {@code w} is in {@code mode} in {@code s}. */
    static boolean writerIn(IntegrityState s, IntegrityAction.GuestWrite w, Mode mode) {
        return inMode(s, w.writer().vcpu(), mode);
    }

    /** Whether a write to {@code page} would alert in the protected view: a driver page or a protected one. */
    private static boolean monitored(IntegrityState s, long page) {
        return s.monitor(View.PROTECTED, page).isPresent();
    }

    /** Whether {@code w} writes one of the driver's data pages. */
    static boolean ownData(IntegrityState s, IntegrityAction.GuestWrite w) {
        return s.driver().map(d -> d.data().contains(w.page())).orElse(false);
    }

    /** Whether {@code w} writes one of the driver's pages, code or data. */
    static boolean driverPage(IntegrityState s, IntegrityAction.GuestWrite w) {
        return s.driver().map(d -> d.owns(w.page())).orElse(false);
    }

    private static boolean inMode(IntegrityState s, int vcpu, Mode mode) {
        return Optional.ofNullable(s.vcpus().get(vcpu))
                .map(v -> v.mode() == mode)
                .orElse(false);
    }

    /** A short picture of the state for failure reports. */
    @Override
    public String describe() {
        IntegrityState s = lockstep.state();
        return "  " + s.driver().map(Object::toString).orElse("driver none") + "\n  vcpus "
                + s.vcpus().entrySet().stream()
                        .map(e -> Notation.vcpu(e.getKey()) + " " + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", ", "{", "}"))
                + "\n  protections " + Notation.byGpp(s.protections());
    }
}
