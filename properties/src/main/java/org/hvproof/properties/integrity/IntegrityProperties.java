package org.hvproof.properties.integrity;

import java.util.function.Consumer;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.Transition;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;

/**
 * The GI claims over generated traces. Each property runs traces of the machine and the model in
 * lockstep and checks, after every action, the claim's own invariants (the model's
 * {@link IntegrityInvariants}, named as in {@code integrity.als}) on the machine's step read through the
 * abstraction function; where the claim speaks of an alert's action, that the action was performed
 * on memory; then refinement. Coverage minimums fail a property whose traces do not reach the
 * situations its claim speaks of.
 */
public final class IntegrityProperties {
    /** Default tries per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Actions per trace, at most. */
    public static final int STEPS = 35;

    private IntegrityProperties() {}

    /** GI-1: integrity mode is entered only at the registered entry point; any other attempt stays normal and alerts. */
    @Claim("GI-1")
    public static StatefulProperty<IntegrityTrace> entryOnlyAtTheEntryPoint() {
        return entryOnlyAtTheEntryPoint(IntegrityImplFlaw.NONE);
    }

    /** GI-1 against a given service, so tests can show a flawed one is caught. */
    public static StatefulProperty<IntegrityTrace> entryOnlyAtTheEntryPoint(IntegrityImplFlaw flaw) {
        return base("GI-1 integrity mode is entered only at the entry point", flaw)
                .assertion(
                        IntegrityInvariants.ENTRY_ONLY_AT_ENTRY_POINT.label(),
                        step(IntegrityInvariants.ENTRY_ONLY_AT_ENTRY_POINT))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(60, IntegrityLabels.ENTERED)
                .cover(35, IntegrityLabels.WRONG_ENTRY_ALERT)
                .cover(25, IntegrityLabels.WRONG_OFFSET_IN_ENTRY_PAGE);
    }

    /** GI-2: outside integrity mode every write to the driver's code or data alerts (and is blocked). */
    @Claim("GI-2")
    public static StatefulProperty<IntegrityTrace> driverPagesAlertOutsideIntegrityMode() {
        return driverPagesAlertOutsideIntegrityMode(IntegrityImplFlaw.NONE);
    }

    /** GI-2 against a given service. */
    public static StatefulProperty<IntegrityTrace> driverPagesAlertOutsideIntegrityMode(IntegrityImplFlaw flaw) {
        return base("GI-2 driver pages alert outside integrity mode", flaw)
                .assertion(
                        IntegrityInvariants.DRIVER_PAGES_ALERT_OUTSIDE_INTEGRITY_MODE.label(),
                        step(IntegrityInvariants.DRIVER_PAGES_ALERT_OUTSIDE_INTEGRITY_MODE))
                .assertion(
                        "GI-2 alertActionPerformed",
                        t -> t.checkAlertActionPerformed((s, w) ->
                                IntegrityTrace.writerIn(s, w, Mode.NORMAL) && IntegrityTrace.driverPage(s, w)))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(45, IntegrityLabels.DRIVER_PAGE_ALERT_IN_NORMAL_MODE)
                .cover(50, IntegrityLabels.BLOCKED_WRITE);
    }

    /** GI-3: inside integrity mode the driver's writes to its own data never alert (and complete). */
    @Claim("GI-3")
    public static StatefulProperty<IntegrityTrace> ownDataQuietInIntegrityMode() {
        return ownDataQuietInIntegrityMode(IntegrityImplFlaw.NONE);
    }

    /** GI-3 against a given service. */
    public static StatefulProperty<IntegrityTrace> ownDataQuietInIntegrityMode(IntegrityImplFlaw flaw) {
        return base("GI-3 own data is quiet in integrity mode", flaw)
                .assertion(
                        IntegrityInvariants.OWN_DATA_QUIET_IN_INTEGRITY_MODE.label(),
                        step(IntegrityInvariants.OWN_DATA_QUIET_IN_INTEGRITY_MODE))
                .assertion(
                        "GI-3 alertActionPerformed",
                        t -> t.checkAlertActionPerformed((s, w) ->
                                IntegrityTrace.writerIn(s, w, Mode.INTEGRITY) && IntegrityTrace.ownData(s, w)))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(45, IntegrityLabels.QUIET_OWN_DATA_WRITE);
    }

    /** GI-4: a vCPU runs on the integrity view exactly while in integrity mode; exit, interrupt and fault restore the protected view. */
    @Claim("GI-4")
    public static StatefulProperty<IntegrityTrace> viewFollowsMode() {
        return viewFollowsMode(IntegrityImplFlaw.NONE);
    }

    /** GI-4 against a given service. */
    public static StatefulProperty<IntegrityTrace> viewFollowsMode(IntegrityImplFlaw flaw) {
        return base("GI-4 the integrity view is used exactly in integrity mode", flaw)
                .assertion(IntegrityInvariants.VIEW_FOLLOWS_MODE.label(), state(IntegrityInvariants.VIEW_FOLLOWS_MODE))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(30, IntegrityLabels.EXIT)
                .cover(30, IntegrityLabels.INTERRUPT_EXIT)
                .cover(20, IntegrityLabels.FAULT_EXIT);
    }

    /** GI-5: protection requests take effect only from integrity mode; elsewhere they change nothing and alert. */
    @Claim("GI-5")
    public static StatefulProperty<IntegrityTrace> requestsOnlyFromIntegrityMode() {
        return requestsOnlyFromIntegrityMode(IntegrityImplFlaw.NONE);
    }

    /** GI-5 against a given service. */
    public static StatefulProperty<IntegrityTrace> requestsOnlyFromIntegrityMode(IntegrityImplFlaw flaw) {
        return base("GI-5 requests take effect only from integrity mode", flaw)
                .assertion(
                        IntegrityInvariants.REQUESTS_ONLY_FROM_INTEGRITY_MODE.label(),
                        step(IntegrityInvariants.REQUESTS_ONLY_FROM_INTEGRITY_MODE))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(40, IntegrityLabels.REFUSED_REQUEST)
                .cover(50, IntegrityLabels.PROTECTED)
                .cover(40, IntegrityLabels.BAD_ARGUMENTS_REFUSED);
    }

    /** GI-6: a protected page stays protected until a request from integrity mode removes it. */
    @Claim("GI-6")
    public static StatefulProperty<IntegrityTrace> protectionsPersist() {
        return protectionsPersist(IntegrityImplFlaw.NONE);
    }

    /** GI-6 against a given service. */
    public static StatefulProperty<IntegrityTrace> protectionsPersist(IntegrityImplFlaw flaw) {
        return base("GI-6 protections persist until removed from integrity mode", flaw)
                .assertion(
                        IntegrityInvariants.PROTECTIONS_PERSIST.label(), step(IntegrityInvariants.PROTECTIONS_PERSIST))
                .assertion(
                        IntegrityInvariants.DRIVER_PAGES_NOT_REQUESTABLE.label(),
                        state(IntegrityInvariants.DRIVER_PAGES_NOT_REQUESTABLE))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(25, IntegrityLabels.UNPROTECTED)
                .cover(10, IntegrityLabels.PROTECTION_SURVIVED_REFUSED_REMOVAL)
                .cover(40, IntegrityLabels.BAD_ARGUMENTS_REFUSED);
    }

    /** GI-7: inside integrity mode a write to any protected page but the driver's own data still performs its action. */
    @Claim("GI-7")
    public static StatefulProperty<IntegrityTrace> otherProtectedPagesAlertInIntegrityMode() {
        return otherProtectedPagesAlertInIntegrityMode(IntegrityImplFlaw.NONE);
    }

    /** GI-7 against a given service. */
    public static StatefulProperty<IntegrityTrace> otherProtectedPagesAlertInIntegrityMode(IntegrityImplFlaw flaw) {
        return base("GI-7 other protected pages alert in integrity mode", flaw)
                .assertion(
                        IntegrityInvariants.OTHER_PROTECTED_PAGES_ALERT_IN_INTEGRITY_MODE.label(),
                        step(IntegrityInvariants.OTHER_PROTECTED_PAGES_ALERT_IN_INTEGRITY_MODE))
                .assertion(
                        "GI-7 alertActionPerformed",
                        t -> t.checkAlertActionPerformed((s, w) ->
                                IntegrityTrace.writerIn(s, w, Mode.INTEGRITY) && !IntegrityTrace.ownData(s, w)))
                .assertion("refinement: machine and model agree", IntegrityTrace::checkRefinement)
                .cover(28, IntegrityLabels.PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE)
                .cover(15, IntegrityLabels.DRIVER_CODE_ALERT_IN_INTEGRITY_MODE)
                .cover(20, IntegrityLabels.RECORDED_AND_ALLOWED_WRITE);
    }

    /** The common trace: the machine with {@code flaw} and the model in lockstep; checks are added by each claim. */
    private static StatefulProperty<IntegrityTrace> base(String name, IntegrityImplFlaw flaw) {
        String suffix = flaw == IntegrityImplFlaw.NONE ? "" : " [flaw " + flaw + "]";
        return StatefulProperty.<IntegrityTrace>named(name + suffix)
                .initial(() -> new IntegrityTrace(flaw))
                .actions(IntegrityActions::next)
                .steps(STEPS)
                .tries(TRIES)
                .describeState(IntegrityTrace::describe);
    }

    /** A step invariant of the model, judged on the machine's last step (nothing before the first). */
    private static Consumer<IntegrityTrace> step(
            Invariant<Transition<IntegrityState, IntegrityAction, IntegrityObservation>> invariant) {
        return t -> {
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> last = t.lastTransition();
            if (last != null) {
                invariant.assertHolds(last);
            }
        };
    }

    /** A state invariant of the model, judged on the machine's state read through the abstraction function. */
    private static Consumer<IntegrityTrace> state(Invariant<IntegrityState> invariant) {
        return t -> invariant.assertHolds(t.machineState());
    }
}
