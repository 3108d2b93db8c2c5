package org.hvproof.model.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The most pool pages a protect can take ({@link InsertDemand}) on small trees worked out by hand,
 * order four: a leaf splits at five keys into halves of at least two, node pages are keys too.
 */
class InsertDemandTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final long POOL = CFG.poolFirst();
    private static final TreeNode.Entry BLOCK = new TreeNode.Entry(false, Optional.of(AlertAction.BLOCK));
    private static final TreeNode.Entry NODE = new TreeNode.Entry(true, Optional.empty());

    /** A tree of one root leaf on the first pool page, mapping {@code mapped} (pages below the pool). */
    private static TreeState rootLeaf(long... mapped) {
        List<Long> keys = new ArrayList<>();
        List<TreeNode.Entry> entries = new ArrayList<>();
        PageMap.Builder<AlertAction> mappings = new PageMap.Builder<>();
        for (long p : mapped) {
            keys.add(p);
            entries.add(BLOCK);
            mappings.put(p, AlertAction.BLOCK);
        }
        keys.add(POOL);
        entries.add(NODE);
        TreeLayout layout = new TreeLayout(
                HypervisorCell.pointingAt(POOL),
                PageMap.<TreeNode>empty().with(POOL, 1, new TreeNode.Leaf(keys, entries)));
        PageMap<AlertAction> m = mappings.build();
        PageSet free = PageSet.rangeMinus(POOL, CFG.poolSize(), layout.nodePages());
        TreeState s = new TreeState(CFG, layout, m, layout.nodePages().union(m.keySet()), free, m.size());
        assertThat(TreeModel.illegalLayout(CFG, m, layout)).isEmpty();
        return s;
    }

    private static long most(TreeState s, long first, long count) {
        return InsertDemand.mostNodesToProtect(s, new PageRange(first, count));
    }

    @Test
    void aFirstProtectTakesTheRootLeafOnly() {
        assertThat(most(TreeState.initial(CFG), 10, 1)).isEqualTo(1);
        assertThat(most(TreeState.initial(CFG), 10, 3)).isEqualTo(1);
    }

    @Test
    void anInsertIntoALeafWithRoomTakesNothing() {
        assertThat(most(rootLeaf(0, 1), 2, 1)).isZero();
        assertThat(most(rootLeaf(0), 1, 2)).isZero();
    }

    @Test
    void aFullRootLeafTakesASiblingANewRootAndOneMoreSplitForTheirKeys() {
        // [0 1 2 pool] + 3 splits: a sibling and a root (2 pages); their two keys and the third
        // page they bring split the fuller half once more: 3.
        assertThat(most(rootLeaf(0, 1, 2), 3, 1)).isEqualTo(3);
    }

    @Test
    void aProtectOfANodePageAddsNoKey() {
        assertThat(most(rootLeaf(0, 1, 2), POOL, 1)).isZero();
    }

    @Test
    void theSplitsOfAGroupComeFirstAtOverflowThenEveryMinKeys() {
        assertThat(InsertDemand.splits(4, 0, 4, 2)).isZero();
        assertThat(InsertDemand.splits(3, 1, 4, 2)).isZero();
        assertThat(InsertDemand.splits(4, 1, 4, 2)).isEqualTo(1);
        assertThat(InsertDemand.splits(4, 2, 4, 2)).isEqualTo(1);
        assertThat(InsertDemand.splits(4, 3, 4, 2)).isEqualTo(2);
        assertThat(InsertDemand.splits(0, 9, 4, 2)).isEqualTo(3);
    }
}
