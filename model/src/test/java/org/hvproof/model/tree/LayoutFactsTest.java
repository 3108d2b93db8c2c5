package org.hvproof.model.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a layout remembers of itself by identity ({@link LayoutFacts}) is its own: many layouts,
 * equal ones among them, asked in turn (so they share and overwrite the memo's slots), each answer
 * what deriving it afresh from that very layout gives.
 */
class LayoutFactsTest {
    private static final TreeNode.Entry NODE = new TreeNode.Entry(true, Optional.empty());
    private static final TreeNode.Entry BLOCK = new TreeNode.Entry(false, Optional.of(AlertAction.BLOCK));

    /** A one-leaf tree at pool page 768 mapping {@code page}; with {@code broken} the leaf's keys are out of order. */
    private static TreeLayout oneLeaf(long page, boolean broken) {
        List<Long> keys = broken ? List.of(768L, page) : List.of(page, 768L);
        List<TreeNode.Entry> entries = broken ? List.of(NODE, BLOCK) : List.of(BLOCK, NODE);
        return new TreeLayout(new HypervisorCell(Optional.of(768L)), Map.of(768L, new TreeNode.Leaf(keys, entries)));
    }

    /**
     * A well-formed layout's shape walk records its entries: they equal the entries derived
     * directly (asked first, of an equal layout object), for trees of one to four levels.
     */
    @Test
    void entriesRecordedByTheShapeWalkAreTheEntriesDerivedDirectly() {
        TreeConfig config = TreeConfig.small();
        int deep = 0;
        for (int count = 1; count <= 200; count += 7) {
            java.util.SortedMap<Long, AlertAction> mappings = new java.util.TreeMap<>();
            for (long p = 0; p < count; p++) {
                mappings.put(3 * p + (p % 5), p % 2 == 0 ? AlertAction.BLOCK : AlertAction.RECORD_AND_ALLOW);
            }
            TreeLayout legal = BulkLoadedLayouts.forMappings(config, mappings).orElseThrow();
            TreeLayout walkedFirst = new TreeLayout(legal.base(), legal.nodes());
            TreeLayout derivedFirst = new TreeLayout(legal.base(), legal.nodes());
            assertThat(walkedFirst.shapeProblems(BPlusTree.SMALL)).isEmpty();
            assertThat(walkedFirst.entries()).isEqualTo(derivedFirst.entries());
            assertThat(walkedFirst.pagesMarkedAsNodes()).isEqualTo(derivedFirst.pagesMarkedAsNodes());
            assertThat(walkedFirst.entries().size()).isGreaterThanOrEqualTo(count);
            deep = Math.max(deep, legal.depth());
        }
        assertThat(deep).as("trees of depth 2 and more are among them").isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyLayoutGetsItsOwnFactsWhateverWasAskedBefore() {
        List<TreeLayout> layouts = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (long page = 1; page <= 100; page++) {
                layouts.add(oneLeaf(page, page % 3 == 0));
            }
        }
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < layouts.size(); i++) {
                TreeLayout l = layouts.get(i);
                long page = i % 100 + 1;
                boolean broken = page % 3 == 0;
                assertThat(l.entries()).isEqualTo(Map.of(page, BLOCK, 768L, NODE));
                assertThat(l.pagesMarkedAsNodes()).containsExactly(768L);
                if (broken) {
                    assertThat(l.shapeProblems(BPlusTree.SMALL)).anyMatch(p -> p.contains("out of order"));
                } else {
                    assertThat(l.shapeProblems(BPlusTree.SMALL)).isEmpty();
                }
            }
        }
    }
}
