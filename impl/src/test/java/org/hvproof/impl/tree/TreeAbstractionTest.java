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

    @Test
    void aLeafEntryRewrittenStraightInItsTableFrameIsSeen() {
        GuestPhysicalPage page = new GuestPhysicalPage(600);
        system.hypervisor().populate(ViewId.DEFAULT, page);
        TreeState before = system.abstractState();
        assertThat(before.traced()).doesNotContain(600L);
        // Find the leaf entry's host address by its contents, and clear its write bit in raw memory,
        // behind the nested page table's API.
        HostMemory memory = system.machine().memory();
        long frame = system.machine().defaultView().leaf(page).orElseThrow().hostFrame();
        long hit = -1;
        for (long f = 1; f <= memory.allocatedFrames() && hit < 0; f++) {
            long at = (f << 12) + 8 * (600 % 512);
            long e = memory.readLong(at);
            if ((e >>> 12) == frame && (e & 7) == 7) {
                hit = at;
            }
        }
        assertThat(hit).isPositive();
        memory.writeLong(hit, memory.readLong(hit) & ~2L);
        assertThat(system.abstractState().traced()).contains(600L);
    }

    @Test
    void aChildNodeWrittenStraightIntoHostMemoryIsReadAgain() {
        // Enough pages for a root with leaf children.
        assertThat(system.tree().protect(0x10000, 0x8000, AlertAction.BLOCK.requestCode()))
                .isEqualTo(RequestCode.OK);
        TreeState before = system.abstractState();
        assertThat(before.depth()).isGreaterThanOrEqualTo(1);
        long leafPage = before.nodes().keySet().stream()
                .filter(p -> before.nodes().get(p) instanceof org.hvproof.model.tree.TreeNode.Leaf l
                        && l.keys().contains(16L))
                .findFirst()
                .orElseThrow();
        long frame = system.machine()
                .defaultView()
                .leaf(new GuestPhysicalPage(leafPage))
                .map(NestedEntry::hostFrame)
                .orElseThrow();
        // Clearing the child leaf's header: its page holds no node any more, and its keys are gone.
        system.machine().memory().writeLong(frame << 12, 0L);
        TreeState after = system.abstractState();
        assertThat(after.nodes()).doesNotContainKey(leafPage);
        assertThat(after.mappings()).doesNotContainKey(16L);
    }

    @Test
    void aRequestReadsANodeWrittenStraightIntoHostMemory() {
        assertThat(system.tree().protect(0x3000, 0x2000, AlertAction.BLOCK.requestCode()))
                .isEqualTo(RequestCode.OK);
        TreeState before = system.abstractState();
        HostMemory memory = system.machine().memory();
        long frame = rootFrame(before);
        // The root leaf's second key (page 4) becomes page 5 behind the tree's back; the tree's
        // request must read that, not the node it decoded before (its own decode cache is keyed
        // by the frame's stamp): a stale node would be written back with page 4 still mapped.
        assertThat(memory.readLong((frame << 12) + 24)).isEqualTo(4L);
        memory.writeLong((frame << 12) + 24, 5L);
        assertThat(system.tree().unprotect(0x5000, 0x1000)).isEqualTo(RequestCode.OK);
        assertThat(system.abstractState().mappings()).containsOnlyKeys(3L);
    }

    @Test
    void aGuestWriteToAnUntracedPageGivesTheSameStateObject() {
        system.protect(0x3000, 0x2000, AlertAction.BLOCK.requestCode());
        TreeState before = system.abstractState();
        // Host memory moves (a global stamp), but no table and no node the tree reads does.
        system.write(0, org.hvproof.model.common.Privilege.KERNEL, 0, 0x9000, org.hvproof.model.common.Bytes.ofInts(7));
        assertThat(system.abstractState()).isSameAs(before);
        assertThat(system.tree().readState()).isEqualTo(before);
        assertThat(system.tree().readState()).isSameAs(system.tree().readState());
    }

    @Test
    void theTreesOwnReadsAreCachedUntilANodeIsWritten() {
        assertThat(system.tree().protect(0x3000, 0x2000, AlertAction.BLOCK.requestCode()))
                .isEqualTo(RequestCode.OK);
        var mappings = system.tree().mappings();
        var nodes = system.tree().nodePages();
        assertThat(mappings).containsOnlyKeys(3L, 4L);
        system.write(0, org.hvproof.model.common.Privilege.KERNEL, 0, 0x9000, org.hvproof.model.common.Bytes.ofInts(7));
        assertThat(system.tree().mappings()).isSameAs(mappings);
        assertThat(system.tree().nodePages()).isSameAs(nodes);
        // A key rewritten in the root's frame behind the tree's back.
        TreeState before = system.abstractState();
        HostMemory memory = system.machine().memory();
        long frame = rootFrame(before);
        memory.writeLong((frame << 12) + 8, 5L);
        assertThat(system.tree().mappings()).containsOnlyKeys(4L, 5L);
        // The root's header cleared: no node there any more.
        memory.writeLong(frame << 12, 0L);
        assertThat(system.tree().mappings()).isEmpty();
        assertThat(system.tree().nodePages()).isEmpty();
    }

    @Test
    void nodeMappingsNameEveryNodePageWithTheLeafMappingsItHolds() {
        assertThat(system.tree().nodeMappings()).isEmpty();
        assertThat(system.tree().protect(0x10000, 0x8000, AlertAction.BLOCK.requestCode()))
                .isEqualTo(RequestCode.OK);
        assertThat(system.tree().protect(0x30000, 0x1000, AlertAction.RECORD_AND_ALLOW.requestCode()))
                .isEqualTo(RequestCode.OK);
        TreeState s = system.abstractState();
        var byNode = system.tree().nodeMappings();
        assertThat(byNode.keySet()).containsExactlyElementsOf(s.nodes().keySet());
        java.util.Map<Long, AlertAction> union = new java.util.TreeMap<>();
        for (var e : byNode.entrySet()) {
            var node = s.nodes().get(e.getKey());
            if (node instanceof org.hvproof.model.tree.TreeNode.Interior) {
                assertThat(e.getValue()).as("interior node %d", e.getKey()).isEmpty();
            } else {
                var leaf = (org.hvproof.model.tree.TreeNode.Leaf) node;
                assertThat(leaf.keys()).containsAll(e.getValue().keySet());
                union.putAll(e.getValue());
            }
        }
        assertThat(union).isEqualTo(system.tree().mappings());
        assertThat(union).containsEntry(48L, AlertAction.RECORD_AND_ALLOW).containsEntry(16L, AlertAction.BLOCK);
        assertThat(union).hasSize(9);
    }
}
