package org.hvproof.model.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Verdict;
import org.hvproof.model.tree.Writer;

/**
 * The GI claims as small named predicates, one per claim id (names match
 * {@code specs/integrity.als}); {@link #all} joins them.
 */
public final class IntegrityInvariants {
    private IntegrityInvariants() {}

    /** GI-1 Integrity mode is entered only at the registered entry point; elsewhere: normal mode and an alert. */
    public static Verdict gi1EntryOnlyAtEntryPoint(IntegrityState before, IntegrityAction action, IntegrityStep step) {
        for (Map.Entry<Integer, VcpuState> e : before.vcpus().entrySet()) {
            int id = e.getKey();
            boolean entered = e.getValue().mode() == Mode.NORMAL
                    && step.next().vcpus().get(id).mode() == Mode.INTEGRITY;
            boolean legit = action instanceof IntegrityAction.Enter en
                    && en.caller().vcpu() == id
                    && before.driver().isPresent()
                    && en.caller().instructionPointer() == before.driver().get().entryPoint();
            if (entered && !legit) {
                return Verdict.check(
                        "GI-1",
                        "entryOnlyAtEntryPoint",
                        false,
                        "vCPU " + id + " entered integrity mode by " + action + "; driver " + before.driver());
            }
        }
        if (action instanceof IntegrityAction.Enter en
                && before.vcpus().containsKey(en.caller().vcpu())
                && before.vcpus().get(en.caller().vcpu()).mode() == Mode.NORMAL
                && before.driver()
                        .map(d -> d.entryPoint() != en.caller().instructionPointer())
                        .orElse(true)) {
            boolean alerted = step.observations()
                    .contains(new IntegrityObservation.PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, en.caller()));
            boolean stayed = step.next().vcpus().get(en.caller().vcpu()).mode() == Mode.NORMAL;
            return Verdict.check(
                    "GI-1",
                    "entryOnlyAtEntryPoint",
                    alerted && stayed,
                    "call from " + Long.toHexString(en.caller().instructionPointer()) + ": alerted=" + alerted
                            + " stayedNormal=" + stayed);
        }
        return Verdict.ok("GI-1", "entryOnlyAtEntryPoint");
    }

    /** GI-2 Outside integrity mode, every write to the driver's code or data pages alerts. */
    public static Verdict gi2DriverPagesAlertOutsideIntegrityMode(
            IntegrityState before, IntegrityAction action, IntegrityStep step) {
        if (action instanceof IntegrityAction.GuestWrite w
                && writerIn(before, w.writer(), Mode.NORMAL)
                && before.driver().map(d -> d.owns(w.page())).orElse(false)) {
            boolean ok = step.observations()
                    .contains(new IntegrityObservation.WriteAlert(
                            w.page(), IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, w.writer()));
            return Verdict.check(
                    "GI-2",
                    "driverPagesAlertOutsideIntegrityMode",
                    ok,
                    "normal-mode write to driver page " + w.page() + " gave " + step.observations() + " (vCPU "
                            + before.vcpus().get(w.writer().vcpu()) + ")");
        }
        return Verdict.ok("GI-2", "driverPagesAlertOutsideIntegrityMode");
    }

    /** GI-3 Inside integrity mode, writes to the driver's own data pages never alert. */
    public static Verdict gi3OwnDataQuietInIntegrityMode(
            IntegrityState before, IntegrityAction action, IntegrityStep step) {
        if (action instanceof IntegrityAction.GuestWrite w
                && writerIn(before, w.writer(), Mode.INTEGRITY)
                && before.driver().map(d -> d.data().contains(w.page())).orElse(false)) {
            return Verdict.check(
                    "GI-3",
                    "ownDataQuietInIntegrityMode",
                    step.observations().isEmpty(),
                    "integrity-mode write to own data page " + w.page() + " gave " + step.observations());
        }
        return Verdict.ok("GI-3", "ownDataQuietInIntegrityMode");
    }

    /** GI-4 A vCPU runs on the integrity view if and only if it is in integrity mode. */
    public static Verdict gi4ViewFollowsMode(IntegrityState s) {
        List<String> bad = new ArrayList<>();
        s.vcpus().forEach((id, v) -> {
            if ((v.view() == View.INTEGRITY) != (v.mode() == Mode.INTEGRITY)) {
                bad.add("vCPU " + id + " " + v);
            }
        });
        return Verdict.check("GI-4", "viewFollowsMode", bad.isEmpty(), "view and mode disagree: " + bad);
    }

    /** GI-5 Requests take effect only from integrity mode; from elsewhere they change nothing and alert. */
    public static Verdict gi5RequestsOnlyFromIntegrityMode(
            IntegrityState before, IntegrityAction action, IntegrityStep step) {
        Writer caller = action instanceof IntegrityAction.Protect p
                ? p.caller()
                : action instanceof IntegrityAction.Unprotect u ? u.caller() : null;
        boolean changed = !before.protections().equals(step.next().protections());
        if (caller == null) {
            return Verdict.check("GI-5", "requestsOnlyFromIntegrityMode", !changed, "protections changed by " + action);
        }
        if (before.vcpus().containsKey(caller.vcpu()) && !writerIn(before, caller, Mode.INTEGRITY)) {
            boolean alerted = step.observations()
                    .contains(new IntegrityObservation.PolicyAlert(IntegrityAlertCause.REFUSED_REQUEST, caller));
            return Verdict.check(
                    "GI-5",
                    "requestsOnlyFromIntegrityMode",
                    !changed && alerted,
                    "request from normal mode: changed=" + changed + " alerted=" + alerted);
        }
        return Verdict.check(
                "GI-5",
                "requestsOnlyFromIntegrityMode",
                !changed || before.vcpus().containsKey(caller.vcpu()),
                "protections changed by an unknown vCPU");
    }

    /** GI-6 A protected page stays protected until removed by a request from integrity mode. */
    public static Verdict gi6ProtectionsPersist(IntegrityState before, IntegrityAction action, IntegrityStep step) {
        for (Map.Entry<Long, AlertAction> e : before.protections().entrySet()) {
            if (e.getValue() == step.next().protections().get(e.getKey())) {
                continue;
            }
            boolean removedLegitimately = action instanceof IntegrityAction.Unprotect u
                    && writerIn(before, u.caller(), Mode.INTEGRITY)
                    && u.length() > 0
                    && u.start() >= 0
                    && e.getKey() >= (u.start() >>> PageRange.PAGE_SHIFT)
                    && e.getKey() < ((u.start() + u.length()) >>> PageRange.PAGE_SHIFT)
                    && !step.next().protections().containsKey(e.getKey());
            if (!removedLegitimately) {
                return Verdict.check(
                        "GI-6",
                        "protectionsPersist",
                        false,
                        "page " + e.getKey() + " lost protection " + e.getValue() + " by " + action);
            }
        }
        return Verdict.ok("GI-6", "protectionsPersist");
    }

    /** GI-7 Inside integrity mode, a write to a protected page other than the driver's own data alerts with its action. */
    public static Verdict gi7OtherProtectedPagesAlertInIntegrityMode(
            IntegrityState before, IntegrityAction action, IntegrityStep step) {
        if (!(action instanceof IntegrityAction.GuestWrite w)
                || !writerIn(before, w.writer(), Mode.INTEGRITY)
                || before.driver().map(d -> d.data().contains(w.page())).orElse(false)) {
            return Verdict.ok("GI-7", "otherProtectedPagesAlertInIntegrityMode");
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
        boolean ok = expected == null || step.observations().equals(List.of(expected));
        return Verdict.check(
                "GI-7",
                "otherProtectedPagesAlertInIntegrityMode",
                ok,
                "integrity-mode write to page " + w.page() + " gave " + step.observations() + ", expected " + expected);
    }

    /** GI-6 (support) Requested protections never cover driver pages, which registration protects. */
    public static Verdict gi6DriverPagesNotRequestable(IntegrityState s) {
        boolean ok = s.driver()
                .map(d -> s.protections().keySet().stream().noneMatch(d::owns))
                .orElse(true);
        return Verdict.check("GI-6", "driverPagesNotRequestable", ok, "a driver page is in the request table");
    }

    /** Every state invariant. */
    public static List<Verdict> all(IntegrityState s) {
        return List.of(gi4ViewFollowsMode(s), gi6DriverPagesNotRequestable(s));
    }

    /** Every step invariant, then every state invariant of the next state. */
    public static List<Verdict> all(IntegrityState before, IntegrityAction action, IntegrityStep step) {
        List<Verdict> out = new ArrayList<>(List.of(
                gi1EntryOnlyAtEntryPoint(before, action, step),
                gi2DriverPagesAlertOutsideIntegrityMode(before, action, step),
                gi3OwnDataQuietInIntegrityMode(before, action, step),
                gi5RequestsOnlyFromIntegrityMode(before, action, step),
                gi6ProtectionsPersist(before, action, step),
                gi7OtherProtectedPagesAlertInIntegrityMode(before, action, step)));
        out.addAll(all(step.next()));
        return out;
    }

    /** Throws on the first invariant that does not hold. */
    public static void assertAll(IntegrityState before, IntegrityAction action, IntegrityStep step) {
        all(before, action, step).forEach(Verdict::orThrow);
    }

    private static boolean writerIn(IntegrityState s, Writer w, Mode mode) {
        VcpuState v = s.vcpus().get(w.vcpu());
        return v != null && v.mode() == mode;
    }
}
