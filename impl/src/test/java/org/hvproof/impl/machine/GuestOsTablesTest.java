package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guest OS's table building at its limits: a pool that hands out exactly its pages, large
 * leaves next to the pool (touching it, not overlapping it) and over it, its own TLB shootdown
 * after every change, and guest tables that point past guest RAM, where its stores refuse.
 */
class GuestOsTablesTest {
    private static final long POOL_FIRST = 1024;
    private static final long POOL_PAGES = 512;
    private static final MachineShape SHAPE = new MachineShape(1, 4096, POOL_FIRST, POOL_PAGES);
    /** 2 MiB-aligned. */
    private static final long VA = 0x4000_0000L;

    private Hypervisor hypervisor;
    private Machine machine;
    private VirtualCpu cpu;
    private GuestOs os;
    private long cr3;

    @BeforeEach
    void boot() {
        machine = new Machine(SHAPE);
        hypervisor = new Hypervisor(machine);
        os = new GuestOs(hypervisor, ViewId.DEFAULT, POOL_FIRST, POOL_PAGES);
        cr3 = os.newAddressSpace().orElseThrow();
        cpu = machine.vcpus().get(0);
        cpu.setCr3(cr3);
    }

    /** Where {@code va} lands now, after a read backs the page (the hypervisor backs guest RAM on first touch). */
    private long gpaOf(long va) {
        hypervisor.read(new VCpu(0), va, 1);
        return ((HardwareTranslation.Translated) machine.translate(cpu, va, AccessKind.READ)).guestPhysicalAddress();
    }

    @Test
    void thePoolHandsOutExactlyItsPagesInOrder() {
        GuestOs small = new GuestOs(hypervisor, ViewId.DEFAULT, 3000, 3);
        assertThat(small.newAddressSpace()).hasValue(3000L << 12);
        assertThat(small.newAddressSpace()).hasValue(3001L << 12);
        assertThat(small.newAddressSpace()).hasValue(3002L << 12);
        assertThat(small.newAddressSpace()).isEmpty();
        assertThat(small.tablePagesUsed()).isEqualTo(3);
        assertThat(small.isPool(2999)).isFalse();
        assertThat(small.isPool(3002)).isTrue();
        assertThat(small.isPool(3003)).isFalse();

        long root = new GuestOs(hypervisor, ViewId.DEFAULT, 3003, 1)
                .newAddressSpace()
                .orElseThrow();
        GuestOs full = new GuestOs(hypervisor, ViewId.DEFAULT, 3004, 0);
        assertThat(full.map(root, VA, new GuestPhysicalPage(7), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OUT_OF_MEMORY);
        assertThat(full.mapLarge(root, VA, new GuestPhysicalPage(0), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OUT_OF_MEMORY);
    }

    @Test
    void aPoolOutsideTheGuestsRamGivesNoTables() {
        hypervisor.limitGuestRam(ViewId.DEFAULT, POOL_FIRST);
        GuestOs beyond = new GuestOs(hypervisor, ViewId.DEFAULT, POOL_FIRST + 1, 4);
        assertThat(beyond.newAddressSpace()).isEmpty();
        assertThat(beyond.tablePagesUsed()).isZero();
    }

    @Test
    void aLargeLeafMayTouchThePoolButNotOverlapIt() {
        assertThat(os.mapLarge(cr3, VA, new GuestPhysicalPage(POOL_FIRST - 512), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        assertThat(os.mapLarge(cr3, VA + 0x20_0000, new GuestPhysicalPage(POOL_FIRST), PagePermissions.ALL))
                .isEqualTo(ErrorCode.RESERVED_PAGE);
        assertThat(os.mapLarge(
                        cr3, VA + 0x40_0000, new GuestPhysicalPage(POOL_FIRST + POOL_PAGES), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        assertThat(gpaOf(VA + 0x40_1234)).isEqualTo(((POOL_FIRST + POOL_PAGES) << 12) + 0x1234);
    }

    @Test
    void aLargeLeafNeedsACanonicalAlignedAddressAlignedPagesAndAFreeSlot() {
        GuestPhysicalPage first = new GuestPhysicalPage(0);
        assertThat(os.mapLarge(cr3, VA + 0x1000, first, PagePermissions.ALL)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.mapLarge(cr3, 1L << 47, first, PagePermissions.ALL)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.mapLarge(cr3, VA, new GuestPhysicalPage(256), PagePermissions.ALL))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.mapLarge(cr3, VA, first, PagePermissions.ALL)).isEqualTo(ErrorCode.OK);
        assertThat(os.mapLarge(cr3, VA, new GuestPhysicalPage(512), PagePermissions.ALL))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.map(cr3, VA + 0x3000, new GuestPhysicalPage(9), PagePermissions.ALL))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.unmap(cr3, VA + 0x3000)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(gpaOf(VA + 0x3000)).isEqualTo(0x3000L);
    }

    @Test
    void everyChangeOfAMappingIsShotDownOnEveryVcpu() {
        assertThat(os.map(cr3, VA, new GuestPhysicalPage(5), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        assertThat(gpaOf(VA)).isEqualTo(5L << 12);
        assertThat(os.map(cr3, VA, new GuestPhysicalPage(6), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        assertThat(gpaOf(VA)).isEqualTo(6L << 12);
        assertThat(os.unmap(cr3, VA)).isEqualTo(ErrorCode.OK);
        assertThat(machine.translate(cpu, VA, AccessKind.READ)).isInstanceOf(HardwareTranslation.GuestFault.class);

        // The level-2 slot emptied by a raw store (no shootdown): mapLarge's own shootdown drops the stale entry.
        assertThat(os.map(cr3, VA, new GuestPhysicalPage(6), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        assertThat(gpaOf(VA)).isEqualTo(6L << 12);
        assertThat(os.writeEntry(os.entryAddress(cr3, VA, 2).orElseThrow(), 0)).isTrue();
        assertThat(os.mapLarge(cr3, VA, new GuestPhysicalPage(512), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        assertThat(gpaOf(VA)).isEqualTo(512L << 12);
    }

    @Test
    void unmapRefusesNonCanonicalAddressesAndIgnoresWhatTheTablesDoNotReach() {
        assertThat(os.unmap(cr3, 1L << 47)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.map(cr3, 1L << 47, new GuestPhysicalPage(5), PagePermissions.ALL))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(os.unmap(cr3, VA)).isEqualTo(ErrorCode.OK);
        assertThat(os.entryAddress(cr3, VA, 1)).isEmpty();
        assertThat(os.tablePagesUsed()).isEqualTo(1);
    }

    @Test
    void tablesPointingPastGuestRamRefuseTheOsStores() {
        long beyond = SHAPE.guestPhysicalPages() + 10;
        assertThat(os.map(cr3, VA, new GuestPhysicalPage(5), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OK);
        // The level-2 entry names a last-level table past RAM: the leaf cannot be stored.
        long level2 = os.entryAddress(cr3, VA, 2).orElseThrow();
        assertThat(os.writeEntry(level2, GuestPageTableEntry.table(new GuestPhysicalPage(beyond))))
                .isTrue();
        assertThat(os.map(cr3, VA, new GuestPhysicalPage(6), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OUT_OF_RANGE);
        // The level-3 entry names a level-2 table past RAM: the new table cannot be linked.
        long level3 = os.entryAddress(cr3, VA, 3).orElseThrow();
        assertThat(os.writeEntry(level3, GuestPageTableEntry.table(new GuestPhysicalPage(beyond))))
                .isTrue();
        long used = os.tablePagesUsed();
        assertThat(os.map(cr3, VA, new GuestPhysicalPage(6), PagePermissions.ALL))
                .isEqualTo(ErrorCode.OUT_OF_RANGE);
        assertThat(os.tablePagesUsed()).isEqualTo(used + 1);
        assertThat(os.mapLarge(cr3, VA, new GuestPhysicalPage(0), PagePermissions.ALL))
                .as("the large leaf's slot lies past RAM")
                .isEqualTo(ErrorCode.OUT_OF_RANGE);
        assertThat(os.writeEntry(beyond << 12, 1)).isFalse();
        assertThat(os.readEntry(beyond << 12)).isZero();
        assertThat(os.readEntry(level3)).isEqualTo(GuestPageTableEntry.table(new GuestPhysicalPage(beyond)));
    }
}
