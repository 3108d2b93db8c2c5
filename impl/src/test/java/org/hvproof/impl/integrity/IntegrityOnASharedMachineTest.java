package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/**
 * The integrity guest booted on a machine with one vCPU more than it has, the first vCPU past its
 * own: that vCPU is another guest's, so the service answers its integrity hypercalls as from an
 * unknown vCPU, and no action of the integrity guest runs on it.
 */
class IntegrityOnASharedMachineTest {
    private static final long PAGE = 4096;
    private static final long CODE = 16 * PAGE;
    private static final long DATA = 18 * PAGE;
    private static final long ENTRY = CODE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);
    private static final IntegrityConfig CONFIG = IntegrityConfig.small();
    private static final TreeConfig STORE = IntegritySystem.storeConfig(CONFIG, 32, BPlusTree.SMALL);
    /** The other guest's vCPU: the machine's first past the integrity guest's. */
    private static final int FOREIGN = CONFIG.vcpuCount();

    private static IntegritySystem boot() {
        Machine machine = new Machine(IntegritySystem.shape(CONFIG, STORE, FOREIGN + 1));
        TracingService tracing = new TracingService(new Hypervisor(machine), TracingImplFlaw.NONE);
        IntegritySystem system = new IntegritySystem(tracing, CONFIG, IntegrityImplFlaw.NONE, STORE, TreeImplFlaw.NONE);
        system.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
        return system;
    }

    @Test
    void anotherGuestsVcpuCallingTheIntegrityHypercallsIsAnUnknownVcpu() {
        IntegritySystem system = boot();
        VirtualCpu foreign = system.machine().vcpus().get(FOREIGN);
        long unknown = IntegrityHypercalls.status(IntegrityCode.UNKNOWN_VCPU);
        for (long number : new long[] {
            IntegrityHypercalls.ENTER,
            IntegrityHypercalls.EXIT,
            IntegrityHypercalls.PROTECT,
            IntegrityHypercalls.UNPROTECT
        }) {
            assertThat(system.kernelHypercall(FOREIGN, number, 40 * PAGE, PAGE, 0))
                    .containsExactly(new HypercallResult(foreign.id(), number, unknown));
        }
        assertThat(foreign.view()).isEqualTo(ViewId.DEFAULT);
        assertThat(system.integrity().mode(FOREIGN)).isEqualTo(Mode.NORMAL);
        assertThat(system.integrity().mode(-1)).isEqualTo(Mode.NORMAL);
        assertThat(system.integrity().protections().snapshot()).isEmpty();
    }

    @Test
    void theGuestsActionsNeverRunOnAVcpuPastItsOwn() {
        IntegritySystem system = boot();
        VirtualCpu foreign = system.machine().vcpus().get(FOREIGN);
        long ip = foreign.instructionPointer();
        Privilege privilege = foreign.privilege();
        Writer intruder = new Writer(FOREIGN, ENTRY, 3);
        assertThat(system.apply(new IntegrityAction.Enter(intruder)))
                .containsExactly(new RequestResult(IntegrityCode.UNKNOWN_VCPU));
        assertThat(system.apply(new IntegrityAction.GuestWrite(intruder, 40 * PAGE)))
                .isEmpty();
        assertThat(foreign.instructionPointer()).isEqualTo(ip);
        assertThat(foreign.privilege()).isEqualTo(privilege);
        assertThat(foreign.view()).isEqualTo(ViewId.DEFAULT);
    }
}
