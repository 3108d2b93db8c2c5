package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.Test;

/** The additions integrity mode needs from the core: shared-frame views, events, privilege-screening hypercalls. */
class SharedViewsAndEventsTest {
    private static final VCpu CPU = new VCpu(0);
    private final Hypervisor hypervisor = new Hypervisor(new Machine(MachineShape.of(1, 512)));
    private final ViewId second = new ViewId("second");

    @Test
    void aViewSharingFramesMapsTheSameHostFrameAsItsSource() {
        hypervisor.machine().addView(second);
        hypervisor.shareFrames(second, ViewId.DEFAULT);
        GuestPhysicalPage page = new GuestPhysicalPage(7);
        assertThat(hypervisor.populate(second, page)).isTrue();
        long frame = hypervisor
                .machine()
                .view(second)
                .orElseThrow()
                .leaf(page)
                .orElseThrow()
                .hostFrame();
        assertThat(hypervisor.machine().defaultView().leaf(page).orElseThrow().hostFrame())
                .isEqualTo(frame);
    }

    @Test
    void viewsWithoutSharingKeepTheirOwnFrames() {
        hypervisor.machine().addView(second);
        GuestPhysicalPage page = new GuestPhysicalPage(7);
        hypervisor.populate(second, page);
        hypervisor.populate(ViewId.DEFAULT, page);
        assertThat(hypervisor.machine().defaultView().leaf(page).orElseThrow().hostFrame())
                .isNotEqualTo(hypervisor
                        .machine()
                        .view(second)
                        .orElseThrow()
                        .leaf(page)
                        .orElseThrow()
                        .hostFrame());
    }

    @Test
    void interruptsAndExceptionsReachEveryEventHandlerInOrder() {
        List<String> heard = new ArrayList<>();
        hypervisor.addEventHandler((cpu, e) -> heard.add("a " + e));
        hypervisor.addEventHandler((cpu, e) -> heard.add("b " + e.kind()));
        assertThat(hypervisor.interrupt(CPU, 32)).isEmpty();
        assertThat(hypervisor.exception(CPU, 14)).isEmpty();
        assertThat(heard)
                .containsExactly(
                        "a " + new VcpuEvent(VcpuEvent.Kind.INTERRUPT, 32),
                        "b INTERRUPT",
                        "a " + new VcpuEvent(VcpuEvent.Kind.EXCEPTION, 14),
                        "b EXCEPTION");
        assertThat(hypervisor.interrupt(new VCpu(5), 32)).containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
    }

    @Test
    void aHandlerThatScreensPrivilegeHearsUserModeCallsOthersDoNot() {
        VirtualCpu cpu = hypervisor.machine().vcpu(CPU).orElseThrow();
        hypervisor.registerHypercall(7, (c, a, b, d) -> 0);
        hypervisor.registerHypercall(8, new HypercallHandler() {
            @Override
            public long handle(VirtualCpu caller, long arg1, long arg2, long arg3) {
                return caller.privilege() == Privilege.USER ? 42 : 0;
            }

            @Override
            public boolean screensPrivilege() {
                return true;
            }
        });
        cpu.setPrivilege(Privilege.USER);
        cpu.setRegister(0, 7);
        assertThat(hypervisor.hypercall(CPU))
                .containsExactly(new HypercallResult(CPU, 7, ErrorCode.PERMISSION_DENIED.code()));
        cpu.setRegister(0, 8);
        assertThat(hypervisor.hypercall(CPU)).containsExactly(new HypercallResult(CPU, 8, 42));
    }
}
