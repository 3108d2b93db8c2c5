package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.Mapping;
import org.junit.jupiter.api.Test;

/**
 * The abstraction's walk of the guest page tables reads each entry as the machine's walker does:
 * a right holds only where every level grants it, the page-size bit makes a leaf only at levels 2
 * and 3, and a large leaf's frame is its address with the PAT bit cleared.
 */
class TracingAbstractionWalkTest {
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x40_0000;
    private static final GuestPhysicalPage PAGE = new GuestPhysicalPage(20);
    private static final PagePermissions ALL = new PagePermissions(true, true, true);

    private final TracingSystem system = new TracingSystem(MachineShape.of(2, 1024));

    private long entryAt(int level) {
        long cr3 = system.machine().vcpu(CPU).orElseThrow().cr3();
        return system.guestOs().entryAddress(cr3, VA, level).orElseThrow();
    }

    private void change(int level, long set, long clear) {
        long at = entryAt(level);
        system.guestOs().writeEntry(at, (system.guestOs().readEntry(at) | set) & ~clear);
    }

    private Map<GuestVirtualPage, Mapping> mappings() {
        return system.abstractState().mappings().get(CPU);
    }

    @Test
    void aRightHoldsOnlyWhereEveryLevelGrantsIt() {
        assertThat(system.apply(new MapPage(CPU, VA, PAGE, ALL))).isEmpty();
        assertThat(mappings()).containsEntry(new GuestVirtualPage(VA), new Mapping(PAGE, ALL));
        change(3, 0, GuestPageTableEntry.USER);
        assertThat(mappings().get(new GuestVirtualPage(VA)).permissions())
                .isEqualTo(new PagePermissions(true, false, true));
        change(4, GuestPageTableEntry.NO_EXECUTE, 0);
        assertThat(mappings().get(new GuestVirtualPage(VA)).permissions())
                .isEqualTo(new PagePermissions(true, false, false));
        change(2, 0, GuestPageTableEntry.WRITABLE);
        assertThat(mappings().get(new GuestVirtualPage(VA)).permissions())
                .isEqualTo(new PagePermissions(false, false, false));
    }

    @Test
    void thePageSizeBitOfALastLevelEntryIsNoLargeLeaf() {
        system.apply(new MapPage(CPU, VA, PAGE, ALL));
        change(1, GuestPageTableEntry.PAGE_SIZE, 0);
        assertThat(mappings()).containsEntry(new GuestVirtualPage(VA), new Mapping(PAGE, ALL));
    }

    @Test
    void thePageSizeBitAtTheTopLevelMapsNothingBelowIt() {
        system.apply(new MapPage(CPU, VA, PAGE, ALL));
        change(4, GuestPageTableEntry.PAGE_SIZE, 0);
        assertThat(mappings()).doesNotContainKey(new GuestVirtualPage(VA));
    }

    @Test
    void aTablePointerJustPastGuestRamMapsNothingBelowIt() {
        system.apply(new MapPage(CPU, VA, PAGE, ALL));
        system.guestOs().writeEntry(entryAt(3), GuestPageTableEntry.table(new GuestPhysicalPage(1024)));
        assertThat(mappings()).doesNotContainKey(new GuestVirtualPage(VA));
    }

    @Test
    void aLargeLeafWithItsPatBitSetMapsFromItsAlignedFrame() {
        system.apply(new MapPage(CPU, VA, PAGE, ALL));
        long at = entryAt(2);
        system.guestOs()
                .writeEntry(
                        at,
                        GuestPageTableEntry.largeLeaf(new GuestPhysicalPage(512), 2, PagePermissions.KERNEL_DATA)
                                | (1L << 12));
        assertThat(mappings().get(new GuestVirtualPage(VA + 0x5000)))
                .isEqualTo(new Mapping(new GuestPhysicalPage(517), PagePermissions.KERNEL_DATA));
        assertThat(mappings()).containsKey(new GuestVirtualPage(VA + (2L << 20) - 4096));
        assertThat(mappings()).doesNotContainKey(new GuestVirtualPage(VA + (2L << 20)));
    }
}
