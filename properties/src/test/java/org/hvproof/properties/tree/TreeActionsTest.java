package org.hvproof.properties.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.api.Test;

/** The tree generator is sized by the tree it drives, not bound to the traces' 1024-page tree. */
class TreeActionsTest {
    private static final long PAGE = 4096;

    @Test
    void aGeneratorForAnotherTreeDrawsThatTreesEdges() {
        TreeConfig cfg = new TreeConfig(96, 64, 32, 4, BPlusTree.SMALL);
        List<TreeSystemAction> drawn = new ArrayList<>();
        PropertyResult r = Property.forAll(TreeActions.of(cfg).forState(TreeState.initial(cfg)))
                .named("draws for a 96-page tree")
                .tries(1000)
                .verify((TreeSystemAction a) -> drawn.add(a))
                .run(Settings.none().withSeed(5).withQuiet(true));
        assertThat(r.failed()).isFalse();
        List<Long> protectedFirst = drawn.stream()
                .filter(TreeSystemAction.Protect.class::isInstance)
                .map(a -> ((TreeSystemAction.Protect) a).start())
                .filter(start -> start % PAGE == 0)
                .map(start -> start / PAGE)
                .toList();
        // this tree's edges: the first and last pool page, the last page of its memory, the end of
        // the machine's memory (its pages and the page-table pool above them)
        assertThat(protectedFirst).contains(63L, 64L, 95L, 96L, 96L + 256 - 1);
    }
}
