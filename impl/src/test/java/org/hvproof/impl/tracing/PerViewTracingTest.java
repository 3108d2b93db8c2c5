package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Traces kept per view, and a completion listener that can block a notified write. */
class PerViewTracingTest {
    private static final VCpu CPU = new VCpu(0);
    private static final Owner OWNER = new Owner("integrity");
    private static final GuestPhysicalPage PAGE = new GuestPhysicalPage(20);
    private static final long VA = 0x40_0000;
    private static final ViewId SECOND = new ViewId("second");

    private Hypervisor hypervisor;
    private TracingService tracing;

    @BeforeEach
    void boot() {
        Machine machine = new Machine(MachineShape.of(1, 512));
        hypervisor = new Hypervisor(machine);
        machine.addView(SECOND);
        hypervisor.shareFrames(SECOND, ViewId.DEFAULT);
        GuestOs os = new GuestOs(hypervisor, ViewId.DEFAULT, 256, 256);
        long root = os.newAddressSpace().orElseThrow();
        machine.vcpus().get(0).setCr3(root);
        os.map(root, VA, PAGE, PagePermissions.USER_DATA);
        tracing = new TracingService(hypervisor, TracingImplFlaw.NONE);
    }

    @Test
    void aTraceInOneViewDoesNotNotifyWritesInAnother() {
        tracing.addTrace(SECOND, OWNER, PAGE);
        assertThat(tracing.isTraced(SECOND, PAGE)).isTrue();
        assertThat(tracing.isTraced(PAGE)).isFalse();
        assertThat(hypervisor.write(CPU, VA, Bytes.ofInts(1))).noneMatch(Notification.class::isInstance);
        hypervisor.machine().vcpus().get(0).setView(SECOND);
        assertThat(hypervisor.write(CPU, VA + 4, Bytes.ofInts(1))).contains(new Notification(CPU, PAGE, 4, 1));
        tracing.removeTrace(SECOND, OWNER, PAGE);
        assertThat(tracing.isTraced(SECOND, PAGE)).isFalse();
        assertThat(tracing.owners(SECOND, PAGE)).isEmpty();
    }

    @Test
    void aBlockingListenerKeepsTheWriteFromCompletingAfterTheNotification() {
        tracing.addTrace(OWNER, PAGE);
        tracing.addCompletionListener((cpu, note) -> TracingService.Completion.BLOCK);
        assertThat(hypervisor.write(CPU, VA, Bytes.ofInts(9))).contains(new Notification(CPU, PAGE, 0, 1));
        assertThat(hypervisor.machine().peekGuestPage(ViewId.DEFAULT, PAGE)[0]).isZero();
    }

    @Test
    void withoutListenersNotifiedWritesComplete() {
        tracing.addTrace(OWNER, PAGE);
        hypervisor.write(CPU, VA, Bytes.ofInts(9));
        assertThat(hypervisor.machine().peekGuestPage(ViewId.DEFAULT, PAGE)[0]).isEqualTo((byte) 9);
    }

    @Test
    void aTraceInAViewThatDoesNotExistIsRefused() {
        assertThat(tracing.addTrace(new ViewId("nowhere"), OWNER, PAGE))
                .containsExactly(new Refused(ErrorCode.INVALID_ARGUMENT));
    }
}
