package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeObservation;
import org.junit.jupiter.api.Test;

/**
 * Each planted tree flaw that {@link TreeCommitStepsTest} and {@link ProtectedPageTreeTest} do
 * not already run does on the machine what its name says, and the correct tree, given the same
 * requests and writes, does not: the variants the TREE properties must catch are the flaws they
 * claim to be, not some other break.
 */
class TreeFlawPathsTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final long PAGE = 4096;
    private static final long BLOCK = AlertAction.BLOCK.requestCode();
    private static final long RECORD = AlertAction.RECORD_AND_ALLOW.requestCode();

    private static TreeSystem boot(TreeImplFlaw flaw) {
        TreeSystem sys = new TreeSystem(CFG, 2, flaw);
        assertThat(sys.tree().flaw()).isEqualTo(flaw);
        return sys;
    }

    private static RequestCode protect(TreeSystem sys, long first, long count, long action) {
        List<RequestCode> codes = TreeSystem.requestCodes(sys.protect(first * PAGE, count * PAGE, action));
        assertThat(codes).hasSize(1);
        return codes.get(0);
    }

    private static RequestCode unprotect(TreeSystem sys, long first, long count) {
        List<RequestCode> codes = TreeSystem.requestCodes(sys.unprotect(first * PAGE, count * PAGE));
        assertThat(codes).hasSize(1);
        return codes.get(0);
    }

    private static List<TreeObservation.Alert> alerts(List<Observation> seen) {
        return TreeSystem.treeObservations(seen).stream()
                .filter(TreeObservation.Alert.class::isInstance)
                .map(TreeObservation.Alert.class::cast)
                .toList();
    }

    private static boolean traced(TreeSystem sys, long page) {
        return sys.tracing().holds(ViewId.DEFAULT, ProtectedPageTree.OWNER, new GuestPhysicalPage(page));
    }

    @Test
    void mappingsFirstLetsAWriteToAMappedNodePageThroughAsTheMappingsAction() {
        long root = CFG.poolFirst();
        for (TreeImplFlaw flaw : List.of(TreeImplFlaw.NONE, TreeImplFlaw.LOOKUP_MAPPINGS_FIRST)) {
            TreeSystem sys = boot(flaw);
            // The root lands on the pool's first page, which is mapped too: a node page and a mapping.
            assertThat(protect(sys, root, 1, RECORD)).isEqualTo(RequestCode.OK);
            assertThat(sys.tree().lookup(root).nodePage()).isTrue();
            byte[] node = sys.guestPage(root);
            List<TreeObservation.Alert> seen = alerts(sys.write(1, Privilege.USER, 0x40, root * PAGE, Bytes.ofInts(9)));
            assertThat(seen).hasSize(1);
            if (flaw == TreeImplFlaw.NONE) {
                assertThat(seen.get(0).cause()).isEqualTo(AlertCause.NODE_PAGE);
                assertThat(seen.get(0).action()).isEqualTo(AlertAction.TREE_NODE);
                assertThat(sys.guestPage(root)).isEqualTo(node);
            } else {
                assertThat(seen.get(0).cause()).isEqualTo(AlertCause.MAPPED_PAGE);
                assertThat(seen.get(0).action()).isEqualTo(AlertAction.RECORD_AND_ALLOW);
                assertThat(sys.guestPage(root)).isNotEqualTo(node);
            }
        }
    }

    @Test
    void readingLeftSiblingsCostsAWalkOneNodePerChildLeftOfItsPath() {
        TreeSystem correct = boot(TreeImplFlaw.NONE);
        TreeSystem flawed = boot(TreeImplFlaw.WALK_READS_LEFT_SIBLINGS);
        for (TreeSystem sys : List.of(correct, flawed)) {
            assertThat(protect(sys, 0, 6, BLOCK)).isEqualTo(RequestCode.OK);
            assertThat(sys.tree().height()).isEqualTo(1);
        }
        int children = correct.abstractState()
                .nodes()
                .get(correct.tree().root().orElseThrow())
                .size();
        assertThat(children).isGreaterThanOrEqualTo(3);
        // The leftmost leaf: no child left of the path, both read the root and the leaf.
        assertThat(correct.tree().lookup(0).nodesVisited()).isEqualTo(2);
        assertThat(flawed.tree().lookup(0).nodesVisited()).isEqualTo(2);
        // The rightmost leaf (the last pool page's range): the flawed walk reads every other child too.
        long last = CFG.poolFirst() + CFG.poolSize() - 1;
        assertThat(correct.tree().lookup(last).nodesVisited()).isEqualTo(2);
        assertThat(flawed.tree().lookup(last).nodesVisited()).isEqualTo(2 + children - 1);
        // What the walks find is the same: only their cost differs.
        assertThat(flawed.tree().lookup(5).mapping()).contains(AlertAction.BLOCK);
        assertThat(flawed.abstractState().mappings())
                .isEqualTo(correct.abstractState().mappings());
    }

    @Test
    void aFreedNodeKeepsItsTraceAfterAMergeAndAfterATearDown() {
        for (TreeImplFlaw flaw : List.of(TreeImplFlaw.NONE, TreeImplFlaw.FREED_NODE_STAYS_TRACED)) {
            TreeSystem sys = boot(flaw);
            boolean stays = flaw == TreeImplFlaw.FREED_NODE_STAYS_TRACED;
            assertThat(protect(sys, 0, 12, BLOCK)).isEqualTo(RequestCode.OK);
            var nodesBefore = sys.tree().nodePages();
            // Most of the mappings go: leaves merge, the tree stays.
            assertThat(unprotect(sys, 2, 10)).isEqualTo(RequestCode.OK);
            var merged = nodesBefore.minus(sys.tree().nodePages());
            assertThat(merged).as("pages freed by merges").isNotEmpty();
            for (long page : merged) {
                assertThat(traced(sys, page))
                        .as("%s: merged page %d", flaw, page)
                        .isEqualTo(stays);
                assertThat(sys.tree().freePool()).contains(page);
            }
            // The last mappings go: the tree is torn down.
            var nodesLeft = sys.tree().nodePages();
            assertThat(unprotect(sys, 0, 2)).isEqualTo(RequestCode.OK);
            assertThat(sys.tree().root()).isEmpty();
            for (long page : nodesLeft) {
                assertThat(traced(sys, page))
                        .as("%s: torn-down page %d", flaw, page)
                        .isEqualTo(stays);
            }
            assertThat(sys.tree().freePool().size()).isEqualTo(CFG.poolSize());
            // A write to a page the flawed tree still traces: walked, found in no leaf, let through.
            long page = nodesLeft.iterator().next();
            List<Observation> seen = sys.write(1, Privilege.USER, 0, page * PAGE, Bytes.ofInts(5));
            assertThat(alerts(seen)).isEmpty();
            assertThat(TreeSystem.treeObservations(seen))
                    .hasSize(stays ? 1 : 0)
                    .allMatch(TreeObservation.Walk.class::isInstance);
            assertThat(sys.guestPage(page)[0]).isEqualTo((byte) 5);
        }
    }

    @Test
    void aThirtyTwoBitPageNumberProtectsARealPageForARequestFarOutsideGuestMemory() {
        long alias = (1L << 32) + 10;
        TreeSystem correct = boot(TreeImplFlaw.NONE);
        assertThat(protect(correct, alias, 1, BLOCK)).isEqualTo(RequestCode.OUT_OF_RANGE);
        assertThat(correct.tree().lookup(10).mapping()).isEmpty();

        TreeSystem flawed = boot(TreeImplFlaw.REQUEST_PAGE_NUMBER_32_BITS);
        assertThat(protect(flawed, alias, 1, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(flawed.tree().lookup(10).mapping()).contains(AlertAction.BLOCK);
        assertThat(unprotect(flawed, alias, 1)).isEqualTo(RequestCode.OK);
        assertThat(flawed.tree().lookup(10).mapping()).isEmpty();
        // A page number that differs in bit 31 or below is still refused.
        assertThat(protect(flawed, (1L << 31) + 10, 1, BLOCK)).isEqualTo(RequestCode.OUT_OF_RANGE);
    }

    @Test
    void aSharedViewGetsNoNodePageTraceWhenOnlyTheDefaultViewIsTraced() {
        ViewId shared = new ViewId("shared");
        ViewId own = new ViewId("own");
        for (TreeImplFlaw flaw : List.of(TreeImplFlaw.NONE, TreeImplFlaw.NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY)) {
            TreeSystem sys = boot(flaw);
            assertThat(protect(sys, 0, 2, BLOCK)).isEqualTo(RequestCode.OK);
            long root = sys.tree().root().orElseThrow();
            sys.machine().addView(shared).orElseThrow();
            sys.hypervisor().shareFrames(shared, ViewId.DEFAULT);
            sys.machine().addView(own).orElseThrow();
            // The next request covers the new views: a node page traced before it, one taken by it.
            assertThat(protect(sys, 20, 12, BLOCK)).isEqualTo(RequestCode.OK);
            boolean correct = flaw == TreeImplFlaw.NONE;
            assertThat(sys.tree().coveredViews())
                    .containsExactlyElementsOf(correct ? List.of(ViewId.DEFAULT, shared) : List.of(ViewId.DEFAULT));
            for (long page : sys.tree().nodePages()) {
                GuestPhysicalPage p = new GuestPhysicalPage(page);
                assertThat(sys.tracing().holds(ViewId.DEFAULT, ProtectedPageTree.OWNER, p))
                        .isTrue();
                assertThat(sys.tracing().holds(shared, ProtectedPageTree.OWNER, p))
                        .as("%s: node page %d in the shared view", flaw, page)
                        .isEqualTo(correct);
                assertThat(sys.tracing().holds(own, ProtectedPageTree.OWNER, p))
                        .as("a view with frames of its own maps no node page")
                        .isFalse();
            }
            assertThat(sys.tree().nodePages()).contains(root);
        }
    }

    @Test
    void anUntracedSplitLeavesTheSplitsSiblingUntracedButTheFirstRootAndTheNewRootTraced() {
        for (TreeImplFlaw flaw : List.of(TreeImplFlaw.NONE, TreeImplFlaw.SPLIT_NODE_UNTRACED)) {
            TreeSystem sys = boot(flaw);
            assertThat(protect(sys, 0, 1, BLOCK)).isEqualTo(RequestCode.OK);
            long first = CFG.poolFirst();
            assertThat(traced(sys, first)).isTrue();
            // The root leaf overflows: the split takes the next pool page, the new root the one after.
            assertThat(protect(sys, 1, 3, BLOCK)).isEqualTo(RequestCode.OK);
            assertThat(sys.tree().height()).isEqualTo(1);
            long sibling = first + 1;
            long newRoot = sys.tree().root().orElseThrow();
            assertThat(newRoot).isEqualTo(first + 2);
            assertThat(traced(sys, first)).isTrue();
            assertThat(traced(sys, newRoot)).isTrue();
            assertThat(traced(sys, sibling)).isEqualTo(flaw == TreeImplFlaw.NONE);
            assertThat(sys.tree().lookup(sibling).nodePage()).isTrue();
        }
    }

    @Test
    void aGuestHeldBasePointerSaysTheRootAsPagePlusOneAndNothingAsZero() {
        TreeSystem sys = boot(TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        long pointerPage = sys.tree().guestPointerPage();
        assertThat(pointerPage).isEqualTo(CFG.poolFirst() - 1);
        assertThat(protect(sys, 0, 2, BLOCK)).isEqualTo(RequestCode.OK);
        long root = sys.tree().root().orElseThrow();
        assertThat(sys.machine().peekGuestPhysicalLong(ViewId.DEFAULT, pointerPage * PAGE))
                .isEqualTo(root + 1);
        assertThat(unprotect(sys, 0, 2)).isEqualTo(RequestCode.OK);
        assertThat(sys.machine().peekGuestPhysicalLong(ViewId.DEFAULT, pointerPage * PAGE))
                .isZero();
        assertThat(sys.tree().root()).isEmpty();
        // The correct tree keeps the pointer out of guest memory: the page stays as it was.
        TreeSystem correct = boot(TreeImplFlaw.NONE);
        assertThat(protect(correct, 0, 2, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(correct.machine().peekGuestPhysicalLong(ViewId.DEFAULT, pointerPage * PAGE))
                .isZero();
    }

    @Test
    void withThePoolAtPageZeroThereIsNoGuestPageBelowItAndTheBasePointerStaysInTheCell() {
        TreeConfig low = new TreeConfig(1024, 0, 256, 64, CFG.shape());
        TreeSystem sys = new TreeSystem(low, 2, TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        assertThat(TreeSystem.requestCodes(sys.protect(300 * PAGE, 2 * PAGE, BLOCK)))
                .containsExactly(RequestCode.OK);
        assertThat(sys.tree().root()).contains(0L);
        assertThat(sys.tree().lookup(301).mapping()).contains(AlertAction.BLOCK);
        assertThat(sys.abstractState().mappings()).containsOnlyKeys(300L, 301L);
    }

    @Test
    void aGuestHeldBasePointerIsFollowedToAGuestWrittenLeafAtPageZero() {
        TreeSystem sys = boot(TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        int order = CFG.shape().order();
        long[] leaf = new long[NodeCodec.words(order)];
        leaf[0] = NodeCodec.header(NodeCodec.LEAF, 1);
        leaf[1] = 7;
        leaf[2] = BLOCK << 8;
        TreeRequestEdgesTest.writeWords(sys, 0, leaf);
        TreeRequestEdgesTest.pointAt(sys, 0);
        assertThat(sys.tree().lookup(7).mapping()).contains(AlertAction.BLOCK);
        assertThat(sys.tree().mappings()).containsOnlyKeys(7L);
        assertThat(sys.abstractState().mappings()).containsOnlyKeys(7L);
    }

    @Test
    void aGuestHeldBasePointerNamingAPageNoNodeCanBeAtReadsAsNoTree() {
        TreeSystem sys = boot(TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        // A page of the guest's page-table pool, above the tree's pages, and the first page past
        // guest-physical addressing.
        for (long page : List.of(CFG.guestPages() + 10, org.hvproof.model.common.GuestPhysicalPage.LIMIT)) {
            TreeRequestEdgesTest.pointAt(sys, page);
            assertThat(sys.tree().lookup(7).mapping()).isEmpty();
            assertThat(sys.tree().mappings()).isEmpty();
            assertThat(sys.abstractState().mappings()).isEmpty();
            assertThat(sys.abstractState().nodes()).isEmpty();
        }
    }

    @Test
    void aCyclicGuestWrittenTreeIsReadByTheTreeAndItsAbstractionInLinearTime() {
        TreeSystem flawed = new TreeSystem(CFG, 2, TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        int order = CFG.shape().order();
        long[] words = new long[NodeCodec.words(order)];
        words[0] = NodeCodec.header(NodeCodec.INTERIOR, 2);
        words[1] = 50;
        words[NodeCodec.childrenAt(order)] = 100;
        words[NodeCodec.childrenAt(order) + 1] = 100;
        TreeRequestEdgesTest.writeWords(flawed, 100, words);
        TreeRequestEdgesTest.pointAt(flawed, 100);
        assertThat(flawed.tree().mappings()).isEmpty();
        assertThat(flawed.tree().nodePages()).contains(100L);
        assertThat(flawed.tree().nodeMappings()).containsOnlyKeys(100L);
        assertThat(flawed.abstractState().nodes().keySet()).containsExactly(100L);
    }

    @Test
    void reservingTheWorstCaseUpFrontRefusesAProtectThePoolHasRoomFor() {
        // Ten pool pages, no tree yet (height 0 for the reserve): four pages reserve (4 + 1) * 2 =
        // 10 and are granted; five reserve 12 and the flawed tree refuses them, though their
        // insert takes far fewer pages, as the dry run and the correct tree say.
        TreeConfig ten = new TreeConfig(1024, 1014, 10, 64, CFG.shape());
        TreeSystem flawed = new TreeSystem(ten, 2, TreeImplFlaw.REFUSES_WITH_ROOM);
        assertThat(protect(flawed, 0, 4, BLOCK)).isEqualTo(RequestCode.OK);
        TreeSystem flawedToo = new TreeSystem(ten, 2, TreeImplFlaw.REFUSES_WITH_ROOM);
        int need = flawedToo.tree().nodesToProtect(0, 5).orElseThrow();
        assertThat(need).isLessThan(10);
        assertThat(protect(flawedToo, 0, 5, BLOCK)).isEqualTo(RequestCode.POOL_EXHAUSTED);
        assertThat(flawedToo.tree().freePoolSize()).isEqualTo(10);
        TreeSystem correct = new TreeSystem(ten, 2, TreeImplFlaw.NONE);
        assertThat(protect(correct, 0, 5, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(correct.tree().freePoolSize()).isEqualTo(10 - need);
    }

    @Test
    void everyPlantedFlawAndOnlyThoseNameTheClaimsThatCatchThem() {
        for (TreeImplFlaw flaw : TreeImplFlaw.values()) {
            assertThat(flaw.caughtBy().isEmpty()).as("%s", flaw).isEqualTo(flaw == TreeImplFlaw.NONE);
        }
    }

    @Test
    void aGuestWrittenLeafJustPastThePoolIsEditedLikeAnyPageOutsideIt() {
        // A pool in the middle of guest memory: the page just past it is ordinary guest RAM.
        TreeConfig mid = new TreeConfig(1024, 512, 256, 64, CFG.shape());
        TreeSystem sys = new TreeSystem(mid, 2, TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        long past = mid.poolFirst() + mid.poolSize();
        int order = CFG.shape().order();
        long[] leaf = new long[NodeCodec.words(order)];
        leaf[0] = NodeCodec.header(NodeCodec.LEAF, 2);
        leaf[1] = 7;
        leaf[2] = BLOCK << 8;
        leaf[3] = 8;
        leaf[4] = BLOCK << 8;
        TreeRequestEdgesTest.writeWords(sys, past, leaf);
        TreeRequestEdgesTest.pointAt(sys, past);
        assertThat(sys.tree().lookup(8).mapping()).contains(AlertAction.BLOCK);
        // The edit reads the node from the page (outside the pool) and writes it back there.
        assertThat(protect(sys, 9, 1, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(sys.tree().root()).contains(past);
        assertThat(sys.tree().lookup(9).mapping()).contains(AlertAction.BLOCK);
        assertThat(sys.tree().mappings()).containsOnlyKeys(7L, 8L, 9L);
        // A zeroed page there holds no node: a request is refused, not thrown.
        TreeRequestEdgesTest.writeWords(sys, past, new long[NodeCodec.words(order)]);
        assertThat(protect(sys, 20, 1, BLOCK)).isEqualTo(RequestCode.OUT_OF_RANGE);
    }
}
