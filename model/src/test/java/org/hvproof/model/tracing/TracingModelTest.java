package org.hvproof.model.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.Test;

class TracingModelTest {
    private static final MachineShape SHAPE = MachineShape.of(1, 1024);
    private static final VCpu CPU = new VCpu(0);
    private static final Owner ALICE = new Owner("alice");
    private static final Owner BOB = new Owner("bob");
    private static final GuestPhysicalPage P = new GuestPhysicalPage(3);
    private static final long VA = 0x1000;

    private TracingState mapped() {
        return TracingModel.step(TracingState.initial(SHAPE), new MapPage(CPU, VA, P, PagePermissions.KERNEL_DATA))
                .next();
    }

    private static TracingState run(TracingState s, TracingAction... actions) {
        for (TracingAction a : actions) {
            TracingStep step = TracingModel.step(s, a);
            TracingInvariants.check(new Transition<>(s, a, step.next(), step.observations()));
            s = step.next();
        }
        return s;
    }

    @Test
    void tracedWriteNotifiesThenCompletes() {
        TracingState s = run(mapped(), new AddTrace(ALICE, P));
        TracingStep step = TracingModel.step(s, new GuestWrite(CPU, VA + 8, Bytes.ofInts(1, 2)));
        assertThat(step.observations())
                .containsExactly(new Notification(CPU, P, 8, 2), new Completed(CPU, AccessKind.WRITE, VA + 8, 2));
        assertThat(step.next().contentsOf(P).slice(8, 2)).isEqualTo(Bytes.ofInts(1, 2));
    }

    @Test
    void ownersAreASetAndTheLastRemovalUntraces() {
        TracingState s = run(mapped(), new AddTrace(ALICE, P), new AddTrace(BOB, P), new AddTrace(BOB, P));
        assertThat(s.ownersOf(P)).isEqualTo(Set.of(ALICE, BOB));
        s = run(s, new RemoveTrace(BOB, P));
        assertThat(s.isTraced(P)).isTrue();
        s = run(s, new RemoveTrace(ALICE, P));
        assertThat(s.traces()).isEmpty();
        assertThat(TracingModel.step(s, new RemoveTrace(ALICE, P)).observations())
                .containsExactly(new Refused(ErrorCode.NOT_OWNER));
    }

    @Test
    void zeroPagesAreNotStoredSoStatesCompareByContent() {
        TracingState s =
                run(mapped(), new GuestWrite(CPU, VA, Bytes.ofInts(9)), new GuestWrite(CPU, VA, Bytes.ofInts(0)));
        assertThat(s).isEqualTo(mapped());
        assertThat(TracingModel.step(s, new GuestRead(CPU, VA, 2)).observations())
                .containsExactly(new ValueRead(CPU, VA, Bytes.zeros(2)));
    }

    @Test
    void pageTablePoolCannotBeMapped() {
        GuestPhysicalPage pool = new GuestPhysicalPage(SHAPE.pageTablePoolFirst());
        assertThat(TracingModel.step(TracingState.initial(SHAPE), new MapPage(CPU, VA, pool, PagePermissions.ALL))
                        .observations())
                .containsExactly(new Refused(ErrorCode.RESERVED_PAGE));
    }

    @Test
    void invariantsCatchADuplicatedNotification() {
        TracingState s = run(mapped(), new AddTrace(ALICE, P));
        GuestWrite w = new GuestWrite(CPU, VA, Bytes.ofInts(1));
        TracingStep step = TracingModel.step(s, w);
        Notification n = new Notification(CPU, P, 0, 1);
        List<Observation> twice = List.of(n, n, new Completed(CPU, AccessKind.WRITE, VA, 1));
        assertThat(TracingInvariants.ONE_NOTIFICATION_PER_TRACED_PAGE
                        .check(new Transition<>(s, w, step.next(), twice))
                        .holds())
                .isFalse();
        assertThatThrownBy(() -> TracingInvariants.check(new Transition<>(s, w, step.next(), twice)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("TRACE-1");
    }

    @Test
    void invariantsCatchANotificationForAnUntracedPage() {
        TracingState s = mapped();
        GuestWrite w = new GuestWrite(CPU, VA, Bytes.ofInts(1));
        TracingStep step = TracingModel.step(s, w);
        List<Observation> spurious =
                List.of(new Notification(CPU, P, 0, 1), new Completed(CPU, AccessKind.WRITE, VA, 1));
        assertThat(TracingInvariants.NO_NOTIFICATION_WITHOUT_TRACE
                        .check(new Transition<>(s, w, step.next(), spurious))
                        .holds())
                .isFalse();
    }

    @Test
    void invariantsCatchARemovalThatDropsAnotherOwner() {
        TracingState s = run(mapped(), new AddTrace(ALICE, P), new AddTrace(BOB, P));
        RemoveTrace r = new RemoveTrace(ALICE, P);
        TracingState wrong = run(s, new RemoveTrace(ALICE, P), new RemoveTrace(BOB, P));
        assertThat(TracingInvariants.OWNER_SEMANTICS
                        .check(new Transition<>(s, r, wrong, List.of()))
                        .holds())
                .isFalse();
    }

    @Test
    void invariantsCatchAWriteThatWasNotCompleted() {
        TracingState s = run(mapped(), new AddTrace(ALICE, P));
        GuestWrite w = new GuestWrite(CPU, VA, Bytes.ofInts(1));
        TracingStep step = TracingModel.step(s, w);
        assertThat(TracingInvariants.NOTIFY_THEN_COMPLETE
                        .check(new Transition<>(s, w, s, step.observations()))
                        .holds())
                .isFalse();
    }
}
