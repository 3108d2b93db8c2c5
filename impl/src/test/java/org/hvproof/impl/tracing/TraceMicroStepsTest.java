package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.ContinueTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.PendingTrace;
import org.hvproof.model.tracing.StartRemoveTrace;
import org.hvproof.model.tracing.StartTrace;
import org.hvproof.model.tracing.TracingModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A trace request run in micro-steps on a machine whose guest RAM sits on 2 MiB nested leaves. */
class TraceMicroStepsTest {
    private static final VCpu CPU = new VCpu(1);
    private static final Owner ALICE = new Owner("alice");
    private static final Owner BOB = new Owner("bob");
    private static final long VA = 0x4000_0000L;
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);

    private TracingSystem system;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(2, 512), TracingImplFlaw.NONE, true);
        system.apply(new MapPage(CPU, VA, P, PagePermissions.KERNEL_DATA));
    }

    private boolean writable() {
        return system.machine()
                .defaultView()
                .leaf(P)
                .orElseThrow()
                .permissions()
                .write();
    }

    @Test
    void theStepsSplitThenClearThenShootDownThenPublish() {
        assertThat(system.apply(new StartTrace(ALICE, P))).isEmpty();
        assertThat(system.tracing().pendingTrace())
                .contains(new PendingTrace(ALICE, P, TracingModel.ADD_TRACE_MICRO_STEPS));
        List<TracingService.MicroStep> seen = new java.util.ArrayList<>();
        while (system.tracing().nextMicroStep().isPresent()) {
            seen.add(system.tracing().nextMicroStep().get());
            long leafBefore = system.machine().defaultView().leafSize(P);
            system.apply(new ContinueTrace());
            if (seen.get(seen.size() - 1) == TracingService.MicroStep.SET_SPLIT_POINTER) {
                assertThat(leafBefore).isGreaterThan(HostMemory.FRAME_SIZE);
                assertThat(system.machine().defaultView().leafSize(P)).isEqualTo(HostMemory.FRAME_SIZE);
            }
            if (seen.get(seen.size() - 1) == TracingService.MicroStep.CLEAR_WRITE_BIT) {
                assertThat(writable()).isFalse();
                assertThat(system.tracing().owners(P)).isEmpty();
            }
        }
        assertThat(seen)
                .hasSize(TracingModel.ADD_TRACE_MICRO_STEPS)
                .containsExactly(
                        TracingService.MicroStep.WRITE_SPLIT_TABLE,
                        TracingService.MicroStep.SET_SPLIT_POINTER,
                        TracingService.MicroStep.CLEAR_WRITE_BIT,
                        TracingService.MicroStep.SHOOT_DOWN);
        assertThat(system.tracing().owners(P)).containsExactly(ALICE);
        assertThat(system.tracing().pendingTrace()).isEmpty();
    }

    @Test
    void aWriteBetweenTheClearAndThePublicationLandsUnnotified() {
        system.apply(new StartTrace(ALICE, P));
        for (int i = 0; i < 3; i++) {
            system.apply(new ContinueTrace());
        }
        assertThat(writable()).isFalse();
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(7))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA, 1));
        system.apply(new ContinueTrace());
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(8))))
                .containsExactly(new Notification(CPU, P, 0, 1), new Completed(CPU, AccessKind.WRITE, VA, 1));
    }

    @Test
    void requestsWaitForThePendingOneAndContinuingNothingDoesNothing() {
        assertThat(system.apply(new ContinueTrace())).isEmpty();
        system.apply(new StartTrace(ALICE, P));
        assertThat(system.apply(new AddTrace(ALICE, P))).containsExactly(new Refused(ErrorCode.BUSY));
        assertThat(system.apply(new StartTrace(ALICE, P))).containsExactly(new Refused(ErrorCode.BUSY));
        assertThat(system.tracing().pendingTrace().map(PendingTrace::microStepsLeft))
                .isEqualTo(Optional.of(TracingModel.ADD_TRACE_MICRO_STEPS));
    }

    @Test
    void aWholeRequestInAnotherViewRunsBesideThePendingOneWhichGoesOnWhereItWas() {
        ViewId other = new ViewId("other");
        system.machine().addView(other).orElseThrow();
        system.apply(new StartTrace(ALICE, P));
        system.apply(new ContinueTrace());
        var next = system.tracing().nextMicroStep();
        // The hypervisor's own client (a tree, dirty logging) traces the same page number in its view.
        assertThat(system.tracing().addTrace(other, BOB, P)).isEmpty();
        assertThat(system.tracing().holds(other, BOB, P)).isTrue();
        assertThat(system.tracing().nextMicroStep()).isEqualTo(next);
        assertThat(system.tracing().removeTrace(other, BOB, P)).isEmpty();
        assertThat(system.tracing().holds(other, BOB, P)).isFalse();
        // In the pending request's own view a second request still waits.
        assertThat(system.tracing().addTrace(ViewId.DEFAULT, BOB, P)).containsExactly(new Refused(ErrorCode.BUSY));
        while (system.tracing().pendingTrace().isPresent()) {
            system.apply(new ContinueTrace());
        }
        assertThat(system.tracing().owners(P)).containsExactly(ALICE);
        assertThat(writable()).isFalse();
    }

    @Test
    void theFlawedOrdersAreTheFlawsOwn() {
        TracingSystem flawed =
                new TracingSystem(MachineShape.of(2, 512), TracingImplFlaw.SHOOT_DOWN_BEFORE_CLEAR, true);
        flawed.apply(new StartTrace(ALICE, P));
        flawed.apply(new ContinueTrace());
        flawed.apply(new ContinueTrace());
        assertThat(flawed.tracing().nextMicroStep()).contains(TracingService.MicroStep.SHOOT_DOWN);
    }

    @Test
    void aRemovalTakesTheOwnerOutFirstThenGivesDevicesThenTheNestedBitTheRightBack() {
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.apply(new StartRemoveTrace(ALICE, P))).isEmpty();
        assertThat(system.tracing().owners(P)).isEmpty();
        assertThat(system.tracing().pendingTrace())
                .contains(new PendingTrace(ALICE, P, TracingModel.REMOVE_TRACE_MICRO_STEPS, true));
        assertThat(system.abstractState().traces()).isEmpty();
        assertThat(system.tracing().nextMicroStep()).contains(TracingService.MicroStep.RESTORE_DEVICE_WRITE);
        // The bit is still cleared: the write exits and lands, unnotified (the owner has left).
        assertThat(writable()).isFalse();
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(7))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA, 1));
        assertThat(system.apply(new AddTrace(BOB, P))).containsExactly(new Refused(ErrorCode.BUSY));
        system.apply(new ContinueTrace());
        assertThat(system.tracing().nextMicroStep()).contains(TracingService.MicroStep.RESTORE_WRITE_BIT);
        assertThat(writable()).isFalse();
        system.apply(new ContinueTrace());
        assertThat(writable()).isTrue();
        assertThat(system.tracing().pendingTrace()).isEmpty();
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(8))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA, 1));
    }

    @Test
    void aRemovalByAStrangerOrWhileBusyIsRefusedAndChangesNothing() {
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.apply(new StartRemoveTrace(BOB, P))).containsExactly(new Refused(ErrorCode.NOT_OWNER));
        system.apply(new StartTrace(BOB, P));
        assertThat(system.apply(new StartRemoveTrace(ALICE, P))).containsExactly(new Refused(ErrorCode.BUSY));
        assertThat(system.tracing().owners(P)).containsExactly(ALICE);
    }

    @Test
    void theFlawedRemovalNotifiesAWriteThatExitsAfterTheLastOwnerLeft() {
        TracingSystem flawed = new TracingSystem(MachineShape.of(2, 512), TracingImplFlaw.NOTIFY_WHILE_REMOVING, true);
        flawed.apply(new MapPage(CPU, VA, P, PagePermissions.KERNEL_DATA));
        flawed.apply(new AddTrace(ALICE, P));
        flawed.apply(new StartRemoveTrace(ALICE, P));
        assertThat(flawed.apply(new GuestWrite(CPU, VA, Bytes.ofInts(7))))
                .containsExactly(new Notification(CPU, P, 0, 1), new Completed(CPU, AccessKind.WRITE, VA, 1));
    }

    @Test
    void aRemovalInAViewThatDoesNotExistIsRefusedWithoutAnException() {
        ViewId nowhere = new ViewId("nowhere");
        assertThat(system.tracing().startRemoveTrace(nowhere, ALICE, P))
                .containsExactly(new Refused(ErrorCode.NOT_OWNER));
        assertThat(system.tracing().removeTrace(nowhere, ALICE, P)).containsExactly(new Refused(ErrorCode.NOT_OWNER));
        assertThat(system.tracing().pendingTrace()).isEmpty();
        assertThat(system.apply(new ContinueTrace())).isEmpty();
    }
}
