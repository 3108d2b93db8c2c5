package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.Test;

class HypercallTest {
    private static final VCpu CPU = new VCpu(0);
    private final Hypervisor hypervisor = new Hypervisor(new Machine(MachineShape.of(1, 512)));
    private final VirtualCpu cpu = hypervisor.machine().vcpu(CPU).orElseThrow();

    @Test
    void unknownHypercallReturnsAnErrorCodeInRax() {
        cpu.setRegister(0, 0xdead);
        assertThat(hypervisor.hypercall(CPU))
                .containsExactly(new HypercallResult(CPU, 0xdead, ErrorCode.UNKNOWN_HYPERCALL.code()));
        assertThat(cpu.register(0)).isEqualTo(ErrorCode.UNKNOWN_HYPERCALL.code());
    }

    @Test
    void registeredHypercallGetsItsArgumentsFromRbxRcxRdx() {
        hypervisor.registerHypercall(7, (caller, a, b, c) -> a + b + c);
        cpu.setRegister(0, 7);
        cpu.setRegister(3, 1);
        cpu.setRegister(1, 10);
        cpu.setRegister(2, 100);
        assertThat(hypervisor.hypercall(CPU)).containsExactly(new HypercallResult(CPU, 7, 111));
    }

    @Test
    void userModeMayNotCall() {
        hypervisor.registerHypercall(7, (caller, a, b, c) -> 0);
        cpu.setRegister(0, 7);
        cpu.setPrivilege(Privilege.USER);
        assertThat(hypervisor.hypercall(CPU))
                .containsExactly(new HypercallResult(CPU, 7, ErrorCode.PERMISSION_DENIED.code()));
    }

    @Test
    void unknownVcpuIsRefused() {
        assertThat(hypervisor.hypercall(new VCpu(9))).containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
    }
}
