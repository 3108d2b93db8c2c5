package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Large pages in the guest's own tables (the PS bit), accessed and dirty bits, and their TLB entries. */
class GuestLargePageTest {
    private static final VCpu CPU = new VCpu(0);
    /** 1 GiB-aligned, so its level-2 and level-3 entries can both be made large leaves. */
    private static final long VA = 0x0000_1234_4000_0000L;

    private TracingSystem system;
    private Machine machine;
    private VirtualCpu cpu;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(1, 1024), TracingImplFlaw.NONE, true);
        machine = system.machine();
        cpu = machine.vcpu(CPU).orElseThrow();
        system.guestOs().map(cpu.cr3(), VA, new GuestPhysicalPage(42), PagePermissions.ALL);
    }

    private long entryAt(int level) {
        return system.guestOs().entryAddress(cpu.cr3(), VA, level).orElseThrow();
    }

    /** Makes the guest's level-{@code level} entry for VA a large leaf of the page at {@code first}. */
    private void largeLeaf(int level, long first) {
        system.guestOs()
                .writeEntry(
                        entryAt(level),
                        GuestPageTableEntry.largeLeaf(new GuestPhysicalPage(first), level, PagePermissions.ALL));
        machine.tlb(cpu).invalidateAll();
    }

    private long gpaOf(long va, AccessKind access) {
        return ((HardwareTranslation.Translated) machine.translate(cpu, va, access)).guestPhysicalAddress();
    }

    @Test
    void aPageSizeBitAtLevelTwoMapsTwoMebibytes() {
        largeLeaf(2, 0);
        assertThat(gpaOf(VA + 0x5_4321, AccessKind.READ)).isEqualTo(0x5_4321L);
        assertThat(gpaOf(VA + 0x1f_f008, AccessKind.WRITE)).isEqualTo(0x1f_f008L);
        assertThat(system.hypervisor().write(CPU, VA + 0x7000, Bytes.ofInts(9))).hasSize(1);
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, 0x7000) & 0xff).isEqualTo(9);
    }

    @Test
    void aPageSizeBitAtLevelThreeMapsOneGibibyte() {
        largeLeaf(3, 0);
        assertThat(gpaOf(VA + 0x3_f008, AccessKind.READ)).isEqualTo(0x3_f008L);
    }

    @Test
    void reservedAddressBitsOfALargeGuestLeafAreAReservedBitFault() {
        largeLeaf(2, 2); // bit 13 of the address: reserved in a 2 MiB leaf
        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(new PageFault(CPU, VA, AccessKind.READ, PageFaultCause.RESERVED_BIT));
        largeLeaf(3, 512); // 2 MiB-aligned only: bit 21 is reserved in a 1 GiB leaf
        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(new PageFault(CPU, VA, AccessKind.READ, PageFaultCause.RESERVED_BIT));
    }

    @Test
    void theRightsOfALargeLeafAreCheckedLikeAnyLeaf() {
        system.guestOs()
                .writeEntry(
                        entryAt(2),
                        GuestPageTableEntry.largeLeaf(new GuestPhysicalPage(0), 2, PagePermissions.KERNEL_CODE));
        assertThat(system.hypervisor().write(CPU, VA + 8, Bytes.ofInts(1)))
                .containsExactly(new PageFault(CPU, VA + 8, AccessKind.WRITE, PageFaultCause.WRITE_PROTECT));
    }

    @Test
    void aSuccessfulWalkSetsAccessedAtEveryLevelAndAWriteSetsDirtyInTheLeafOnly() {
        for (int level = 1; level <= 4; level++) {
            assertThat(system.guestOs().readEntry(entryAt(level)) & GuestPageTableEntry.ACCESSED)
                    .isZero();
        }
        system.hypervisor().read(CPU, VA, 1);
        for (int level = 1; level <= 4; level++) {
            assertThat(system.guestOs().readEntry(entryAt(level)) & GuestPageTableEntry.ACCESSED)
                    .isNotZero();
            assertThat(system.guestOs().readEntry(entryAt(level)) & GuestPageTableEntry.DIRTY)
                    .isZero();
        }
        system.hypervisor().write(CPU, VA, Bytes.ofInts(1));
        assertThat(system.guestOs().readEntry(entryAt(1)) & GuestPageTableEntry.DIRTY)
                .isNotZero();
        assertThat(system.guestOs().readEntry(entryAt(2)) & GuestPageTableEntry.DIRTY)
                .isZero();
    }

    @Test
    void aFaultingWalkSetsNoAccessedBit() {
        system.guestOs().writeEntry(entryAt(1), system.guestOs().readEntry(entryAt(1)) & ~GuestPageTableEntry.WRITABLE);
        system.hypervisor().write(CPU, VA, Bytes.ofInts(1));
        assertThat(system.guestOs().readEntry(entryAt(1)) & GuestPageTableEntry.ACCESSED)
                .isZero();
    }

    @Test
    void withAccessedDirtyOffTheGuestTablesAreOnlyRead() {
        machine.setGuestAccessedDirty(false);
        system.hypervisor().write(CPU, VA, Bytes.ofInts(1));
        assertThat(system.guestOs().readEntry(entryAt(1)) & (GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY))
                .isZero();
    }

    @Test
    void aWriteThroughAnEntryFilledByAReadWalksAgainToSetDirty() {
        system.hypervisor().read(CPU, VA, 1);
        long misses = machine.tlb(cpu).misses();
        system.hypervisor().write(CPU, VA, Bytes.ofInts(1));
        assertThat(machine.tlb(cpu).misses()).isGreaterThan(misses);
        assertThat(system.guestOs().readEntry(entryAt(1)) & GuestPageTableEntry.DIRTY)
                .isNotZero();
        misses = machine.tlb(cpu).misses();
        system.hypervisor().write(CPU, VA + 1, Bytes.ofInts(1));
        assertThat(machine.tlb(cpu).misses()).isEqualTo(misses);
    }

    @Test
    void theTlbCachesALargeTranslationAndInvlpgOfAnyAddressInsideDropsIt() {
        largeLeaf(2, 0); // guest 2 MiB over nested 2 MiB (the system maps RAM with large leaves)
        assertThat(gpaOf(VA + 0x1000, AccessKind.WRITE)).isEqualTo(0x1000L);
        assertThat(machine.tlb(cpu).holdsLargeTranslation(ViewId.DEFAULT, VA + 0x1f_f000))
                .isTrue();
        long misses = machine.tlb(cpu).misses();
        assertThat(gpaOf(VA + 0x1f_f010, AccessKind.WRITE)).isEqualTo(0x1f_f010L);
        assertThat(machine.tlb(cpu).misses()).isEqualTo(misses);
        machine.invlpg(cpu, VA + 0x12_3000);
        assertThat(machine.tlb(cpu).holdsLargeTranslation(ViewId.DEFAULT, VA)).isFalse();
        assertThat(machine.tlb(cpu).size()).isZero();
    }

    @Test
    void theMachinesNestedAccessedDirtyFlagReachesEveryViewAndAWriteMarksTheNestedLeaf() {
        NestedPageTable npt = machine.defaultView();
        system.hypervisor().write(CPU, VA, Bytes.ofInts(1));
        long leafBits = npt.rawLeaf(new GuestPhysicalPage(42)).orElseThrow();
        assertThat(leafBits & (NestedPageTable.ACCESSED | NestedPageTable.DIRTY))
                .isZero();
        machine.setNestedAccessedDirty(true);
        assertThat(machine.addView(new ViewId("audit")).orElseThrow().accessedDirty())
                .isTrue();
        machine.tlb(cpu).invalidateAll();
        system.hypervisor().write(CPU, VA + 8, Bytes.ofInts(1));
        leafBits = npt.rawLeaf(new GuestPhysicalPage(42)).orElseThrow();
        assertThat(leafBits & NestedPageTable.ACCESSED).isNotZero();
        assertThat(leafBits & NestedPageTable.DIRTY).isNotZero();
    }

    @Test
    void withNestedAccessedDirtyTheGuestWalksAccessedUpdateIsANestedWriteToTheTablePage() {
        NestedPageTable npt = machine.defaultView();
        machine.setNestedAccessedDirty(true);
        long leafGpa = system.guestOs().entryAddress(cpu.cr3(), VA, 2).orElseThrow();
        GuestPhysicalPage tablePage = GuestPhysicalPage.containing(leafGpa);
        long before = npt.rawLeaf(tablePage).orElseThrow();
        machine.tlb(cpu).invalidateAll();
        // A read: the data page is only read, yet the walk's accessed-bit update writes the table page.
        system.hypervisor().read(CPU, VA + 16, 1);
        long after = npt.rawLeaf(tablePage).orElseThrow();
        assertThat(before & NestedPageTable.DIRTY).isZero();
        assertThat(after & NestedPageTable.DIRTY).isNotZero();
        assertThat(npt.rawLeaf(new GuestPhysicalPage(42)).orElseThrow() & NestedPageTable.DIRTY)
                .isZero();
    }

    @Test
    void aLargeGuestPageOverSmallNestedPagesIsCachedPerSmallPage() {
        system = new TracingSystem(MachineShape.of(1, 1024), TracingImplFlaw.NONE, false);
        machine = system.machine();
        cpu = machine.vcpu(CPU).orElseThrow();
        system.guestOs().map(cpu.cr3(), VA, new GuestPhysicalPage(42), PagePermissions.ALL);
        largeLeaf(2, 0);
        system.hypervisor().write(CPU, VA + 0x3000, Bytes.ofInts(1));
        assertThat(machine.tlb(cpu).holdsLargeTranslation(ViewId.DEFAULT, VA)).isFalse();
        assertThat(machine.tlb(cpu).writableGuestPhysicalPages(ViewId.DEFAULT)).contains(3L);
    }

    @Test
    void theGuestOsRefusesToDescendIntoItsOwnLargeLeafAsIfItWereATable() {
        long large = 0x0000_2000_0000_0000L;
        GuestPhysicalPage first = new GuestPhysicalPage(0);
        GuestOs os = system.guestOs();
        assertThat(os.mapLarge(cpu.cr3(), large, first, PagePermissions.ALL)).isEqualTo(ErrorCode.OK);
        long leafAt = os.entryAddress(cpu.cr3(), large, 2).orElseThrow();
        system.hypervisor().write(CPU, large + 0x3008, Bytes.ofInts(7));
        long leaf = os.readEntry(leafAt);
        long dataBefore = machine.peekGuestPhysicalLong(ViewId.DEFAULT, first.base() + 8 * 3);
        long entryBefore = machine.peekGuestPhysicalLong(ViewId.DEFAULT, first.base() + 0x3000 + 8);

        // map and unmap of a 4 KiB page inside, and a lookup of its level-1 entry: all refuse alike
        assertThat(os.map(cpu.cr3(), large + 0x3000, new GuestPhysicalPage(42), PagePermissions.ALL))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.unmap(cpu.cr3(), large + 0x1000)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.entryAddress(cpu.cr3(), large + 0x3000, 1)).isEmpty();
        assertThat(os.mapLarge(cpu.cr3(), large, first, PagePermissions.ALL)).isEqualTo(ErrorCode.INVALID_ARGUMENT);

        // the large leaf and the guest data it maps are untouched (the old descent wrote a leaf
        // entry into page 0 at slot 3)
        assertThat(os.readEntry(leafAt)).isEqualTo(leaf);
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, first.base() + 8 * 3))
                .isEqualTo(dataBefore);
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, first.base() + 0x3000 + 8))
                .isEqualTo(entryBefore)
                .isEqualTo(7L);
        assertThat(gpaOf(large + 0x3008, AccessKind.READ)).isEqualTo(first.base() + 0x3008);
    }

    @Test
    void withNestedAccessedDirtyAnAccessedUpdateTheNestedTableRefusesIsAnEptViolation() {
        system = new TracingSystem(MachineShape.of(1, 1024), TracingImplFlaw.NONE, false);
        machine = system.machine();
        cpu = machine.vcpu(CPU).orElseThrow();
        GuestOs os = system.guestOs();
        os.map(cpu.cr3(), VA, new GuestPhysicalPage(42), PagePermissions.ALL);
        long leafGpa = os.entryAddress(cpu.cr3(), VA, 1).orElseThrow();
        GuestPhysicalPage tablePage = GuestPhysicalPage.containing(leafGpa);
        NestedPageTable npt = machine.defaultView();
        system.hypervisor().read(CPU, VA + 8, 1); // backs every page the walk uses
        os.writeEntry(leafGpa, os.readEntry(leafGpa) & ~GuestPageTableEntry.ACCESSED);
        npt.setPermissions(
                tablePage, npt.leaf(tablePage).orElseThrow().permissions().withWrite(false));
        machine.tlb(cpu).invalidateAll();
        machine.setNestedAccessedDirty(true);
        long before = os.readEntry(leafGpa);

        // The walk reads the table page, then its accessed-bit update is a nested write the table
        // page's entry refuses: an EPT violation at the entry's address, the bit left unset.
        assertThat(system.hypervisor().read(CPU, VA + 8, 1))
                .contains(new NptViolation(CPU, leafGpa, AccessKind.WRITE))
                .noneMatch(ValueRead.class::isInstance);
        assertThat(os.readEntry(leafGpa)).isEqualTo(before);
        assertThat(before & GuestPageTableEntry.ACCESSED).isZero();

        // With the flag off the same update is a read for the nested rights: no exit, the bit set.
        machine.setNestedAccessedDirty(false);
        assertThat(system.hypervisor().read(CPU, VA + 8, 1)).singleElement().isInstanceOf(ValueRead.class);
        assertThat(os.readEntry(leafGpa) & GuestPageTableEntry.ACCESSED).isNotZero();
    }
}
