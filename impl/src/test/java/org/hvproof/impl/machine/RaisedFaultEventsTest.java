package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GeneralProtection;
import org.hvproof.model.common.GeneralProtectionCause;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults through one path: every guest-visible fault an access raises reaches the registered
 * event handlers as the exception a generated one would be (same kind, the fault's vector), one
 * test per fault kind, and none reaches them with delivery off.
 */
class RaisedFaultEventsTest {
    private static final MachineShape SHAPE = MachineShape.of(1, 512);
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x4000_0000L;

    private Hypervisor hypervisor;
    private final List<VcpuEvent> heard = new ArrayList<>();

    @BeforeEach
    void boot() {
        Machine machine = new Machine(SHAPE);
        hypervisor = new Hypervisor(machine);
        GuestOs os = new GuestOs(hypervisor, ViewId.DEFAULT, SHAPE.pageTablePoolFirst(), SHAPE.pageTablePoolPages());
        long cr3 = os.newAddressSpace().orElseThrow();
        machine.vcpus().get(0).setCr3(cr3);
        os.map(cr3, VA, new GuestPhysicalPage(3), PagePermissions.KERNEL_DATA);
        // A mapping of a guest-physical page beyond RAM: the nested walk refuses it.
        os.map(cr3, VA + 0x1000, new GuestPhysicalPage(SHAPE.guestPhysicalPages() + 7), PagePermissions.KERNEL_DATA);
        hypervisor.addEventHandler((cpu, event) -> heard.add(event));
        // Raised faults reach the handlers by default: no deliverRaisedFaults(true) here.
    }

    @Test
    void pageFaultReachesTheHandlersAsExceptionFourteen() {
        assertThat(hypervisor.write(CPU, VA + 0x10_0000, Bytes.ofInts(1)))
                .containsExactly(new PageFault(CPU, VA + 0x10_0000, AccessKind.WRITE, PageFaultCause.NOT_PRESENT));
        assertThat(heard).containsExactly(new VcpuEvent(VcpuEvent.Kind.EXCEPTION, Hypervisor.PAGE_FAULT_VECTOR));
    }

    @Test
    void nestedViolationReflectedToTheGuestReachesTheHandlersAsAVirtualizationException() {
        assertThat(hypervisor.read(CPU, VA + 0x1000, 8)).singleElement().isInstanceOf(NptViolation.class);
        assertThat(heard)
                .containsExactly(new VcpuEvent(VcpuEvent.Kind.EXCEPTION, Hypervisor.VIRTUALIZATION_EXCEPTION_VECTOR));
    }

    @Test
    void generalProtectionReachesTheHandlersAsExceptionThirteen() {
        long nonCanonical = 1L << 50;
        assertThat(hypervisor.read(CPU, nonCanonical, 8))
                .containsExactly(new GeneralProtection(CPU, nonCanonical, GeneralProtectionCause.NON_CANONICAL));
        assertThat(hypervisor.write(CPU, VA, Bytes.zeros(0)))
                .containsExactly(new GeneralProtection(CPU, VA, GeneralProtectionCause.INVALID_LENGTH));
        VcpuEvent gp = new VcpuEvent(VcpuEvent.Kind.EXCEPTION, Hypervisor.GENERAL_PROTECTION_VECTOR);
        assertThat(heard).containsExactly(gp, gp);
    }

    @Test
    void aRaisedFaultIsHeardExactlyAsAGeneratedExceptionWithItsVector() {
        hypervisor.write(CPU, VA + 0x10_0000, Bytes.ofInts(1));
        hypervisor.exception(CPU, Hypervisor.PAGE_FAULT_VECTOR);
        assertThat(heard).hasSize(2);
        assertThat(heard.get(0)).isEqualTo(heard.get(1));
    }

    @Test
    void completedAccessesAndDeliveryOffRaiseNoEvent() {
        hypervisor.write(CPU, VA, Bytes.ofInts(1));
        assertThat(heard).isEmpty();
        hypervisor.deliverRaisedFaults(false);
        hypervisor.write(CPU, VA + 0x10_0000, Bytes.ofInts(1));
        assertThat(heard).isEmpty();
    }
}
