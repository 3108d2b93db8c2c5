package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageMap;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeInvariants;
import org.hvproof.model.tree.TreeModel;
import org.hvproof.model.tree.TreeNode;
import org.hvproof.model.tree.TreeState;
import org.junit.jupiter.api.Test;

/**
 * The tree at its real node capacity ({@link BPlusTree#PAGE_SIZED}: 255 keys, a node filling its
 * 4 KiB page) keeps the TREE invariants over a generated workload of 100,000 mappings, and a
 * look-up reads exactly depth + 1 nodes (TREE-5). No timing: the benchmark is {@code ./hvproof
 * bench --tree-scale}.
 */
class PageSizedTreeTest {
    private static final long PAGE = 4096;
    private static final int MAPPINGS = 100_000;

    @Test
    void aPageSizedNodeFillsItsPageInTheNodeEncoding() {
        int order = BPlusTree.PAGE_SIZED.order();
        assertThat(order).isEqualTo(255);
        assertThat(new TreeConfig(16, 8, 8, 1).shape()).as("the default order").isEqualTo(BPlusTree.PAGE_SIZED);
        assertThat(NodeCodec.words(order)).isEqualTo(BPlusTree.PAGE_SIZED.nodeWords());
        assertThat(8 * NodeCodec.words(order)).isLessThanOrEqualTo(BPlusTree.PAGE_BYTES);
        // one key more would not fit the page's words beside the header
        assertThat(8 * NodeCodec.words(order + 1)).isGreaterThan(BPlusTree.PAGE_BYTES);
        // a full leaf and a full interior node encode into the page and decode to themselves
        List<Long> keys = new ArrayList<>();
        List<TreeNode.Entry> entries = new ArrayList<>();
        for (long k = 0; k < order; k++) {
            keys.add(3 * k + 1);
            entries.add(new TreeNode.Entry(k % 3 == 0, java.util.Optional.of(AlertAction.BLOCK)));
        }
        TreeNode leaf = new TreeNode.Leaf(keys, entries);
        TreeNode interior = new TreeNode.Interior(keys.subList(1, order), keys);
        for (TreeNode node : List.of(leaf, interior)) {
            long[] words = new long[NodeCodec.PAGE_WORDS];
            NodeCodec.encode(node, order, words);
            assertThat(NodeCodec.decode(words, order)).isEqualTo(node);
            // a decoder of the small order refuses the full page-sized node
            assertThat(NodeCodec.decode(words, BPlusTree.SMALL.order())).isNull();
        }
    }

    @Test
    void aHundredThousandMappingsKeepTheTreeInvariantsAndEveryWalkReadsDepthPlusOneNodes() {
        int poolPages = 2 * MAPPINGS / (BPlusTree.PAGE_SIZED.min() - 2) + 256;
        long span = 3L * MAPPINGS;
        TreeConfig cfg = new TreeConfig(span + poolPages, span, poolPages, 64, BPlusTree.PAGE_SIZED);
        TreeSystem sys = new TreeSystem(cfg, 1, TreeImplFlaw.NONE);
        ProtectedPageTree tree = sys.tree();
        SplittableRandom rnd = new SplittableRandom(20261204L);
        TreeMap<Long, AlertAction> expected = new TreeMap<>();
        // Runs of 1 to 64 pages at random starts, refused where they overlap, until 100,000 are mapped.
        while (expected.size() < MAPPINGS) {
            long first = rnd.nextLong(span);
            long count = Math.min(1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(64) : 0), span - first);
            AlertAction action = rnd.nextBoolean() ? AlertAction.BLOCK : AlertAction.RECORD_AND_ALLOW;
            boolean free = expected.subMap(first, first + count).isEmpty();
            RequestCode code = tree.protect(first * PAGE, count * PAGE, action.requestCode());
            assertThat(code).isEqualTo(free ? RequestCode.OK : RequestCode.OVERLAPS);
            if (free) {
                for (long p = first; p < first + count; p++) {
                    expected.put(p, action);
                }
            }
        }
        assertHolds(sys, expected);
        // Remove a third of them, in runs, so that leaves borrow and merge and the tree shrinks.
        List<Long> mapped = new ArrayList<>(expected.keySet());
        for (int i = 0; i < mapped.size(); i += 3) {
            long p = mapped.get(i);
            long run = 1;
            while (run < 8 && expected.containsKey(p + run)) {
                run++;
            }
            if (expected.containsKey(p)) {
                assertThat(tree.unprotect(p * PAGE, run * PAGE)).isEqualTo(RequestCode.OK);
                expected.subMap(p, p + run).clear();
            }
        }
        assertHolds(sys, expected);
    }

    /** Every TREE state invariant holds, the layout is legal for the mappings, and every walk reads depth + 1 nodes. */
    private static void assertHolds(TreeSystem sys, TreeMap<Long, AlertAction> expected) {
        TreeState s = sys.abstractState();
        assertThat(s.config().shape()).isEqualTo(BPlusTree.PAGE_SIZED);
        // 67,000 to 100,000 keys: beyond one leaf, within the depth bound of the order (2)
        assertThat(s.depth())
                .isBetween(
                        1,
                        BPlusTree.PAGE_SIZED.depthBound(
                                expected.size() + s.nodes().size()));
        for (ClaimCheck c : TreeInvariants.ALL.checkState(s)) {
            assertThat(c.holds()).as(c.toString()).isTrue();
        }
        assertThat(TreeModel.illegalLayout(s.config(), expected, s.layout())).isEmpty();
        assertThat(s.mappings()).isEqualTo(PageMap.copyOf(expected));
        // nodes are well filled: not one node page per few keys, as at the small order
        assertThat(s.nodes().size()).isLessThan(expected.size() / BPlusTree.PAGE_SIZED.min() + 16);
        ProtectedPageTree tree = sys.tree();
        int checked = 0;
        for (Map.Entry<Long, AlertAction> e : expected.entrySet()) {
            if (checked++ % 7 != 0) {
                continue;
            }
            ProtectedPageTree.Lookup l = tree.lookup(e.getKey());
            assertThat(l.mapping()).contains(e.getValue());
            assertThat(l.nodesVisited()).isEqualTo(s.depth() + 1);
        }
        for (long node : s.nodePages()) {
            ProtectedPageTree.Lookup l = tree.lookup(node);
            assertThat(l.nodePage()).isTrue();
            assertThat(l.nodesVisited()).isEqualTo(s.depth() + 1);
        }
    }
}
