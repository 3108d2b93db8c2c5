package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityObservation.PolicyAlert;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.integrity.IntegrityObservation.WriteAlert;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.integrity.VcpuState;
import org.hvproof.model.integrity.View;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/** The integrity service on the machine, one behaviour per test, through the guest's own actions. */
class IntegrityServiceTest {
    private static final long PAGE = 4096;
    private static final long CODE = 16 * PAGE;
    private static final long DATA = 18 * PAGE;
    private static final long ENTRY = CODE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);
    private static final Writer OTHER = new Writer(1, 0x1234, 0);

    private final IntegritySystem system = new IntegritySystem(IntegrityConfig.small());

    private List<IntegrityObservation> apply(IntegrityAction a) {
        return system.apply(a);
    }

    private void registerAndEnter() {
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(apply(new IntegrityAction.Enter(DRIVER))).containsExactly(new RequestResult(IntegrityCode.OK));
    }

    @Test
    void registrationWriteProtectsCodeAndDataInTheProtectedViewButOnlyCodeInTheIntegrityView() {
        registerAndEnter();
        var tracing = system.tracing();
        assertThat(tracing.isTraced(ViewId.DEFAULT, page(16))).isTrue();
        assertThat(tracing.isTraced(ViewId.DEFAULT, page(18))).isTrue();
        assertThat(tracing.isTraced(IntegrityService.INTEGRITY_VIEW, page(16))).isTrue();
        assertThat(tracing.isTraced(IntegrityService.INTEGRITY_VIEW, page(18))).isFalse();
    }

    @Test
    void theIntegrityViewExecutesTheDriversCodeAndNothingElse() {
        registerAndEnter();
        var npt = system.machine().view(IntegrityService.INTEGRITY_VIEW).orElseThrow();
        // a write by the driver backs its data page in the integrity view: without execute
        apply(new IntegrityAction.GuestWrite(DRIVER, DATA));
        assertThat(npt.leaf(page(16)).orElseThrow().permissions().execute()).isTrue();
        assertThat(npt.leaf(page(17)).orElseThrow().permissions().execute()).isTrue();
        assertThat(npt.leaf(page(18)).orElseThrow().permissions().execute()).isFalse();
        // the protected view executes everything it backs
        var protectedView = system.machine().view(ViewId.DEFAULT).orElseThrow();
        assertThat(protectedView.leaf(page(18)).orElseThrow().permissions().execute())
                .isTrue();
    }

    @Test
    void entryPutsTheInstructionPointerAtTheEntryPoint() {
        registerAndEnter();
        assertThat(system.machine().vcpus().get(0).instructionPointer()).isEqualTo(ENTRY);
    }

    @Test
    void anInstructionFromTheDriversDataFaultsOutOfIntegrityModeWithAnAlertAndDoesNothing() {
        registerAndEnter();
        Writer fromData = new Writer(0, DATA + 0x10, 0);
        assertThat(apply(new IntegrityAction.Protect(fromData, 40 * PAGE, PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new IntegrityObservation.FaultAlert(0));
        assertThat(system.integrity().mode(0)).isEqualTo(Mode.NORMAL);
        assertThat(system.machine().vcpus().get(0).view()).isEqualTo(ViewId.DEFAULT);
        assertThat(system.integrity().protections().snapshot()).isEmpty();
    }

    @Test
    void aSecondRegistrationIsRefusedAndAlerted() {
        registerAndEnter();
        assertThat(apply(new IntegrityAction.Register(OTHER, 40 * PAGE, PAGE, 41 * PAGE, PAGE, 40 * PAGE)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.SECOND_REGISTRATION, OTHER),
                        new RequestResult(IntegrityCode.ALREADY_REGISTERED));
        assertThat(system.integrity().driver().orElseThrow().entryPoint()).isEqualTo(ENTRY);
    }

    @Test
    void entryFromTheRightPageButAnotherOffsetStaysNormalAndAlerts() {
        apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
        Writer near = new Writer(1, ENTRY + 1, 0);
        assertThat(apply(new IntegrityAction.Enter(near)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, near),
                        new RequestResult(IntegrityCode.WRONG_ENTRY_POINT));
        assertThat(system.integrity().mode(1)).isEqualTo(Mode.NORMAL);
        assertThat(system.machine().vcpus().get(1).view()).isEqualTo(ViewId.DEFAULT);
    }

    @Test
    void userModeAttemptsReachTheServiceAndAreAlerted() {
        apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
        Writer user = new Writer(1, 0x40_0000, 3);
        assertThat(apply(new IntegrityAction.Enter(user)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, user),
                        new RequestResult(IntegrityCode.WRONG_ENTRY_POINT));
    }

    @Test
    void entrySwitchesToTheIntegrityViewAndEveryWayOutSwitchesBack() {
        registerAndEnter();
        var cpu = system.machine().vcpus().get(0);
        assertThat(cpu.view()).isEqualTo(IntegrityService.INTEGRITY_VIEW);
        apply(new IntegrityAction.Exit(DRIVER));
        assertThat(cpu.view()).isEqualTo(ViewId.DEFAULT);
        apply(new IntegrityAction.Enter(DRIVER));
        apply(new IntegrityAction.Interrupt(0, 32));
        assertThat(cpu.view()).isEqualTo(ViewId.DEFAULT);
        assertThat(system.integrity().mode(0)).isEqualTo(Mode.NORMAL);
        apply(new IntegrityAction.Enter(DRIVER));
        apply(new IntegrityAction.Fault(0, 14));
        assertThat(cpu.view()).isEqualTo(ViewId.DEFAULT);
    }

    @Test
    void theDriversOwnDataIsQuietInIntegrityModeAndBlockedOutsideIt() {
        registerAndEnter();
        byte[] before = system.page(18);
        assertThat(apply(new IntegrityAction.GuestWrite(DRIVER, DATA + 8))).isEmpty();
        assertThat(system.page(18)).isNotEqualTo(before);

        byte[] written = system.page(18);
        Writer attacker = new Writer(1, 0xdead000, 3);
        assertThat(apply(new IntegrityAction.GuestWrite(attacker, DATA + 8)))
                .containsExactly(new WriteAlert(18, IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, attacker));
        assertThat(system.page(18)).as("a blocked write does not complete").isEqualTo(written);
    }

    @Test
    void bothViewsSeeTheSameMemory() {
        registerAndEnter();
        apply(new IntegrityAction.GuestWrite(DRIVER, 30 * PAGE));
        assertThat(system.machine().peekGuestPage(IntegrityService.INTEGRITY_VIEW, page(30)))
                .isEqualTo(system.machine().peekGuestPage(ViewId.DEFAULT, page(30)));
    }

    @Test
    void requestsFromNormalModeAreRefusedWithAnAlertAndChangeNothing() {
        apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
        assertThat(apply(new IntegrityAction.Protect(OTHER, 40 * PAGE, PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.REFUSED_REQUEST, OTHER),
                        new RequestResult(IntegrityCode.NOT_IN_INTEGRITY_MODE));
        assertThat(apply(new IntegrityAction.Unprotect(OTHER, 40 * PAGE, PAGE)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.REFUSED_REQUEST, OTHER),
                        new RequestResult(IntegrityCode.NOT_IN_INTEGRITY_MODE));
        assertThat(system.integrity().protections().snapshot()).isEmpty();
    }

    @Test
    void aProtectedPageAlertsWithItsActionEvenInIntegrityMode() {
        registerAndEnter();
        apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, 2 * PAGE, AlertAction.RECORD_AND_ALLOW.requestCode()));
        assertThat(apply(new IntegrityAction.GuestWrite(DRIVER, 41 * PAGE + 100)))
                .containsExactly(
                        new WriteAlert(41, IntegrityAlertCause.PROTECTED_PAGE, AlertAction.RECORD_AND_ALLOW, DRIVER));
        assertThat(system.page(41)[100])
                .as("record-and-allow completes the write")
                .isNotZero();
        assertThat(apply(new IntegrityAction.GuestWrite(OTHER, 40 * PAGE)))
                .containsExactly(
                        new WriteAlert(40, IntegrityAlertCause.PROTECTED_PAGE, AlertAction.RECORD_AND_ALLOW, OTHER));
    }

    @Test
    void hostileArgumentsGetCodesNeverExceptionsNeverWeakerProtection() {
        registerAndEnter();
        apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, PAGE, AlertAction.BLOCK.requestCode()));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE + 1, PAGE, 1)))
                .containsExactly(new RequestResult(IntegrityCode.UNALIGNED));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, 0, Long.MAX_VALUE & ~(PAGE - 1), 1)))
                .containsExactly(new RequestResult(IntegrityCode.TOO_LARGE));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, -PAGE, PAGE, 1)))
                .containsExactly(new RequestResult(IntegrityCode.OUT_OF_RANGE));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, 1023 * PAGE, 2 * PAGE, 1)))
                .containsExactly(new RequestResult(IntegrityCode.OUT_OF_RANGE));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, 50 * PAGE, PAGE, 7)))
                .containsExactly(new RequestResult(IntegrityCode.UNKNOWN_ACTION));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, 0, 0, 1)))
                .containsExactly(new RequestResult(IntegrityCode.EMPTY));
        assertThat(apply(new IntegrityAction.Protect(
                        DRIVER, 40 * PAGE, PAGE, AlertAction.RECORD_AND_ALLOW.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.OVERLAPS));
        assertThat(apply(new IntegrityAction.Protect(DRIVER, DATA, PAGE, 1)))
                .containsExactly(new RequestResult(IntegrityCode.DRIVER_PAGE));
        assertThat(apply(new IntegrityAction.Unprotect(DRIVER, 40 * PAGE, 2 * PAGE)))
                .containsExactly(new RequestResult(IntegrityCode.NOT_PROTECTED));
        assertThat(system.integrity().protections().snapshot()).containsExactly(Map.entry(40L, AlertAction.BLOCK));
    }

    @Test
    void unprotectFromIntegrityModeRemovesTheTraceInBothViews() {
        registerAndEnter();
        apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, PAGE, AlertAction.BLOCK.requestCode()));
        assertThat(apply(new IntegrityAction.Unprotect(DRIVER, 40 * PAGE, PAGE)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(system.tracing().isTraced(ViewId.DEFAULT, page(40))).isFalse();
        assertThat(system.tracing().isTraced(IntegrityService.INTEGRITY_VIEW, page(40)))
                .isFalse();
        assertThat(apply(new IntegrityAction.GuestWrite(OTHER, 40 * PAGE))).isEmpty();
    }

    @Test
    void theAbstractionReadsModesViewsDriverAndEnforcedProtections() {
        registerAndEnter();
        apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, PAGE, AlertAction.BLOCK.requestCode()));
        var s = system.abstractState();
        assertThat(s.vcpus().get(0).mode()).isEqualTo(Mode.INTEGRITY);
        assertThat(s.vcpus().get(0).view()).isEqualTo(View.INTEGRITY);
        assertThat(s.vcpus().get(1)).isEqualTo(VcpuState.NORMAL);
        assertThat(s.protections()).containsExactly(Map.entry(40L, AlertAction.BLOCK));
        assertThat(s.driver()).isPresent();
    }

    @Test
    void unknownVcpusAndWildAddressesAreHarmless() {
        assertThat(apply(new IntegrityAction.Enter(new Writer(7, 0, 0))))
                .containsExactly(new RequestResult(IntegrityCode.UNKNOWN_VCPU));
        assertThat(apply(new IntegrityAction.GuestWrite(OTHER, 1L << 42))).isEmpty();
        assertThat(apply(new IntegrityAction.GuestWrite(OTHER, -8))).isEmpty();
        assertThat(apply(new IntegrityAction.Interrupt(9, 32))).isEmpty();
    }

    @Test
    void aLayoutWithOverlappingRangesOrAnEntryOutsideTheCodeIsRefusedQuietlyAndRegistersNothing() {
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, CODE + PAGE, 2 * PAGE, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.BAD_LAYOUT));
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, CODE + 2 * PAGE)))
                .containsExactly(new RequestResult(IntegrityCode.BAD_LAYOUT));
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, CODE - 1)))
                .containsExactly(new RequestResult(IntegrityCode.BAD_LAYOUT));
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, -CODE)))
                .containsExactly(new RequestResult(IntegrityCode.BAD_LAYOUT));
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE + 1, 2 * PAGE, DATA, 2 * PAGE, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.UNALIGNED));
        assertThat(apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 0, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.EMPTY));
        assertThat(system.integrity().driver()).isEmpty();
        assertThat(system.integrity().alerts()).isEmpty();
        assertThat(system.tracing().isTraced(ViewId.DEFAULT, page(16))).isFalse();
    }

    @Test
    void theEntryPointMayBeTheFirstOrTheLastByteOfTheCode() {
        assertThat(apply(new IntegrityAction.Register(new Writer(0, 0, 0), 0, PAGE, DATA, PAGE, 0)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(apply(new IntegrityAction.Enter(new Writer(0, 0, 0))))
                .containsExactly(new RequestResult(IntegrityCode.OK));

        IntegritySystem other = new IntegritySystem(IntegrityConfig.small());
        long last = CODE + 2 * PAGE - 1;
        assertThat(other.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, PAGE, last)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(other.integrity().driver().orElseThrow().entryPoint()).isEqualTo(last);
    }

    @Test
    void enteringBeforeAnyRegistrationIsAlertedAndRefused() {
        assertThat(apply(new IntegrityAction.Enter(DRIVER)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, DRIVER),
                        new RequestResult(IntegrityCode.NOT_REGISTERED));
        assertThat(system.integrity().mode(0)).isEqualTo(Mode.NORMAL);
        assertThat(system.machine().vcpus().get(0).view()).isEqualTo(ViewId.DEFAULT);
    }

    @Test
    void enteringTwiceOrLeavingTwiceIsRefusedWithoutAnAlert() {
        registerAndEnter();
        assertThat(apply(new IntegrityAction.Enter(DRIVER)))
                .containsExactly(new RequestResult(IntegrityCode.ALREADY_IN_INTEGRITY_MODE));
        assertThat(system.integrity().mode(0)).isEqualTo(Mode.INTEGRITY);
        assertThat(apply(new IntegrityAction.Exit(DRIVER))).containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(apply(new IntegrityAction.Exit(DRIVER)))
                .containsExactly(new RequestResult(IntegrityCode.NOT_IN_INTEGRITY_MODE));
        assertThat(system.integrity().mode(0)).isEqualTo(Mode.NORMAL);
        assertThat(system.integrity().alerts()).isEmpty();
    }

    @Test
    void anInterruptEndsIntegrityModeSilentlyAndAFaultWithItsAlertButOnlyInIntegrityMode() {
        registerAndEnter();
        assertThat(apply(new IntegrityAction.Interrupt(0, 32))).isEmpty();
        assertThat(system.integrity().alerts()).isEmpty();
        assertThat(apply(new IntegrityAction.Fault(0, 14))).as("in normal mode").isEmpty();
        assertThat(system.integrity().alerts()).isEmpty();
        apply(new IntegrityAction.Enter(DRIVER));
        assertThat(apply(new IntegrityAction.Fault(0, 14))).containsExactly(new IntegrityObservation.FaultAlert(0));
        assertThat(system.integrity().mode(0)).isEqualTo(Mode.NORMAL);
    }

    @Test
    void aNotificationOfAnotherVcpusWriteIsNotTheCallersAlert() {
        registerAndEnter();
        var cpu0 = system.machine().vcpus().get(0);
        var cpu1 = system.machine().vcpus().get(1);
        Notification ofCpu1 = new Notification(cpu1.id(), page(16), 0, 8);
        assertThat(system.integrity().onNotifications(cpu0, List.of(ofCpu1))).isEmpty();
        assertThat(system.integrity().onNotifications(cpu1, List.of(ofCpu1))).hasSize(1);
        assertThat(system.integrity().alerts()).hasSize(1);
    }

    private static GuestPhysicalPage page(long n) {
        return new GuestPhysicalPage(n);
    }
}
