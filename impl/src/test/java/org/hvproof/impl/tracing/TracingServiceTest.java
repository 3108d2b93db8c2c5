package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.RemoveTrace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracingServiceTest {
    private static final VCpu CPU = new VCpu(1);
    private static final Owner ALICE = new Owner("alice");
    private static final Owner BOB = new Owner("bob");
    private static final long VA = 0x4000_0000L;
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    private static final GuestPhysicalPage Q = new GuestPhysicalPage(77);

    private TracingSystem system;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(2, 1024));
        system.apply(new MapPage(CPU, VA, P, PagePermissions.KERNEL_DATA));
        system.apply(new MapPage(CPU, VA + 4096, Q, PagePermissions.KERNEL_DATA));
    }

    @Test
    void tracedWriteIsNotifiedThenCompleted() {
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.apply(new GuestWrite(CPU, VA + 100, Bytes.ofInts(1, 2, 3))))
                .containsExactly(new Notification(CPU, P, 100, 3), new Completed(CPU, AccessKind.WRITE, VA + 100, 3));
        assertThat(system.apply(new GuestRead(CPU, VA + 100, 3)))
                .containsExactly(new ValueRead(CPU, VA + 100, Bytes.ofInts(1, 2, 3)));
    }

    @Test
    void untracedWriteIsNeverIntercepted() {
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(5))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA, 1));
        assertThat(system.tracing().isTraced(P)).isFalse();
    }

    @Test
    void aTraceIsAClearedNestedWriteBit() {
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.machine()
                        .defaultView()
                        .leaf(P)
                        .orElseThrow()
                        .permissions()
                        .write())
                .isFalse();
        system.apply(new RemoveTrace(ALICE, P));
        assertThat(system.machine()
                        .defaultView()
                        .leaf(P)
                        .orElseThrow()
                        .permissions()
                        .write())
                .isTrue();
    }

    @Test
    void pageStaysTracedUntilBothOwnersRemoveTheirTraces() {
        system.apply(new AddTrace(ALICE, P));
        system.apply(new AddTrace(BOB, P));
        assertThat(system.apply(new RemoveTrace(ALICE, P))).isEmpty();
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(1))))
                .first()
                .isEqualTo(new Notification(CPU, P, 0, 1));
        system.apply(new RemoveTrace(BOB, P));
        assertThat(system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(2))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA, 1));
    }

    @Test
    void onlyAnOwnerCanRemoveATrace() {
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.apply(new RemoveTrace(BOB, P))).containsExactly(new Refused(ErrorCode.NOT_OWNER));
        assertThat(system.tracing().owners(P)).containsExactly(ALICE);
        assertThat(system.tracing().isTraced(P)).isTrue();
    }

    @Test
    void holdsAnswersAsTheRegisteredOwnersDo() {
        assertThat(system.tracing().holds(ALICE, P)).isFalse();
        system.apply(new AddTrace(ALICE, P));
        system.apply(new AddTrace(BOB, Q));
        assertThat(system.tracing().holds(ALICE, P)).isTrue();
        assertThat(system.tracing().holds(BOB, P)).isFalse();
        assertThat(system.tracing().holds(ALICE, Q)).isFalse();
        assertThat(system.tracing().holds(new ViewId("elsewhere"), ALICE, P)).isFalse();
        for (GuestPhysicalPage page : List.of(P, Q)) {
            for (Owner owner : List.of(ALICE, BOB)) {
                assertThat(system.tracing().holds(owner, page))
                        .isEqualTo(system.tracing().owners(page).contains(owner));
            }
        }
        system.apply(new RemoveTrace(ALICE, P));
        assertThat(system.tracing().holds(ALICE, P)).isFalse();
    }

    @Test
    void crossingWriteOverTwoTracedPagesNotifiesEachWithItsOwnPart() {
        system.apply(new AddTrace(ALICE, P));
        system.apply(new AddTrace(BOB, Q));
        long va = VA + 4094;
        assertThat(system.apply(new GuestWrite(CPU, va, Bytes.ofInts(1, 2, 3, 4, 5))))
                .containsExactly(
                        new Notification(CPU, P, 4094, 2),
                        new Notification(CPU, Q, 0, 3),
                        new Completed(CPU, AccessKind.WRITE, va, 5));
        assertThat(system.apply(new GuestRead(CPU, va, 5)))
                .containsExactly(new ValueRead(CPU, va, Bytes.ofInts(1, 2, 3, 4, 5)));
    }

    @Test
    void crossingWriteChecksBothPagesBeforeWritingOrNotifyingAnything() {
        system.apply(new AddTrace(ALICE, P));
        system.apply(new MapPage(CPU, VA + 4096, Q, PagePermissions.KERNEL_CODE));
        long va = VA + 4094;
        assertThat(system.apply(new GuestWrite(CPU, va, Bytes.ofInts(1, 2, 3, 4, 5))))
                .containsExactly(new PageFault(CPU, VA + 4096, AccessKind.WRITE, PageFaultCause.WRITE_PROTECT));
        assertThat(system.apply(new GuestRead(CPU, va, 2))).containsExactly(new ValueRead(CPU, va, Bytes.zeros(2)));
    }

    @Test
    void hostileTraceRequestsAreRefused() {
        assertThat(system.apply(new AddTrace(ALICE, new GuestPhysicalPage(1L << 39))))
                .containsExactly(new Refused(ErrorCode.OUT_OF_RANGE));
        assertThat(system.apply(new RemoveTrace(ALICE, new GuestPhysicalPage(3))))
                .containsExactly(new Refused(ErrorCode.NOT_OWNER));
    }

    @Test
    void abstractionReadsTracesFromWriteBitsAndOwnersFromTheRegistry() {
        system.apply(new AddTrace(ALICE, P));
        system.apply(new AddTrace(BOB, P));
        system.apply(new GuestWrite(CPU, VA + 1, Bytes.ofInts(0xaa)));
        var state = system.abstractState();
        assertThat(state.traces()).isEqualTo(Map.of(P, Set.of(ALICE, BOB)));
        assertThat(state.contentsOf(P).get(1)).isEqualTo((byte) 0xaa);
        assertThat(state.mappingOf(CPU, VA + 4096).orElseThrow().page()).isEqualTo(Q);
    }
}
