package org.hvproof.properties.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.api.Test;

/**
 * The tree generator is sized by the tree it drives, not bound to the traces' 1024-page tree, and
 * interleaves other vCPUs' writes with the micro-steps of a request in flight.
 */
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

    @Test
    void whileARequestIsInFlightOtherVcpusWriteItsPagesBetweenMicroSteps() {
        TreeConfig cfg = TreeTrace.CONFIG;
        PageSet taken = PageSet.of(new long[] {cfg.poolFirst() + 5});
        PageSet freed = PageSet.of(new long[] {cfg.poolFirst() + 9});
        List<TreeSystemAction> drawn = new ArrayList<>();
        PropertyResult r = Property.forAll(TreeActions.of(cfg).forTrace(TreeState.initial(cfg), true, taken, freed))
                .named("draws between micro-steps")
                .tries(1000)
                .verify((TreeSystemAction a) -> drawn.add(a))
                .run(Settings.none().withSeed(5).withQuiet(true));
        assertThat(r.failed()).isFalse();
        assertThat(drawn)
                .noneMatch(a ->
                        a instanceof TreeSystemAction.StartProtect || a instanceof TreeSystemAction.StartUnprotect);
        assertThat(drawn).anyMatch(TreeSystemAction.Continue.class::isInstance);
        // A request drawn now waits for the one in flight; most kinds continue it instead.
        long continues = drawn.stream()
                .filter(TreeSystemAction.Continue.class::isInstance)
                .count();
        long requests = drawn.stream()
                .filter(a -> a instanceof TreeSystemAction.Protect || a instanceof TreeSystemAction.Unprotect)
                .count();
        assertThat(requests).isPositive().isLessThan(continues);
        List<TreeSystemAction.Write> writes = drawn.stream()
                .filter(TreeSystemAction.Write.class::isInstance)
                .map(TreeSystemAction.Write.class::cast)
                .toList();
        assertThat(writes).allMatch(w -> w.vcpu() != 0);
        assertThat(writes).anyMatch(w -> w.gpa() >>> 12 == taken.first());
        assertThat(writes).anyMatch(w -> w.gpa() >>> 12 == freed.first());
    }

    @Test
    void withNoRequestInFlightSomeRequestsStartInMicroStepsAndNoneContinues() {
        TreeConfig cfg = TreeTrace.CONFIG;
        List<TreeSystemAction> drawn = new ArrayList<>();
        PropertyResult r = Property.forAll(
                        TreeActions.of(cfg).forTrace(TreeState.initial(cfg), false, PageSet.EMPTY, PageSet.EMPTY))
                .named("draws with no request in flight")
                .tries(1000)
                .verify((TreeSystemAction a) -> drawn.add(a))
                .run(Settings.none().withSeed(5).withQuiet(true));
        assertThat(r.failed()).isFalse();
        assertThat(drawn).noneMatch(TreeSystemAction.Continue.class::isInstance);
        assertThat(drawn).anyMatch(TreeSystemAction.StartProtect.class::isInstance);
        assertThat(drawn).anyMatch(TreeSystemAction.Protect.class::isInstance);
        assertThat(drawn).anyMatch(w -> w instanceof TreeSystemAction.Write x && x.vcpu() == 0);
    }
}
