package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.junit.jupiter.api.Test;

/**
 * Where guest RAM begins and ends for the hypervisor's backing calls: page 0 and the last page
 * are RAM, the page after is not, on the machine's shape and on a smaller guest's limit; every
 * call that backs or maps (populate, populateRange, mapLarge, the loader's stores) draws the line
 * in the same place and refuses past it without throwing.
 */
class GuestRamBoundsTest {
    private static final long PAGES = 1024;

    private final Hypervisor hypervisor = new Hypervisor(new Machine(MachineShape.of(1, PAGES)));
    private final Machine machine = hypervisor.machine();

    private boolean backed(ViewId view, long page) {
        return machine.view(view)
                .orElseThrow()
                .leaf(new GuestPhysicalPage(page))
                .isPresent();
    }

    @Test
    void pageZeroAndTheLastPageAreRamAndThePageAfterIsNot() {
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(0)))
                .isTrue();
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(PAGES - 1)))
                .isTrue();
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(PAGES)))
                .isFalse();
        assertThat(backed(ViewId.DEFAULT, PAGES)).isFalse();
        assertThat(hypervisor.populate(new ViewId("none"), new GuestPhysicalPage(0)))
                .as("a view that does not exist")
                .isFalse();
    }

    @Test
    void aGuestRamLimitMustLieWithinTheMachinesAndBoundsTheViewAndItsSharers() {
        ViewId small = new ViewId("small");
        ViewId sharer = new ViewId("sharer");
        machine.addView(small);
        machine.addView(sharer);
        assertThatThrownBy(() -> hypervisor.limitGuestRam(small, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hypervisor.limitGuestRam(small, PAGES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        hypervisor.limitGuestRam(small, PAGES);
        assertThat(hypervisor.guestRamPages(small)).isEqualTo(PAGES);
        hypervisor.limitGuestRam(small, 1);
        hypervisor.shareFrames(sharer, small);

        assertThat(hypervisor.guestRamPages(small)).isEqualTo(1);
        assertThat(hypervisor.guestRamPages(sharer)).isEqualTo(1);
        assertThat(hypervisor.guestRamPages(ViewId.DEFAULT)).isEqualTo(PAGES);
        assertThat(hypervisor.populate(sharer, new GuestPhysicalPage(0))).isTrue();
        assertThat(hypervisor.populate(sharer, new GuestPhysicalPage(1))).isFalse();
        assertThat(hypervisor.populate(small, new GuestPhysicalPage(1))).isFalse();
    }

    @Test
    void aViewIsBackedByItsSourceAlongTheWholeChainOfSharing() {
        ViewId middle = new ViewId("middle");
        ViewId top = new ViewId("top");
        ViewId apart = new ViewId("apart");
        machine.addView(middle);
        machine.addView(top);
        machine.addView(apart);
        hypervisor.shareFrames(middle, ViewId.DEFAULT);
        hypervisor.shareFrames(top, middle);

        assertThat(hypervisor.backedBy(top, ViewId.DEFAULT)).isTrue();
        assertThat(hypervisor.backedBy(top, middle)).isTrue();
        assertThat(hypervisor.backedBy(middle, ViewId.DEFAULT)).isTrue();
        assertThat(hypervisor.backedBy(ViewId.DEFAULT, ViewId.DEFAULT)).isTrue();
        assertThat(hypervisor.backedBy(ViewId.DEFAULT, top)).isFalse();
        assertThat(hypervisor.backedBy(apart, ViewId.DEFAULT)).isFalse();

        assertThat(hypervisor.populate(top, new GuestPhysicalPage(9))).isTrue();
        long frame = machine.defaultView()
                .leaf(new GuestPhysicalPage(9))
                .orElseThrow()
                .hostFrame();
        assertThat(machine.view(top).orElseThrow().leaf(new GuestPhysicalPage(9)))
                .contains(new NestedEntry(frame, NestedPermissions.RWX));
    }

    /**
     * Views sharing frames round a cycle (a misconfiguration that would send backing round the
     * chain for ever) are refused at set-up, for a cycle of two and of three; the chain before it stays.
     */
    @Test
    void aCycleOfSharingViewsIsRefusedAtSetUp() {
        ViewId a = new ViewId("a");
        ViewId b = new ViewId("b");
        ViewId c = new ViewId("c");
        machine.addView(a);
        machine.addView(b);
        machine.addView(c);
        hypervisor.shareFrames(a, b);
        assertThatThrownBy(() -> hypervisor.shareFrames(b, a)).isInstanceOf(IllegalArgumentException.class);
        hypervisor.shareFrames(b, c);
        assertThatThrownBy(() -> hypervisor.shareFrames(c, a)).isInstanceOf(IllegalArgumentException.class);
        assertThat(hypervisor.backedBy(a, c)).isTrue();
        assertThat(hypervisor.backedBy(c, a)).isFalse();
        assertThat(hypervisor.backedBy(a, ViewId.DEFAULT)).isFalse();
    }

    @Test
    void aViewCannotShareItsOwnFramesNorShareThemWithNoRights() {
        assertThatThrownBy(() -> hypervisor.shareFrames(ViewId.DEFAULT, ViewId.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hypervisor.shareFrames(
                        new ViewId("x"), ViewId.DEFAULT, new NestedPermissions(false, false, false)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSharingViewMapsEachPageItBacksWithItsOwnRights() {
        ViewId noExecute = new ViewId("no-execute");
        machine.addView(noExecute);
        NestedPermissions rw = new NestedPermissions(true, true, false);
        hypervisor.shareFrames(noExecute, ViewId.DEFAULT, rw);
        assertThat(hypervisor.populate(noExecute, new GuestPhysicalPage(4))).isTrue();
        assertThat(machine.view(noExecute).orElseThrow().leaf(new GuestPhysicalPage(4)))
                .map(NestedEntry::permissions)
                .contains(rw);
        assertThat(machine.defaultView().leaf(new GuestPhysicalPage(4)))
                .map(NestedEntry::permissions)
                .contains(NestedPermissions.RWX);
        assertThat(hypervisor.populateRange(noExecute, 5, 2)).isTrue();
        assertThat(machine.view(noExecute).orElseThrow().leaf(new GuestPhysicalPage(6)))
                .map(NestedEntry::permissions)
                .contains(rw);
        assertThat(hypervisor.populateRange(noExecute, PAGES - 1, 2)).isFalse();
    }

    @Test
    void aRangeMayEndAtTheLastPageOfRamAndBeEmptyButNotReachPastIt() {
        assertThat(hypervisor.populateRange(ViewId.DEFAULT, PAGES - 2, 2)).isTrue();
        assertThat(backed(ViewId.DEFAULT, PAGES - 1)).isTrue();
        assertThat(hypervisor.populateRange(ViewId.DEFAULT, 0, 0)).isTrue();
        assertThat(backed(ViewId.DEFAULT, 0)).isFalse();
        assertThat(hypervisor.populateRange(ViewId.DEFAULT, PAGES - 1, 2)).isFalse();
        assertThat(hypervisor.populateRange(ViewId.DEFAULT, -1, 2)).isFalse();
        assertThat(hypervisor.populateRange(ViewId.DEFAULT, 3, -1)).isFalse();
        assertThat(hypervisor.populateRange(new ViewId("none"), 0, 1)).isFalse();
        assertThat(backed(ViewId.DEFAULT, 0)).isFalse();
    }

    @Test
    void aLargeMappingMayEndAtTheLastPageOfRamButNotReachPastIt() {
        Hypervisor oneShort = new Hypervisor(new Machine(MachineShape.of(1, PAGES - 1)));
        assertThat(oneShort.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(512), NestedPageTable.LEVEL_2M))
                .isFalse();
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(1024), NestedPageTable.LEVEL_2M))
                .isFalse();
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(256), NestedPageTable.LEVEL_2M))
                .as("unaligned")
                .isFalse();
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), 1))
                .isFalse();
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), 4))
                .isFalse();
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), NestedPageTable.LEVEL_1G))
                .as("a gibibyte is more than this guest's RAM")
                .isFalse();
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(512), NestedPageTable.LEVEL_2M))
                .isTrue();
        assertThat(machine.defaultView().leafSize(new GuestPhysicalPage(PAGES - 1)))
                .isEqualTo(2L << 20);

        ViewId sharer = new ViewId("sharer");
        machine.addView(sharer);
        hypervisor.shareFrames(sharer, ViewId.DEFAULT);
        assertThat(hypervisor.mapLarge(sharer, new GuestPhysicalPage(0), NestedPageTable.LEVEL_2M))
                .as("a sharing view maps its source's frames, never large ones of its own")
                .isFalse();
        assertThat(hypervisor.mapLarge(new ViewId("none"), new GuestPhysicalPage(0), NestedPageTable.LEVEL_2M))
                .isFalse();
    }

    @Test
    void theLoadersStoresLandOnlyAtAlignedAddressesOfRam() {
        long last = (PAGES << 12) - 8;
        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, last, 0x1122L))
                .isTrue();
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, last)).isEqualTo(0x1122L);
        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, 0, 0x33L)).isTrue();
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, 0)).isEqualTo(0x33L);

        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, last + 8, 1))
                .isFalse();
        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, 4, 1)).isFalse();
        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, -8, 1)).isFalse();
        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, GuestPhysicalPage.LIMIT << 12, 1))
                .isFalse();
        assertThat(hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, (GuestPhysicalPage.LIMIT << 12) - 8, 1))
                .isFalse();
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, 0)).isEqualTo(0x33L);
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, -8)).isZero();
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, GuestPhysicalPage.LIMIT << 12))
                .isZero();
        assertThat(machine.peekGuestPhysicalLong(new ViewId("none"), 0)).isZero();
    }

    @Test
    void clearingAGuestPageZeroesItOnlyInRam() {
        hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, 0x5008, 7);
        assertThat(hypervisor.clearGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(5)))
                .isTrue();
        assertThat(machine.peekGuestPhysicalLong(ViewId.DEFAULT, 0x5008)).isZero();
        assertThat(hypervisor.clearGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(PAGES)))
                .isFalse();
    }
}
