package org.hvproof.model.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;

/**
 * The GI claims as named invariants on a state or on one step, each named as the assert of
 * {@code specs/integrity.als} that states the same predicate ({@code GI_1_entryOnlyAtEntryPoint}).
 * They read only the abstract state and the observations, so they judge the model and the
 * machine (through its abstraction function) alike; {@link #ALL} joins them.
 */
public final class IntegrityInvariants {

    /** GI-1: integrity mode is entered only at the registered entry point; elsewhere: normal mode and an alert. */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            ENTRY_ONLY_AT_ENTRY_POINT =
                    Invariant.of("GI-1", "entryOnlyAtEntryPoint", IntegrityInvariants::entryOnlyAtEntryPoint);

    /** GI-2: outside integrity mode, every write to the driver's code or data pages alerts with {@code BLOCK}. */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            DRIVER_PAGES_ALERT_OUTSIDE_INTEGRITY_MODE = Invariant.of(
                    "GI-2",
                    "driverPagesAlertOutsideIntegrityMode",
                    IntegrityInvariants::driverPagesAlertOutsideIntegrityMode);

    /** GI-3: inside integrity mode, writes to the driver's own data pages never alert. */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            OWN_DATA_QUIET_IN_INTEGRITY_MODE = Invariant.of(
                    "GI-3", "ownDataQuietInIntegrityMode", IntegrityInvariants::ownDataQuietInIntegrityMode);

    /** GI-4: a vCPU runs on the integrity view if and only if it is in integrity mode. */
    public static final Invariant<IntegrityState> VIEW_FOLLOWS_MODE =
            Invariant.of("GI-4", "viewFollowsMode", IntegrityInvariants::viewFollowsMode);

    /** GI-5: requests take effect only from integrity mode; from elsewhere they change nothing and alert. */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            REQUESTS_ONLY_FROM_INTEGRITY_MODE = Invariant.of(
                    "GI-5", "requestsOnlyFromIntegrityMode", IntegrityInvariants::requestsOnlyFromIntegrityMode);

    /** GI-6: a protected page stays protected until removed by a request from integrity mode. */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            PROTECTIONS_PERSIST = Invariant.of("GI-6", "protectionsPersist", IntegrityInvariants::protectionsPersist);

    /** GI-6: requested protections never cover driver pages, which registration protects. */
    public static final Invariant<IntegrityState> DRIVER_PAGES_NOT_REQUESTABLE =
            Invariant.of("GI-6", "driverPagesNotRequestable", IntegrityInvariants::driverPagesNotRequestable);

    /** GI-7: inside integrity mode, a write to a monitored page other than the driver's own data alerts with its action. */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            OTHER_PROTECTED_PAGES_ALERT_IN_INTEGRITY_MODE = Invariant.of(
                    "GI-7",
                    "otherProtectedPagesAlertInIntegrityMode",
                    IntegrityInvariants::otherProtectedPagesAlertInIntegrityMode);

    /**
     * GI-8: in integrity mode only the driver's code runs: an instruction of a vCPU in integrity
     * mode from anywhere but the driver's code (or in user mode), and any fault there, ends the
     * mode on the protected view with an alert and changes nothing else.
     */
    public static final Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>>
            ONLY_DRIVER_CODE_RUNS_IN_INTEGRITY_MODE = Invariant.of(
                    "GI-8",
                    "onlyDriverCodeRunsInIntegrityMode",
                    IntegrityInvariants::onlyDriverCodeRunsInIntegrityMode);

    /** Every GI invariant: the mechanism's {@code invs}. No secret, so no pair invariants. */
    public static final InvariantSet<IntegrityState, IntegrityAction, IntegrityObservation> ALL = new InvariantSet<>(
            "integrity",
            List.of(VIEW_FOLLOWS_MODE, DRIVER_PAGES_NOT_REQUESTABLE),
            List.of(
                    ENTRY_ONLY_AT_ENTRY_POINT,
                    DRIVER_PAGES_ALERT_OUTSIDE_INTEGRITY_MODE,
                    OWN_DATA_QUIET_IN_INTEGRITY_MODE,
                    REQUESTS_ONLY_FROM_INTEGRITY_MODE,
                    PROTECTIONS_PERSIST,
                    OTHER_PROTECTED_PAGES_ALERT_IN_INTEGRITY_MODE,
                    ONLY_DRIVER_CODE_RUNS_IN_INTEGRITY_MODE),
            List.of());

    private IntegrityInvariants() {}

    private static Optional<String> entryOnlyAtEntryPoint(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        IntegrityAction action = t.action();
        for (Map.Entry<Integer, VcpuState> e : before.vcpus().entrySet()) {
            int id = e.getKey();
            boolean entered = e.getValue().mode() == Mode.NORMAL
                    && t.after().vcpus().get(id).mode() == Mode.INTEGRITY;
            boolean legit = action instanceof IntegrityAction.Enter en
                    && en.caller().vcpu() == id
                    && before.driver().isPresent()
                    && en.caller().instructionPointer() == before.driver().get().entryPoint();
            if (entered && !legit) {
                return Optional.of(Notation.vcpu(id) + " entered integrity mode (" + action + "); "
                        + before.driver().map(Object::toString).orElse("no driver"));
            }
        }
        if (action instanceof IntegrityAction.Enter en
                && before.vcpus().containsKey(en.caller().vcpu())
                && before.vcpus().get(en.caller().vcpu()).mode() == Mode.NORMAL
                && before.driver()
                        .map(d -> d.entryPoint() != en.caller().instructionPointer())
                        .orElse(true)) {
            boolean alerted = t.observations()
                    .contains(new IntegrityObservation.PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, en.caller()));
            boolean stayed = t.after().vcpus().get(en.caller().vcpu()).mode() == Mode.NORMAL;
            return violatedUnless(
                    alerted && stayed,
                    "call from " + Long.toHexString(en.caller().instructionPointer()) + ": alerted=" + alerted
                            + " stayedNormal=" + stayed);
        }
        return Optional.empty();
    }

    private static Optional<String> driverPagesAlertOutsideIntegrityMode(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        if (t.action() instanceof IntegrityAction.GuestWrite w
                && writerIn(before, w.writer(), Mode.NORMAL)
                && before.driver().map(d -> d.owns(w.page())).orElse(false)) {
            boolean ok = t.observations()
                    .contains(new IntegrityObservation.WriteAlert(
                            w.page(), IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, w.writer()));
            return violatedUnless(
                    ok,
                    "normal-mode write to driver page " + Notation.gpp(w.page()) + " gave " + t.observations()
                            + " (vCPU " + before.vcpus().get(w.writer().vcpu()) + ")");
        }
        return Optional.empty();
    }

    private static Optional<String> ownDataQuietInIntegrityMode(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        if (t.action() instanceof IntegrityAction.GuestWrite w
                && driverWrites(before, w.writer())
                && before.driver().map(d -> d.data().contains(w.page())).orElse(false)) {
            return violatedUnless(
                    t.observations().isEmpty(),
                    "integrity-mode write to own data page " + Notation.gpp(w.page()) + " gave " + t.observations());
        }
        return Optional.empty();
    }

    private static Optional<String> viewFollowsMode(IntegrityState s) {
        List<String> bad = new ArrayList<>();
        s.vcpus().forEach((id, v) -> {
            if ((v.view() == View.INTEGRITY) != (v.mode() == Mode.INTEGRITY)) {
                bad.add("vCPU " + id + " " + v);
            }
        });
        return violatedUnless(bad.isEmpty(), "view and mode disagree: " + bad);
    }

    private static Optional<String> requestsOnlyFromIntegrityMode(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        IntegrityAction action = t.action();
        Writer caller = action instanceof IntegrityAction.Protect p
                ? p.caller()
                : action instanceof IntegrityAction.Unprotect u ? u.caller() : null;
        boolean changed = !before.protections().equals(t.after().protections());
        if (caller == null) {
            return violatedUnless(!changed, "protections changed by " + action);
        }
        if (before.vcpus().containsKey(caller.vcpu()) && !writerIn(before, caller, Mode.INTEGRITY)) {
            boolean alerted = t.observations()
                    .contains(new IntegrityObservation.PolicyAlert(IntegrityAlertCause.REFUSED_REQUEST, caller));
            return violatedUnless(
                    !changed && alerted, "request from normal mode: changed=" + changed + " alerted=" + alerted);
        }
        return violatedUnless(
                !changed || before.vcpus().containsKey(caller.vcpu()), "protections changed by an unknown vCPU");
    }

    private static Optional<String> protectionsPersist(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        IntegrityAction action = t.action();
        for (Map.Entry<Long, AlertAction> e : before.protections().entrySet()) {
            if (e.getValue() == t.after().protections().get(e.getKey())) {
                continue;
            }
            boolean removedLegitimately = action instanceof IntegrityAction.Unprotect u
                    && writerIn(before, u.caller(), Mode.INTEGRITY)
                    && u.length() > 0
                    && u.start() >= 0
                    && e.getKey() >= (u.start() >>> PageRange.PAGE_SHIFT)
                    && e.getKey() < ((u.start() + u.length()) >>> PageRange.PAGE_SHIFT)
                    && !t.after().protections().containsKey(e.getKey());
            if (!removedLegitimately) {
                return Optional.of(Notation.gpp(e.getKey()) + " lost protection " + e.getValue() + " by " + action);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> driverPagesNotRequestable(IntegrityState s) {
        boolean ok = s.driver()
                .map(d -> s.protections().keySet().stream().noneMatch(d::owns))
                .orElse(true);
        return violatedUnless(ok, "a driver page is in the request table");
    }

    private static Optional<String> otherProtectedPagesAlertInIntegrityMode(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        if (!(t.action() instanceof IntegrityAction.GuestWrite w)
                || !driverWrites(before, w.writer())
                || before.driver().map(d -> d.data().contains(w.page())).orElse(false)) {
            return Optional.empty();
        }
        IntegrityObservation expected = null;
        if (before.driver().map(d -> d.code().contains(w.page())).orElse(false)) {
            expected = new IntegrityObservation.WriteAlert(
                    w.page(), IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, w.writer());
        } else if (before.protections().containsKey(w.page())) {
            expected = new IntegrityObservation.WriteAlert(
                    w.page(),
                    IntegrityAlertCause.PROTECTED_PAGE,
                    before.protections().get(w.page()),
                    w.writer());
        }
        boolean ok = expected == null || t.observations().equals(List.of(expected));
        return violatedUnless(
                ok,
                "integrity-mode write to " + Notation.gpp(w.page()) + " gave " + t.observations() + ", expected "
                        + expected);
    }

    private static Optional<String> onlyDriverCodeRunsInIntegrityMode(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        IntegrityState before = t.before();
        IntegrityAction action = t.action();
        Optional<Writer> caller = IntegrityModel.caller(action);
        int vcpu;
        String why;
        if (caller.isPresent()
                && writerIn(before, caller.get(), Mode.INTEGRITY)
                && !driverWrites(before, caller.get())) {
            vcpu = caller.get().vcpu();
            why = "an instruction outside the driver's code (" + action + ")";
        } else if (action instanceof IntegrityAction.Fault f && inMode(before, f.vcpu(), Mode.INTEGRITY)) {
            vcpu = f.vcpu();
            why = "a fault (" + action + ")";
        } else {
            return Optional.empty();
        }
        VcpuState after = t.after().vcpus().get(vcpu);
        boolean left = VcpuState.NORMAL.equals(after);
        boolean alerted = t.observations().equals(List.of(new IntegrityObservation.FaultAlert(vcpu)));
        boolean untouched = before.protections().equals(t.after().protections())
                && before.driver().equals(t.after().driver());
        return violatedUnless(
                left && alerted && untouched,
                why + " in integrity mode on " + Notation.vcpu(vcpu) + ": now " + after + ", seen " + t.observations()
                        + (untouched ? "" : ", protections or driver changed"));
    }

    /** Whether {@code w} runs the driver's code in integrity mode: its instruction is the driver's. */
    public static boolean driverWrites(IntegrityState s, Writer w) {
        return writerIn(s, w, Mode.INTEGRITY)
                && s.driver()
                        .map(d -> d.runs(w.instructionPointer(), w.privilege()))
                        .orElse(false);
    }

    private static boolean inMode(IntegrityState s, int vcpu, Mode mode) {
        VcpuState v = s.vcpus().get(vcpu);
        return v != null && v.mode() == mode;
    }

    private static Optional<String> violatedUnless(boolean holds, String detail) {
        return holds ? Optional.empty() : Optional.of(detail);
    }

    private static boolean writerIn(IntegrityState s, Writer w, Mode mode) {
        VcpuState v = s.vcpus().get(w.vcpu());
        return v != null && v.mode() == mode;
    }
}
