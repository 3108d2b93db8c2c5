package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.SetPrivilege;
import org.hvproof.model.tracing.UnmapPage;
import org.junit.jupiter.api.Test;

/**
 * The tracing service's requests one call at a time: every call that may touch the record of
 * owners moves its version forward, refused or not; the flawed removal order still ends with the
 * owner gone; the system's actions on a vCPU that does not exist are refused, not ignored.
 */
class TracingRequestEdgesTest {
    private static final MachineShape SHAPE = MachineShape.of(2, 1024);
    private static final Owner ALICE = new Owner("alice");
    private static final Owner BOB = new Owner("bob");
    private static final GuestPhysicalPage PAGE = new GuestPhysicalPage(10);

    @Test
    void everyRequestCallRefusedOrNotMovesTheOwnersVersionForward() {
        TracingService tracing = new TracingSystem(SHAPE).tracing();
        long v = tracing.ownersVersion();
        assertThat(tracing.startTrace(ALICE, PAGE)).isEmpty();
        assertThat(tracing.ownersVersion()).as("start").isGreaterThan(v);
        v = tracing.ownersVersion();
        assertThat(tracing.startTrace(BOB, PAGE)).containsExactly(new Refused(ErrorCode.BUSY));
        assertThat(tracing.ownersVersion()).as("refused start").isGreaterThan(v);
        v = tracing.ownersVersion();
        assertThat(tracing.startRemoveTrace(BOB, PAGE)).containsExactly(new Refused(ErrorCode.BUSY));
        assertThat(tracing.ownersVersion()).as("refused removal while busy").isGreaterThan(v);
        while (tracing.pendingTrace().isPresent()) {
            v = tracing.ownersVersion();
            tracing.continueTrace();
            assertThat(tracing.ownersVersion()).as("micro-step").isGreaterThan(v);
        }
        v = tracing.ownersVersion();
        assertThat(tracing.startRemoveTrace(BOB, PAGE)).containsExactly(new Refused(ErrorCode.NOT_OWNER));
        assertThat(tracing.ownersVersion()).as("removal by a stranger").isGreaterThan(v);
        v = tracing.ownersVersion();
        assertThat(tracing.startRemoveTrace(ALICE, PAGE)).isEmpty();
        assertThat(tracing.ownersVersion()).as("removal").isGreaterThan(v);
    }

    @Test
    void theRestoreFirstFlawKeepsTheOwnerUntilTheLastMicroStepAndThenDropsIt() {
        TracingService flawed = new TracingSystem(SHAPE, TracingImplFlaw.RESTORE_BEFORE_UNREGISTER).tracing();
        flawed.addTrace(ALICE, PAGE);
        assertThat(flawed.startRemoveTrace(ALICE, PAGE)).isEmpty();
        assertThat(flawed.owners(PAGE)).containsExactly(ALICE);
        while (flawed.pendingTrace().isPresent()) {
            flawed.continueTrace();
        }
        assertThat(flawed.owners(PAGE)).isEmpty();
        assertThat(flawed.holds(ALICE, PAGE)).isFalse();
        assertThat(flawed.isTraced(PAGE)).isFalse();

        TracingService correct = new TracingSystem(SHAPE).tracing();
        correct.addTrace(ALICE, PAGE);
        correct.startRemoveTrace(ALICE, PAGE);
        assertThat(correct.owners(PAGE)).isEmpty();
    }

    @Test
    void devicesMayWriteAPageOnlyWhileNoOwnerHoldsItAndTheBitIsNotYetTheirs() {
        TracingService tracing = new TracingSystem(SHAPE).tracing();
        tracing.startTrace(ALICE, PAGE);
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("adding, unpublished")
                .isTrue();
        while (tracing.pendingTrace().isPresent()) {
            tracing.continueTrace();
        }
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("published")
                .isFalse();
        tracing.startTrace(BOB, PAGE);
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("a second owner being added")
                .isFalse();
        while (tracing.pendingTrace().isPresent()) {
            tracing.continueTrace();
        }
        tracing.startRemoveTrace(BOB, PAGE);
        tracing.continueTrace();
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("ALICE stays")
                .isFalse();
        tracing.continueTrace();
        tracing.startRemoveTrace(ALICE, PAGE);
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("the last owner left, devices' right not back yet")
                .isFalse();
        tracing.continueTrace();
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("devices' right back")
                .isTrue();
        tracing.continueTrace();
        assertThat(tracing.devicesMayWrite(ViewId.DEFAULT, PAGE))
                .as("no request pending")
                .isFalse();
    }

    @Test
    void actionsOnAVcpuThatDoesNotExistAreRefusedAndAFailedUnmapIsSeen() {
        TracingSystem system = new TracingSystem(SHAPE);
        VCpu ghost = new VCpu(7);
        Refused noSuchVcpu = new Refused(ErrorCode.NO_SUCH_VCPU);
        assertThat(system.apply(new MapPage(ghost, 0x1000, PAGE, PagePermissions.USER_DATA)))
                .containsExactly(noSuchVcpu);
        assertThat(system.apply(new UnmapPage(ghost, 0x1000))).containsExactly(noSuchVcpu);
        assertThat(system.apply(new SetPrivilege(ghost, Privilege.USER))).containsExactly(noSuchVcpu);
        assertThat(system.apply(new UnmapPage(new VCpu(0), 1L << 60))).hasSize(1);
        assertThat(system.apply(new SetPrivilege(new VCpu(1), Privilege.USER))).isEmpty();
        assertThat(system.machine().vcpus().get(1).privilege()).isEqualTo(Privilege.USER);
    }
}
