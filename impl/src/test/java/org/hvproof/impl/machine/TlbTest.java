package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The vCPUs' translation caches: filled by walks, used until invalidated, exactly as hardware uses them. */
class TlbTest {
    private static final long VA = 0x0000_7f12_3456_7000L;
    private static final GuestPhysicalPage PAGE = new GuestPhysicalPage(42);

    private TracingSystem system;
    private Machine machine;
    private VirtualCpu cpu0;
    private VirtualCpu cpu1;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(2, 1024));
        machine = system.machine();
        machine.setTranslationCaching(true);
        cpu0 = machine.vcpu(new VCpu(0)).orElseThrow();
        cpu1 = machine.vcpu(new VCpu(1)).orElseThrow();
        system.guestOs().map(cpu0.cr3(), VA, PAGE, PagePermissions.ALL);
        system.guestOs().map(cpu1.cr3(), VA, PAGE, PagePermissions.ALL);
        // The page is backed lazily, on its first access: until then the nested walk exits.
        assertThat(machine.translate(cpu0, VA, AccessKind.WRITE)).isInstanceOf(HardwareTranslation.Exit.class);
        system.hypervisor().write(new VCpu(0), VA, Bytes.ofInts(1));
        machine.setTranslationCaching(true); // start every test from empty caches
    }

    private HardwareTranslation write(VirtualCpu cpu) {
        return machine.translate(cpu, VA + 8, AccessKind.WRITE);
    }

    private void clearGuestWritable(VirtualCpu cpu) {
        long at = system.guestOs().entryAddress(cpu.cr3(), VA, 1).orElseThrow();
        system.guestOs().writeEntry(at, system.guestOs().readEntry(at) & ~GuestPageTableEntry.WRITABLE);
    }

    @Test
    void aWalkFillsTheCacheAndTheNextAccessIsServedFromIt() {
        assertThat(write(cpu0)).isInstanceOf(HardwareTranslation.Translated.class);
        long misses = machine.tlb(cpu0).misses();
        HardwareTranslation again = write(cpu0);
        assertThat(again).isInstanceOf(HardwareTranslation.Translated.class);
        assertThat(machine.tlb(cpu0).misses()).isEqualTo(misses);
        assertThat(machine.tlb(cpu0).hits()).isPositive();
        assertThat(((HardwareTranslation.Translated) again).guestPhysicalAddress())
                .isEqualTo(PAGE.base() + 8);
    }

    @Test
    void aGuestPteMadeReadOnlyStillWritesThroughTheStaleEntryUntilInvlpg() {
        write(cpu0);
        clearGuestWritable(cpu0);
        assertThat(write(cpu0)).as("stale writable entry").isInstanceOf(HardwareTranslation.Translated.class);
        machine.invlpg(cpu0, VA);
        assertThat(write(cpu0)).isEqualTo(new HardwareTranslation.GuestFault(PageFaultCause.WRITE_PROTECT));
    }

    @Test
    void aNestedRightNarrowedTakesEffectOnlyWhereTheViewIsInvalidated() {
        write(cpu0);
        write(cpu1);
        assertThat(machine.defaultView().setPermissions(PAGE, NestedPermissions.RX))
                .isTrue();
        assertThat(write(cpu0)).isInstanceOf(HardwareTranslation.Translated.class);

        machine.invalidateView(cpu0, ViewId.DEFAULT);
        assertThat(write(cpu0)).as("invalidated locally").isInstanceOf(HardwareTranslation.Exit.class);
        assertThat(write(cpu1))
                .as("the other vCPU was not shot down")
                .isInstanceOf(HardwareTranslation.Translated.class);

        machine.shootDown(ViewId.DEFAULT);
        assertThat(write(cpu1)).isInstanceOf(HardwareTranslation.Exit.class);
    }

    @Test
    void anEntryThatDoesNotAllowTheAccessIsDroppedAndTheTablesWalkedAgain() {
        assertThat(machine.translate(cpu0, VA, AccessKind.READ)).isInstanceOf(HardwareTranslation.Translated.class);
        long at = system.guestOs().entryAddress(cpu0.cr3(), VA, 1).orElseThrow();
        system.guestOs().writeEntry(at, system.guestOs().readEntry(at) & ~GuestPageTableEntry.USER);
        cpu0.setPrivilege(Privilege.USER);
        // The cached entry was filled with U set, so it still allows the user read: stale.
        assertThat(machine.translate(cpu0, VA, AccessKind.READ)).isInstanceOf(HardwareTranslation.Translated.class);
        machine.invlpg(cpu0, VA);
        assertThat(machine.translate(cpu0, VA, AccessKind.READ))
                .isEqualTo(new HardwareTranslation.GuestFault(PageFaultCause.USER_SUPERVISOR));
        // A kernel-only entry is not used for a user access: it is dropped and the walk faults.
        cpu0.setPrivilege(Privilege.KERNEL);
        machine.translate(cpu0, VA, AccessKind.READ);
        int before = machine.tlb(cpu0).size();
        cpu0.setPrivilege(Privilege.USER);
        assertThat(machine.translate(cpu0, VA, AccessKind.READ))
                .isEqualTo(new HardwareTranslation.GuestFault(PageFaultCause.USER_SUPERVISOR));
        assertThat(machine.tlb(cpu0).size()).isEqualTo(before - 1);
    }

    @Test
    void movCr3DropsTheVcpusEntriesOfItsViewAndCachingOffCachesNothing() {
        write(cpu0);
        assertThat(machine.tlb(cpu0).size()).isPositive();
        machine.movCr3(cpu0, cpu0.cr3());
        assertThat(machine.tlb(cpu0).size()).isZero();

        machine.setTranslationCaching(false);
        write(cpu0);
        write(cpu0);
        assertThat(machine.tlb(cpu0).size()).isZero();
        assertThat(machine.tlb(cpu0).hits()).isZero();
    }
}
