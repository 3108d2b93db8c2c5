package org.hvproof.impl.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.domains.DomainsObservation.Fault;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.DomainsObservation.ReadValue;
import org.hvproof.model.domains.DomainsObservation.Returned;
import org.hvproof.model.domains.Ids.DomainId;
import org.junit.jupiter.api.Test;

/**
 * The protection-domain service at the edges of its inputs, where an off-by-one would change an
 * answer: CR3 values at both ends of the guest-physical range, page 0 as a table entry, an
 * ordinary jump, the registry, and the device-table flaw's one code path.
 */
class DomainsServiceEdgesTest {
    private static final long SECRET = 0x5EC12E7L;

    private final DomainsSystem system = new DomainsSystem(DomainLayout.standard(), SECRET);

    private VirtualCpu cpu(int v) {
        return system.machine().vcpus().get(v);
    }

    @Test
    void rootCodeLoadsCr3WithTheFirstAndTheLastGuestPageButNotBeyond() {
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(0, 0))).isEmpty();
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(0, GuestPhysicalPage.LIMIT - 1)))
                .isEmpty();
        assertThat(cpu(0).cr3()).isEqualTo((GuestPhysicalPage.LIMIT - 1) << 12);
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(0, GuestPhysicalPage.LIMIT)))
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        assertThat(cpu(0).cr3()).isEqualTo((GuestPhysicalPage.LIMIT - 1) << 12);
    }

    @Test
    void aTableEntryMayNameGuestPageZero() {
        cpu(0).setRegister(0, 0x1234);
        assertThat(system.apply(new DomainsSystemAction.Write(0, 0, Map.of(0, 0L, 5, 0L))))
                .isEmpty();
        assertThat(system.apply(new DomainsSystemAction.Read(0, 5)))
                .containsExactly(new ReadValue(0, DomainId.ROOT, 0x1234));
    }

    @Test
    void aJumpTheRootNptAllowsMovesTheInstructionPointerAndNothingElse() {
        long target = (DomainLayout.codePage(0) << 12) + 0x40;
        assertThat(system.apply(new DomainsSystemAction.Transfer(0, target))).isEmpty();
        assertThat(cpu(0).instructionPointer()).isEqualTo(target);
        assertThat(system.service().currentDomain(0)).isZero();
    }

    @Test
    void anEventForANegativeVcpuIsRefusedAndLeavesVcpuZeroInItsDomain() {
        assertThat(system.apply(new DomainsSystemAction.Transfer(0, DomainLayout.gateAddress(1))))
                .hasSize(1);
        for (int vcpu : new int[] {-1, Integer.MIN_VALUE}) {
            assertThat(system.apply(new DomainsSystemAction.Event(vcpu, 32, false)))
                    .containsExactly(new Fault(vcpu, DomainId.ROOT, FaultKind.NO_SUCH_VCPU));
            assertThat(system.apply(new DomainsSystemAction.Event(vcpu, 14, true)))
                    .containsExactly(new Fault(vcpu, DomainId.ROOT, FaultKind.NO_SUCH_VCPU));
        }
        assertThat(system.service().currentDomain(0)).isEqualTo(1);
        // and the next real event reports its own return only
        assertThat(system.apply(new DomainsSystemAction.Event(0, 32, false)))
                .singleElement()
                .isInstanceOf(Returned.class);
    }

    @Test
    void onlyTheSecureDomainsAreRegistered() {
        assertThat(system.service().domains().keySet()).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void theDeviceReachesASecurePageOnlyWithTheDeviceTableFlaw() {
        long secure = DomainLayout.dataPage(1);
        assertThat(system.apply(new DomainsSystemAction.DeviceWrite(0, secure)))
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.DMA_REFUSED));
        DomainsSystem flawed =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.SECURE_FRAMES_IN_DEVICE_TABLE);
        assertThat(flawed.apply(new DomainsSystemAction.DeviceWrite(0, DomainLayout.dataPage(2))))
                .isEmpty();
    }

    private long rootFrame(long page) {
        return system.machine()
                .defaultView()
                .leaf(new GuestPhysicalPage(page))
                .orElseThrow()
                .hostFrame();
    }

    @Test
    void aRootReadTouchesItsTableFrameAndTheDataFrameAndAWriteTheFrameWritten() {
        system.apply(new DomainsSystemAction.Read(0, 2));
        assertThat(system.framesTouchedByLastAccess())
                .contains(rootFrame(DomainLayout.tablePage(0)), rootFrame(DomainLayout.dataPage(0)));
        system.apply(new DomainsSystemAction.Write(0, 2, Map.of()));
        assertThat(system.framesTouchedByLastAccess()).contains(rootFrame(DomainLayout.dataPage(0)));
    }
}
