package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.junit.jupiter.api.Test;

/**
 * Each planted notification flaw changes exactly the notification it says and nothing else: the
 * flaw catalogue's {@code caughtBy} is only worth something if the flaw really acts, and the
 * real service (flaw NONE) must keep the right page, length and crossing notification.
 */
class TracingFlawPathsTest {
    private static final VCpu CPU = new VCpu(1);
    private static final Owner ALICE = new Owner("alice");
    private static final long VA = 0x4000_0000L;
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    private static final GuestPhysicalPage Q = new GuestPhysicalPage(11);

    /** A system with P and Q mapped at VA and the page after, P traced. */
    private static TracingSystem tracedSystem(TracingImplFlaw flaw) {
        TracingSystem system = new TracingSystem(MachineShape.of(2, 1024), flaw);
        system.apply(new MapPage(CPU, VA, P, PagePermissions.KERNEL_DATA));
        system.apply(new MapPage(CPU, VA + 4096, Q, PagePermissions.KERNEL_DATA));
        system.apply(new AddTrace(ALICE, P));
        return system;
    }

    @Test
    void theNextPageFlawNamesThePageAfterTheTracedOne() {
        assertThat(tracedSystem(TracingImplFlaw.NONE).apply(new GuestWrite(CPU, VA + 8, Bytes.ofInts(1))))
                .contains(new Notification(CPU, P, 8, 1));
        assertThat(tracedSystem(TracingImplFlaw.NOTIFY_NEXT_PAGE).apply(new GuestWrite(CPU, VA + 8, Bytes.ofInts(1))))
                .contains(new Notification(CPU, Q, 8, 1));
    }

    @Test
    void theOneByteLengthFlawCutsALongWritesLength() {
        assertThat(tracedSystem(TracingImplFlaw.NONE).apply(new GuestWrite(CPU, VA, Bytes.zeros(300))))
                .contains(new Notification(CPU, P, 0, 300));
        assertThat(tracedSystem(TracingImplFlaw.NOTIFIED_LENGTH_IN_ONE_BYTE)
                        .apply(new GuestWrite(CPU, VA, Bytes.zeros(300))))
                .contains(new Notification(CPU, P, 0, 300 & 0xff));
    }

    @Test
    void theCrossingFlawDropsOnlyTheNotificationOfAWriteThatCrossesAPage() {
        TracingSystem flawed = tracedSystem(TracingImplFlaw.NO_NOTIFY_ON_CROSSING);
        assertThat(flawed.apply(new GuestWrite(CPU, VA + 8, Bytes.ofInts(1)))).contains(new Notification(CPU, P, 8, 1));
        assertThat(flawed.apply(new GuestWrite(CPU, VA + 4094, Bytes.ofInts(1, 2, 3, 4))))
                .noneMatch(o -> o instanceof Notification);
        assertThat(tracedSystem(TracingImplFlaw.NONE).apply(new GuestWrite(CPU, VA + 4094, Bytes.ofInts(1, 2, 3, 4))))
                .contains(new Notification(CPU, P, 4094, 2));
    }
}
