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
                    assertThat(l.shapeProblems()).anyMatch(p -> p.contains("out of order"));
                } else {
                    assertThat(l.shapeProblems()).isEmpty();
                }
            }
        }
    }
}
