package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.junit.jupiter.api.Test;

/**
 * The abstraction's caches are never stale: a change made behind the tree's back (straight into
 * host memory or the nested page table, as a flawed hypervisor or a bug nobody planted could)
 * shows up in the next abstract state, and a step that changes nothing gives the same state.
 */
class TreeAbstractionTest {
    private final TreeSystem system = new TreeSystem(TreeConfig.small(), 3, TreeImplFlaw.NONE);

    private long rootFrame(TreeState s) {
        long root = s.base().rootPage().orElseThrow();
        return system.machine()
                .defaultView()
                .leaf(new GuestPhysicalPage(root))
                .map(NestedEntry::hostFrame)
                .orElseThrow();
    }

    @Test
    void aStepThatChangesNothingGivesTheSameState() {
        system.protect(0x3000, 0x2000, AlertAction.BLOCK.requestCode());
        TreeState before = system.abstractState();
        assertThat(system.protect(0x3000, 0x1000, AlertAction.BLOCK.requestCode()))
                .isNotEmpty();
        assertThat(system.abstractState()).isSameAs(before);
    }

    @Test
    void aNodeWrittenStraightIntoHostMemoryIsReadAgain() {
        assertThat(system.tree().protect(0x3000, 0x2000, AlertAction.BLOCK.requestCode()))
                .isEqualTo(RequestCode.OK);
        TreeState before = system.abstractState();
        assertThat(before.mappings()).containsOnlyKeys(3L, 4L);
        HostMemory memory = system.machine().memory();
        long frame = rootFrame(before);
        // The root is a leaf: word 1 is its first key (page 3); make it page 5, behind the tree's back.
        assertThat(memory.readLong((frame << 12) + 8)).isEqualTo(3L);
        memory.writeLong((frame << 12) + 8, 5L);
        TreeState after = system.abstractState();
        assertThat(after.mappings()).containsOnlyKeys(4L, 5L);
        // Clearing the root's header: no node there any more.
        memory.writeLong(frame << 12, 0L);
        assertThat(system.abstractState().nodes()).isEmpty();
    }

    @Test
    void aTraceSetStraightInTheNestedPageTableIsSeen() {
        GuestPhysicalPage page = new GuestPhysicalPage(42);
        system.hypervisor().populate(ViewId.DEFAULT, page);
        TreeState before = system.abstractState();
        assertThat(before.traced()).doesNotContain(42L);
        system.machine().defaultView().setPermissions(page, new NestedPermissions(true, false, true));
        assertThat(system.abstractState().traced()).contains(42L);
    }

    @Test
    void aNodePageRemappedToAnotherFrameIsReadFromThatFrame() {
        assertThat(system.tree().protect(0x3000, 0x1000, AlertAction.BLOCK.requestCode()))
                .isEqualTo(RequestCode.OK);
        TreeState before = system.abstractState();
        long root = before.base().rootPage().orElseThrow();
        assertThat(before.nodes()).containsOnlyKeys(root);
        // A fresh (zeroed) frame behind the root's page: the root page now holds no node.
        long fresh = system.machine().memory().allocateFrame().orElseThrow();
        system.machine().defaultView().map(new GuestPhysicalPage(root), fresh, NestedPermissions.RWX);
        assertThat(system.abstractState().nodes()).isEmpty();
    }
}
