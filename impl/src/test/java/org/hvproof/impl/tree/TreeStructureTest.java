package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeModel;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeState;
import org.junit.jupiter.api.Test;

/**
 * What the tree leaves in memory after its requests, beyond what the model compares: each node
 * page holds exactly its node's encoding (no stale word), a freed page is scrubbed, the height
 * kept beside the base pointer is the tree's, a node splits only when it overflows, a torn-down
 * tree of several levels gives every page back, and a pool too large to index works alike.
 */
class TreeStructureTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final long PAGE = 4096;
    private static final long BLOCK = AlertAction.BLOCK.requestCode();

    private static void protect(TreeSystem sys, long first, long count) {
        assertThat(TreeSystem.requestCodes(sys.protect(first * PAGE, count * PAGE, BLOCK)))
                .containsExactly(RequestCode.OK);
    }

    private static void unprotect(TreeSystem sys, long first, long count) {
        assertThat(TreeSystem.requestCodes(sys.unprotect(first * PAGE, count * PAGE)))
                .containsExactly(RequestCode.OK);
    }

    /**
     * Every node page holds its node's words (the unused ones zero), every page freed since
     * {@code before} is zero, and the height kept beside the base pointer is the layout's depth.
     */
    private static void checkMemory(TreeSystem sys, TreeState before, String when) {
        TreeState s = sys.abstractState();
        int order = sys.config().shape().order();
        int size = 8 * NodeCodec.words(order);
        for (long page : s.nodes().keySet()) {
            long[] words = new long[NodeCodec.words(order)];
            NodeCodec.encode(s.nodes().get(page), order, words);
            byte[] expected = new byte[size];
            for (int i = 0; i < words.length; i++) {
                NodeCodec.LONG_LE.set(expected, 8 * i, words[i]);
            }
            assertThat(sys.guestBytes(page, 0, size))
                    .as("%s: node page %d", when, page)
                    .isEqualTo(expected);
        }
        for (long page : before.nodes().keySet()) {
            if (!s.nodes().containsKey(page)) {
                assertThat(sys.guestBytes(page, 0, size))
                        .as("%s: freed page %d", when, page)
                        .containsOnly(0);
            }
        }
        assertThat(sys.tree().height()).as("%s: height", when).isEqualTo(s.depth());
    }

    @Test
    void requestsLeaveExactNodeWordsScrubbedFreedPagesAndTheTreesHeight() {
        TreeSystem sys = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        SplittableRandom rnd = new SplittableRandom(11);
        int maxDepth = 0;
        for (int i = 0; i < 120; i++) {
            long page = rnd.nextInt(90);
            long count = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 20);
            TreeState before = sys.abstractState();
            if (rnd.nextInt(5) < 3) {
                sys.protect(page * PAGE, count * PAGE, 1 + rnd.nextInt(2));
            } else {
                sys.unprotect(page * PAGE, count * PAGE);
            }
            checkMemory(sys, before, "request " + i);
            maxDepth = Math.max(maxDepth, sys.abstractState().depth());
        }
        assertThat(maxDepth).isGreaterThanOrEqualTo(3);
        // A tree that shrinks, level by level, while mappings stay.
        TreeSystem shrinking = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        protect(shrinking, 0, 40);
        int depth = shrinking.abstractState().depth();
        for (long first = 39; first >= 2; first -= 4) {
            TreeState before = shrinking.abstractState();
            unprotect(shrinking, Math.max(2, first - 3), first - Math.max(2, first - 3) + 1);
            checkMemory(shrinking, before, "unprotect from " + first);
        }
        assertThat(shrinking.abstractState().depth()).isBetween(0, depth - 1);
        assertThat(shrinking.abstractState().mappings()).containsOnlyKeys(0L, 1L);
    }

    @Test
    void encodingANodeClearsEveryWordANodeCanUse() {
        int order = BPlusTree.SMALL.order();
        long[] words = new long[NodeCodec.PAGE_WORDS];
        Arrays.fill(words, -1L);
        TreeNode leaf =
                new TreeNode.Leaf(List.of(5L), List.of(new TreeNode.Entry(false, Optional.of(AlertAction.BLOCK))));
        NodeCodec.encode(leaf, order, words);
        assertThat(Arrays.copyOfRange(words, 3, NodeCodec.words(order))).containsOnly(0L);
        assertThat(words[NodeCodec.words(order)])
                .as("past the node's words: untouched")
                .isEqualTo(-1L);
        assertThat(NodeCodec.decode(words, order)).isEqualTo(leaf);
    }

    @Test
    void aLeafTakesOrderKeysBeforeItSplits() {
        TreeSystem sys = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        int order = CFG.shape().order();
        // The root leaf holds its own page as a key: order - 1 mapped pages fill it.
        protect(sys, 0, order - 1);
        assertThat(sys.tree().height()).isZero();
        assertThat(sys.tree().nodePages().size()).isEqualTo(1);
        protect(sys, order - 1, 1);
        assertThat(sys.tree().height()).isEqualTo(1);
    }

    @Test
    void tearingDownATreeOfSeveralLevelsFreesUntracesAndScrubsEveryNode() {
        TreeSystem sys = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        protect(sys, 0, 40);
        PageSet nodes = sys.tree().nodePages();
        assertThat(sys.tree().height()).isGreaterThanOrEqualTo(2);
        assertThat(nodes.size()).isGreaterThan(8);
        unprotect(sys, 0, 40);
        assertThat(sys.tree().root()).isEmpty();
        assertThat(sys.tree().height()).isEqualTo(-1);
        assertThat(sys.tree().mappedPageCount()).isZero();
        assertThat(sys.tree().freePool().size()).isEqualTo(CFG.poolSize());
        for (long page : nodes) {
            assertThat(sys.tracing().isTraced(new GuestPhysicalPage(page))).isFalse();
            assertThat(sys.guestPage(page)).containsOnly(0);
        }
        assertThat(sys.abstractState()).isEqualTo(TreeState.initial(CFG));
    }

    @Test
    void aPoolTooLargeToIndexWorksAsASmallOne() {
        TreeConfig large = new TreeConfig(5200, 100, 5000, 64, BPlusTree.SMALL);
        TreeSystem sys = new TreeSystem(large, 1, TreeImplFlaw.NONE);
        TreeState state = TreeModel.initial(large);
        for (long first : new long[] {0, 20, 40, 5150, 10}) {
            sys.protect(first * PAGE, 12 * PAGE, BLOCK);
            state = TreeModel.step(
                            state,
                            new org.hvproof.model.tree.TreeAction.Protect(first * PAGE, 12 * PAGE, BLOCK, sys.layout()))
                    .next();
            assertThat(sys.abstractState()).isEqualTo(state);
        }
        sys.unprotect(0, 12 * PAGE);
        state = TreeModel.step(state, new org.hvproof.model.tree.TreeAction.Unprotect(0, 12 * PAGE, sys.layout()))
                .next();
        assertThat(sys.abstractState()).isEqualTo(state);
        assertThat(sys.tree().lookup(5161).mapping()).contains(AlertAction.BLOCK);
    }

    @Test
    void aWriteToATakenPageOtherThanThePoolsFirstIsWrittenAgainAtPublish() {
        TreeSystem sys = new TreeSystem(CFG, 2, TreeImplFlaw.NONE);
        protect(sys, 0, 1);
        sys.startProtect(PAGE, 4 * PAGE, BLOCK);
        PageSet taken = sys.tree().takenPages();
        assertThat(taken.size()).isGreaterThanOrEqualTo(2);
        while (sys.nextStep().orElseThrow() != TreeCommitStep.PUBLISH) {
            sys.continueRequest();
        }
        for (long page : taken) {
            byte[] node = sys.guestPage(page);
            sys.write(1, Privilege.USER, 0x42, page * PAGE, Bytes.ofInts(0x66));
            assertThat(sys.guestPage(page)).as("the write to %d lands", page).isNotEqualTo(node);
        }
        sys.continueRequest(); // PUBLISH
        assertThat(sys.tree().lookup(4).mapping()).contains(AlertAction.BLOCK);
        checkMemory(sys, sys.abstractState(), "after the request");
    }

    @Test
    void midRequestTheStateIsThePublishedTreesEvenForPoolPagesProtectedBefore() {
        TreeSystem sys = new TreeSystem(CFG, 2, TreeImplFlaw.NONE);
        // Pool pages the next requests will take for nodes are protected (so traced) already.
        long pool = CFG.poolFirst();
        protect(sys, pool + 3, 6);
        TreeState before = sys.abstractState();
        sys.startProtect(0, 8 * PAGE, BLOCK);
        assertThat(sys.tree().takenPages().intersects(PageSet.range(pool + 3, 6)))
                .isTrue();
        while (sys.nextStep().orElseThrow() != TreeCommitStep.PUBLISH) {
            sys.continueRequest();
            assertThat(sys.abstractState()).as("before publication").isEqualTo(before);
        }
        sys.continueRequest();
        TreeState published = sys.abstractState();
        while (sys.requestInFlight()) {
            sys.continueRequest();
            assertThat(sys.abstractState()).as("after publication").isEqualTo(published);
        }
        // Unprotecting frees nodes whose pages stay protected (so traced) and pages that do not.
        TreeState full = sys.abstractState();
        sys.startUnprotect(0, 8 * PAGE);
        assertThat(sys.tree().freedPages()).isNotEmpty();
        while (sys.nextStep().orElseThrow() != TreeCommitStep.PUBLISH) {
            sys.continueRequest();
            assertThat(sys.abstractState()).as("before publication").isEqualTo(full);
        }
        sys.continueRequest();
        TreeState after = sys.abstractState();
        assertThat(after.mappings().keySet()).doesNotContain(0L);
        while (sys.requestInFlight()) {
            sys.continueRequest();
            assertThat(sys.abstractState()).as("after publication").isEqualTo(after);
        }
        assertThat(sys.tracing().holds(ViewId.DEFAULT, ProtectedPageTree.OWNER, new GuestPhysicalPage(pool + 3)))
                .isTrue();
    }

    @Test
    void aPoolPageKeepsTheHostFrameItWasFirstUsedThrough() {
        TreeSystem sys = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        protect(sys, 3, 2);
        long root = sys.tree().root().orElseThrow();
        assertThat(root).isEqualTo(CFG.poolFirst());
        // The nested table names a fresh frame for the root's page: the tree's node stays where it
        // wrote it (the pool's frames are pinned), so its own reads and walks still find it.
        long fresh = sys.machine().memory().allocateFrame().orElseThrow();
        sys.machine()
                .defaultView()
                .map(new GuestPhysicalPage(root), fresh, org.hvproof.impl.machine.NestedPermissions.RWX);
        assertThat(sys.tree().lookup(4).mapping()).contains(AlertAction.BLOCK);
        assertThat(sys.tree().mappings()).containsOnlyKeys(3L, 4L);
        protect(sys, 5, 1);
        assertThat(sys.tree().mappings()).containsOnlyKeys(3L, 4L, 5L);
        assertThat(sys.guestPage(root)).as("the fresh frame is not written").containsOnly(0);
    }

    @Test
    void aLeafLeftWithItsMinimumIsNotRebalanced() {
        TreeSystem sys = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        // Filled in key order leaves are half full; pages put between their keys fill some more.
        for (long page = 0; page < 32; page += 2) {
            protect(sys, page, 1);
        }
        for (long page = 1; page < 32; page += 4) {
            protect(sys, page, 1);
        }
        TreeState before = sys.abstractState();
        int min = CFG.shape().min();
        // A mapped key in a non-root leaf that holds more than the minimum.
        long root = before.base().rootPage().orElseThrow();
        long leafPage = -1;
        long key = -1;
        for (long page : before.nodes().keySet()) {
            if (page != root && before.nodes().get(page) instanceof TreeNode.Leaf leaf && leaf.size() == min + 1) {
                for (long k : leaf.keys()) {
                    if (before.mappings().containsKey(k)) {
                        leafPage = page;
                        key = k;
                    }
                }
            }
        }
        assertThat(key).as("a leaf one above the minimum with a mapped key").isNotNegative();
        unprotect(sys, key, 1);
        TreeState after = sys.abstractState();
        assertThat(after.nodes().keySet()).isEqualTo(before.nodes().keySet());
        for (long page : before.nodes().keySet()) {
            if (page != leafPage) {
                assertThat(after.nodes().get(page))
                        .as("node %d", page)
                        .isEqualTo(before.nodes().get(page));
            }
        }
        assertThat(after.nodes().get(leafPage).size()).isEqualTo(min);
    }

    @Test
    void removingAKeyFromALeafAboveTheMinimumChangesThatLeafAlone() {
        TreeSystem sys = new TreeSystem(CFG, 1, TreeImplFlaw.NONE);
        for (long page = 0; page < 80; page += 2) {
            protect(sys, page, 1);
        }
        for (long page = 1; page < 80; page += 4) {
            protect(sys, page, 1);
        }
        assertThat(sys.tree().height()).isGreaterThanOrEqualTo(2);
        int min = CFG.shape().min();
        int checked = 0;
        for (long key = 0; key < 80; key++) {
            TreeState before = sys.abstractState();
            if (!before.mappings().containsKey(key)) {
                continue;
            }
            long leafPage = -1;
            for (long page : before.nodes().keySet()) {
                if (before.nodes().get(page) instanceof TreeNode.Leaf leaf
                        && leaf.keys().contains(key)) {
                    leafPage = page;
                }
            }
            if (before.nodes().get(leafPage).size() <= min) {
                continue;
            }
            unprotect(sys, key, 1);
            TreeState after = sys.abstractState();
            assertThat(after.nodes().keySet())
                    .as("key %d", key)
                    .isEqualTo(before.nodes().keySet());
            for (long page : before.nodes().keySet()) {
                if (page != leafPage) {
                    assertThat(after.nodes().get(page))
                            .as("key %d: node %d", key, page)
                            .isEqualTo(before.nodes().get(page));
                }
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);
    }
}
