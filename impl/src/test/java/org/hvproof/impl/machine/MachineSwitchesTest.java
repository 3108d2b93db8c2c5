package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The machine's switches and their defaults (translation caching on, guest accessed/dirty bits
 * on, nested ones off), what switching drops, MOV CR3, a vCPU on a view with no table, and DMA
 * reads of no bytes and up to a refusal.
 */
class MachineSwitchesTest {
    private static final MachineShape SHAPE = MachineShape.of(1, 512);
    private static final long VA = 0x4000_0000L;

    private Machine machine;
    private Hypervisor hypervisor;
    private VirtualCpu cpu;

    @BeforeEach
    void boot() {
        machine = new Machine(SHAPE);
        hypervisor = new Hypervisor(machine);
        GuestOs os = new GuestOs(hypervisor, ViewId.DEFAULT, SHAPE.pageTablePoolFirst(), SHAPE.pageTablePoolPages());
        long cr3 = os.newAddressSpace().orElseThrow();
        cpu = machine.vcpus().get(0);
        cpu.setCr3(cr3);
        os.map(cr3, VA, new GuestPhysicalPage(3), PagePermissions.ALL);
        hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(3));
    }

    @Test
    void cachingAndGuestAccessedDirtyAreOnAndNestedAccessedDirtyOffByDefault() {
        assertThat(machine.translationCaching()).isTrue();
        assertThat(machine.guestAccessedDirty()).isTrue();
        assertThat(machine.nestedAccessedDirty()).isFalse();
        machine.setTranslationCaching(false);
        machine.setGuestAccessedDirty(false);
        machine.setNestedAccessedDirty(true);
        assertThat(machine.translationCaching()).isFalse();
        assertThat(machine.guestAccessedDirty()).isFalse();
        assertThat(machine.nestedAccessedDirty()).isTrue();
    }

    @Test
    void switchingGuestAccessedDirtyDropsEveryCachedTranslation() {
        machine.translate(cpu, VA, AccessKind.WRITE);
        assertThat(machine.tlb(cpu).size()).isEqualTo(1);
        machine.setGuestAccessedDirty(false);
        assertThat(machine.tlb(cpu).size()).isZero();
    }

    @Test
    void movCr3LoadsTheNewRootAndDropsTheVcpusEntriesOfItsView() {
        machine.translate(cpu, VA, AccessKind.READ);
        machine.movCr3(cpu, 0x7000);
        assertThat(cpu.cr3()).isEqualTo(0x7000);
        assertThat(machine.tlb(cpu).size()).isZero();
    }

    @Test
    void aVcpuOnAViewWithNoTableExitsAtItsRoot() {
        cpu.setView(new ViewId("missing"));
        assertThat(machine.translate(cpu, VA, AccessKind.WRITE))
                .isEqualTo(new HardwareTranslation.Exit(
                        new NestedExit(cpu.cr3(), AccessKind.READ, NestedViolationCause.NOT_PRESENT, true)));
        assertThat(machine.vcpu(new VCpu(1))).isEmpty();
    }

    @Test
    void aDmaReadOfNoBytesIsWholeAndAReadUpToARefusalReturnsWhatWasRead() {
        DeviceId nic = new DeviceId(0x0310);
        machine.iommu().attach(nic).orElseThrow();
        long frame = machine.defaultView()
                .leaf(new GuestPhysicalPage(3))
                .orElseThrow()
                .hostFrame();
        machine.memory().write((frame << 12) + 4094, new byte[] {5, 6}, 0, 2);
        machine.iommu().map(nic, new GuestPhysicalPage(3), frame, true, false);

        DmaResult none = machine.dmaRead(nic, 0x3000, 0);
        assertThat(none.whole()).isTrue();
        assertThat(none.data()).isEmpty();
        DmaResult cut = machine.dmaRead(nic, 0x3ffe, 4);
        assertThat(cut.completed()).isEqualTo(2);
        assertThat(cut.data()).containsExactly(5, 6);
        assertThat(cut.fault()).map(DmaFault::busAddress).contains(0x4000L);
        assertThat(machine.dmaWrite(nic, 0x3000, new byte[] {1}).data()).isEmpty();
        assertThatThrownBy(() -> machine.dmaRead(nic, 0x3000, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
