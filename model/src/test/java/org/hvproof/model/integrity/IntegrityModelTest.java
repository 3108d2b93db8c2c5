package org.hvproof.model.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Transition;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IntegrityModelTest {
    private static final long PAGE = PageRange.PAGE_SIZE;
    private static final long CODE = 100;
    private static final long DATA = 110;
    private static final long ENTRY = CODE * PAGE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);
    private static final Writer OTHER = new Writer(1, 0x7000, 3);

    private IntegrityModelFlaw flaw = IntegrityModelFlaw.NONE;
    private IntegrityState state = IntegrityState.initial(IntegrityConfig.small());

    private IntegrityStep apply(IntegrityAction a) {
        IntegrityStep s = IntegrityModel.step(state, a, flaw);
        if (flaw == IntegrityModelFlaw.NONE) {
            IntegrityInvariants.ALL.checkStep(s.from(state, a)).forEach(ClaimCheck::orThrow);
        }
        state = s.next();
        return s;
    }

    private void registerAndEnter() {
        apply(new IntegrityAction.Register(DRIVER, CODE * PAGE, 2 * PAGE, DATA * PAGE, 2 * PAGE, ENTRY));
        apply(new IntegrityAction.Enter(DRIVER));
    }

    private static IntegrityObservation.RequestResult ok() {
        return new IntegrityObservation.RequestResult(IntegrityCode.OK);
    }

    @Test
    void enteringAtTheRegisteredEntryPointSwitchesModeAndView() {
        registerAndEnter();
        assertThat(state.vcpus().get(0)).isEqualTo(new VcpuState(Mode.INTEGRITY, View.INTEGRITY));
    }

    @Test
    void enteringFromAnotherOffsetOfTheEntryPageAlertsAndStaysNormal() {
        apply(new IntegrityAction.Register(DRIVER, CODE * PAGE, 2 * PAGE, DATA * PAGE, 2 * PAGE, ENTRY));
        Writer jump = new Writer(1, ENTRY + 8, 0);
        assertThat(apply(new IntegrityAction.Enter(jump)).observations())
                .containsExactly(
                        new IntegrityObservation.PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, jump),
                        new IntegrityObservation.RequestResult(IntegrityCode.WRONG_ENTRY_POINT));
        assertThat(state.vcpus().get(1).mode()).isEqualTo(Mode.NORMAL);
    }

    @Test
    void aSecondRegistrationIsRefusedAndAlerted() {
        registerAndEnter();
        IntegrityState before = state;
        Writer evil = new Writer(1, 0x9000, 0);
        assertThat(apply(new IntegrityAction.Register(evil, 0, PAGE, PAGE, PAGE, 0))
                        .observations())
                .contains(new IntegrityObservation.PolicyAlert(IntegrityAlertCause.SECOND_REGISTRATION, evil));
        assertThat(state).isEqualTo(before);
    }

    @Test
    void normalModeWritesToDriverPagesAlert() {
        registerAndEnter();
        for (long p : List.of(CODE, CODE + 1, DATA, DATA + 1)) {
            assertThat(apply(new IntegrityAction.GuestWrite(OTHER, p * PAGE)).observations())
                    .containsExactly(new IntegrityObservation.WriteAlert(
                            p, IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, OTHER));
        }
    }

    @Test
    void integrityModeWritesToOwnDataAreQuietButOtherProtectedPagesStillAlert() {
        registerAndEnter();
        assertThat(apply(new IntegrityAction.Protect(
                                DRIVER, 5 * PAGE, PAGE, AlertAction.RECORD_AND_ALLOW.requestCode()))
                        .observations())
                .containsExactly(ok());
        assertThat(apply(new IntegrityAction.GuestWrite(DRIVER, DATA * PAGE + 16))
                        .observations())
                .isEmpty();
        assertThat(apply(new IntegrityAction.GuestWrite(DRIVER, 5 * PAGE)).observations())
                .containsExactly(new IntegrityObservation.WriteAlert(
                        5, IntegrityAlertCause.PROTECTED_PAGE, AlertAction.RECORD_AND_ALLOW, DRIVER));
        assertThat(apply(new IntegrityAction.GuestWrite(DRIVER, CODE * PAGE)).observations())
                .containsExactly(new IntegrityObservation.WriteAlert(
                        CODE, IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, DRIVER));
    }

    @Test
    void exitInterruptAndFaultAllRestoreTheProtectedView() {
        for (IntegrityAction out : List.<IntegrityAction>of(
                new IntegrityAction.Exit(DRIVER),
                new IntegrityAction.Interrupt(0, 32),
                new IntegrityAction.Fault(0, 14))) {
            state = IntegrityState.initial(IntegrityConfig.small());
            registerAndEnter();
            apply(out);
            assertThat(state.vcpus().get(0)).as(out.toString()).isEqualTo(VcpuState.NORMAL);
            assertThat(apply(new IntegrityAction.GuestWrite(DRIVER, DATA * PAGE))
                            .observations())
                    .hasSize(1);
        }
    }

    @Test
    void requestsFromNormalModeAreRefusedAlertedAndChangeNothing() {
        registerAndEnter();
        apply(new IntegrityAction.Protect(DRIVER, 5 * PAGE, PAGE, 2));
        apply(new IntegrityAction.Exit(DRIVER));
        IntegrityState before = state;
        assertThat(apply(new IntegrityAction.Unprotect(OTHER, 5 * PAGE, PAGE)).observations())
                .containsExactly(
                        new IntegrityObservation.PolicyAlert(IntegrityAlertCause.REFUSED_REQUEST, OTHER),
                        new IntegrityObservation.RequestResult(IntegrityCode.NOT_IN_INTEGRITY_MODE));
        apply(new IntegrityAction.Protect(OTHER, 7 * PAGE, PAGE, 1));
        assertThat(state).isEqualTo(before);
    }

    @Test
    void hostileRequestsFromIntegrityModeGetCodesAndChangeNothing() {
        registerAndEnter();
        IntegrityState before = state;
        record Case(IntegrityAction a, IntegrityCode code) {}
        for (Case c : List.of(
                new Case(new IntegrityAction.Protect(DRIVER, 5 * PAGE + 3, PAGE, 1), IntegrityCode.UNALIGNED),
                new Case(new IntegrityAction.Protect(DRIVER, 5 * PAGE, 0, 1), IntegrityCode.EMPTY),
                new Case(
                        new IntegrityAction.Protect(DRIVER, 0, Long.MAX_VALUE & ~(PAGE - 1), 1),
                        IntegrityCode.TOO_LARGE),
                new Case(new IntegrityAction.Protect(DRIVER, 2000 * PAGE, PAGE, 1), IntegrityCode.OUT_OF_RANGE),
                new Case(new IntegrityAction.Protect(DRIVER, 5 * PAGE, PAGE, 7), IntegrityCode.UNKNOWN_ACTION),
                new Case(new IntegrityAction.Protect(DRIVER, DATA * PAGE, PAGE, 1), IntegrityCode.DRIVER_PAGE),
                new Case(new IntegrityAction.Unprotect(DRIVER, CODE * PAGE, PAGE), IntegrityCode.DRIVER_PAGE),
                new Case(new IntegrityAction.Unprotect(DRIVER, 5 * PAGE, PAGE), IntegrityCode.NOT_PROTECTED),
                new Case(
                        new IntegrityAction.Protect(new Writer(9, 0, 0), 5 * PAGE, PAGE, 1),
                        IntegrityCode.UNKNOWN_VCPU))) {
            assertThat(apply(c.a()).observations())
                    .as(c.toString())
                    .containsExactly(new IntegrityObservation.RequestResult(c.code()));
            assertThat(state).isEqualTo(before);
        }
    }

    @Test
    void randomMixedTracesKeepEveryInvariant() {
        Random rnd = new Random(7);
        for (int i = 0; i < 3000; i++) {
            int vcpu = rnd.nextInt(3);
            long ip = rnd.nextInt(4) == 0 ? ENTRY : ENTRY + 8 * rnd.nextInt(3);
            Writer w = new Writer(vcpu, ip, rnd.nextInt(2) * 3);
            long page = rnd.nextInt(120);
            IntegrityAction a = switch (rnd.nextInt(8)) {
                case 0 -> new IntegrityAction.Register(w, CODE * PAGE, 2 * PAGE, DATA * PAGE, PAGE, ENTRY);
                case 1 -> new IntegrityAction.Enter(w);
                case 2 -> new IntegrityAction.Exit(w);
                case 3 ->
                    rnd.nextBoolean() ? new IntegrityAction.Interrupt(vcpu, 32) : new IntegrityAction.Fault(vcpu, 13);
                case 4 -> new IntegrityAction.Protect(w, page * PAGE, (1 + rnd.nextInt(3)) * PAGE, rnd.nextInt(4));
                case 5 -> new IntegrityAction.Unprotect(w, page * PAGE, PAGE);
                default -> new IntegrityAction.GuestWrite(w, page * PAGE + rnd.nextInt(4096));
            };
            apply(a);
        }
    }

    @Test
    @DisplayName("GI-4 GI-2 an exit that keeps the integrity view is caught")
    void exitKeepingTheIntegrityViewIsCaught() {
        flaw = IntegrityModelFlaw.EXIT_KEEPS_INTEGRITY_VIEW;
        registerAndEnter();
        apply(new IntegrityAction.Exit(DRIVER));
        assertThatThrownBy(() -> IntegrityInvariants.VIEW_FOLLOWS_MODE.assertHolds(state))
                .hasMessageStartingWith("GI-4 viewFollowsMode violated: view and mode disagree");
        IntegrityAction w = new IntegrityAction.GuestWrite(DRIVER, DATA * PAGE);
        assertThat(IntegrityInvariants.DRIVER_PAGES_ALERT_OUTSIDE_INTEGRITY_MODE
                        .check(IntegrityModel.step(state, w, flaw).from(state, w))
                        .holds())
                .isFalse();
    }

    @Test
    @DisplayName("GI-8 the driver runs any of its code; an instruction from its data faults out with an alert")
    void onlyTheDriversCodeRunsInIntegrityMode() {
        registerAndEnter();
        Writer awayFromEntry = new Writer(0, (CODE + 1) * PAGE + 0xff8, 0);
        assertThat(apply(new IntegrityAction.Protect(awayFromEntry, 5 * PAGE, PAGE, 2))
                        .observations())
                .containsExactly(new IntegrityObservation.RequestResult(IntegrityCode.OK));
        Writer fromData = new Writer(0, DATA * PAGE, 0);
        assertThat(apply(new IntegrityAction.Unprotect(fromData, 5 * PAGE, PAGE))
                        .observations())
                .containsExactly(new IntegrityObservation.FaultAlert(0));
        assertThat(state.vcpus().get(0)).isEqualTo(VcpuState.NORMAL);
        assertThat(state.protections()).containsKey(5L);
    }

    @Test
    @DisplayName("GI-8 user mode in integrity mode, and any fault there, end it with an alert; an interrupt without")
    void userModeAndFaultsEndIntegrityModeWithAnAlert() {
        registerAndEnter();
        assertThat(apply(new IntegrityAction.Exit(new Writer(0, ENTRY, 3))).observations())
                .containsExactly(new IntegrityObservation.FaultAlert(0));
        apply(new IntegrityAction.Enter(DRIVER));
        assertThat(apply(new IntegrityAction.Fault(0, 14)).observations())
                .containsExactly(new IntegrityObservation.FaultAlert(0));
        apply(new IntegrityAction.Enter(DRIVER));
        assertThat(apply(new IntegrityAction.Interrupt(0, 32)).observations()).isEmpty();
        assertThat(state.vcpus().get(0)).isEqualTo(VcpuState.NORMAL);
    }

    @Test
    @DisplayName("GI-8 a model that runs instructions from anywhere is caught")
    void fetchesFromAnywhereAreCaught() {
        flaw = IntegrityModelFlaw.FETCH_UNCHECKED;
        registerAndEnter();
        IntegrityAction p = new IntegrityAction.Protect(new Writer(0, DATA * PAGE, 0), 5 * PAGE, PAGE, 2);
        assertThat(IntegrityInvariants.ONLY_DRIVER_CODE_RUNS_IN_INTEGRITY_MODE
                        .check(IntegrityModel.step(state, p, flaw).from(state, p))
                        .detail())
                .contains("outside the driver's code");
    }

    @Test
    @DisplayName("GI-1 a page-only entry check is caught")
    void pageOnlyEntryCheckIsCaught() {
        flaw = IntegrityModelFlaw.ENTRY_CHECKS_PAGE_ONLY;
        apply(new IntegrityAction.Register(DRIVER, CODE * PAGE, 2 * PAGE, DATA * PAGE, 2 * PAGE, ENTRY));
        IntegrityAction jump = new IntegrityAction.Enter(new Writer(1, ENTRY + 8, 0));
        assertThat(IntegrityInvariants.ENTRY_ONLY_AT_ENTRY_POINT
                        .check(IntegrityModel.step(state, jump, flaw).from(state, jump))
                        .detail())
                .contains("vCPU 1 entered");
    }

    @Test
    @DisplayName("GI-5 GI-6 requests that ignore the mode are caught")
    void requestsIgnoringModeAreCaught() {
        flaw = IntegrityModelFlaw.REQUESTS_IGNORE_MODE;
        registerAndEnter();
        apply(new IntegrityAction.Protect(DRIVER, 5 * PAGE, PAGE, 2));
        IntegrityAction u = new IntegrityAction.Unprotect(OTHER, 5 * PAGE, PAGE);
        Transition<IntegrityState, IntegrityAction, IntegrityObservation> t =
                IntegrityModel.step(state, u, flaw).from(state, u);
        assertThat(IntegrityInvariants.ALL.checkStep(t).stream()
                        .filter(c -> !c.holds())
                        .map(c -> c.claim() + " " + c.check()))
                .containsExactly("GI-5 requestsOnlyFromIntegrityMode", "GI-6 protectionsPersist");
    }

    @Test
    void everyInvariantIsNamedForItsClaim() {
        assertThat(IntegrityInvariants.ALL.claims())
                .containsExactly("GI-4", "GI-6", "GI-1", "GI-2", "GI-3", "GI-5", "GI-7", "GI-8");
        assertThat(IntegrityInvariants.ALL.forClaim("GI-6").labels())
                .containsExactly("GI-6 driverPagesNotRequestable", "GI-6 protectionsPersist");
    }
}
