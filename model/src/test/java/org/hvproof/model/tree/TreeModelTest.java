package org.hvproof.model.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.model.common.Transition;
import org.junit.jupiter.api.Test;

/**
 * The tree model on its own: requests take their layout from {@link BulkLoadedLayouts}, a chooser
 * that shares nothing with the implementation's splits and merges, so these tests show the model
 * accepts any legal layout and derives traces and pool from it; further tests hand it illegal
 * layouts and show it does not follow them.
 */
class TreeModelTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final Writer GUEST = new Writer(1, 0x4000, 0);
    private static final long PAGE = PageRange.PAGE_SIZE;

    private TreeModelFlaw flaw = TreeModelFlaw.NONE;
    private TreeState state = TreeState.initial(CFG);

    private TreeStep apply(TreeAction a) {
        TreeStep s = TreeModel.step(state, a, flaw);
        if (flaw == TreeModelFlaw.NONE) {
            TreeInvariants.assertHolds(new Transition<>(state, a, s.next(), s.observations()));
        }
        state = s.next();
        return s;
    }

    private Transition<TreeState, TreeAction, TreeObservation> transition(TreeState before, TreeAction a) {
        TreeStep s = TreeModel.step(before, a, flaw);
        return new Transition<>(before, a, s.next(), s.observations());
    }

    /** The bulk-loaded layout for the mappings after mapping (or unmapping) {@code count} pages from {@code page}. */
    private TreeLayout chosen(long page, long count, Optional<AlertAction> action) {
        SortedMap<Long, AlertAction> after = new TreeMap<>(state.mappings());
        for (long p = page; p < page + count; p++) {
            if (action.isPresent()) {
                after.put(p, action.get());
            } else {
                after.remove(p);
            }
        }
        return BulkLoadedLayouts.forMappings(state.config(), after).orElse(state.layout());
    }

    private TreeStep protect(long page, long count, AlertAction action) {
        return apply(new TreeAction.Protect(
                page * PAGE, count * PAGE, action.requestCode(), chosen(page, count, Optional.of(action))));
    }

    private TreeStep unprotect(long page, long count) {
        return apply(new TreeAction.Unprotect(page * PAGE, count * PAGE, chosen(page, count, Optional.empty())));
    }

    private TreeStep write(long page) {
        return apply(new TreeAction.GuestWrite(GUEST, page * PAGE + 8));
    }

    private static List<TreeObservation.Alert> alerts(TreeStep s) {
        return s.observations().stream()
                .filter(TreeObservation.Alert.class::isInstance)
                .map(TreeObservation.Alert.class::cast)
                .toList();
    }

    @Test
    void firstProtectionPlantsARootLeafWhosePageIsTraced() {
        assertThat(protect(10, 1, AlertAction.BLOCK).observations())
                .containsExactly(new TreeObservation.RequestResult(RequestCode.OK));
        assertThat(state.nodePages()).containsExactly(CFG.poolFirst());
        assertThat(state.traced()).containsExactly(10L, CFG.poolFirst());
        assertThat(state.base().rootPage()).contains(CFG.poolFirst());
    }

    @Test
    void insertsSplitNodesAndKeepTheTracedSetExact() {
        for (long p = 0; p < 40; p++) {
            protect(p, 1, AlertAction.RECORD_AND_ALLOW);
        }
        assertThat(state.depth()).isGreaterThanOrEqualTo(2);
        assertThat(state.nodePages().size()).isGreaterThan(10);
        assertThat(TreeInvariants.TRACES_EXACT.check(state).holds()).isTrue();
        assertThat(state.traced()).containsAll(state.nodePages());
    }

    @Test
    void removesMergeNodesFreeTheirPagesAndDropTheirTraces() {
        protect(0, 48, AlertAction.BLOCK);
        int nodesAtPeak = state.nodePages().size();
        unprotect(0, 40);
        assertThat(state.nodePages().size()).isLessThan(nodesAtPeak);
        assertThat(state.traced()).doesNotContainAnyElementsOf(state.freePool());
        unprotect(40, 8);
        assertThat(state.nodes()).isEmpty();
        assertThat(state.traced()).isEmpty();
        assertThat(state.base()).isEqualTo(HypervisorCell.EMPTY);
        assertThat(state.freePool()).hasSize(CFG.poolSize());
    }

    @Test
    void randomInsertsAndRemovesKeepEveryInvariant() {
        Random rnd = new Random(42);
        for (int i = 0; i < 1500; i++) {
            long page = rnd.nextInt((int) CFG.guestPages());
            switch (rnd.nextInt(4)) {
                case 0, 1 -> protect(page, 1 + rnd.nextInt(3), AlertAction.RECORD_AND_ALLOW);
                case 2 -> unprotect(page, 1 + rnd.nextInt(2));
                default -> write(page);
            }
        }
    }

    @Test
    void lookupsVisitAtMostDepthPlusOneNodes() {
        protect(0, 60, AlertAction.BLOCK);
        TreeStep s = write(30);
        assertThat(s.observations()).contains(new TreeObservation.Walk(30, state.depth() + 1, state.depth()));
    }

    @Test
    void writeToMappedPageAlertsWithItsAction() {
        protect(5, 2, AlertAction.RECORD_AND_ALLOW);
        assertThat(alerts(write(6)))
                .containsExactly(
                        new TreeObservation.Alert(6, AlertCause.MAPPED_PAGE, AlertAction.RECORD_AND_ALLOW, GUEST));
    }

    @Test
    void writeToNodePageAlertsWithTheTreeNodeAction() {
        protect(5, 1, AlertAction.RECORD_AND_ALLOW);
        long root = state.base().rootPage().orElseThrow();
        assertThat(alerts(write(root)))
                .containsExactly(new TreeObservation.Alert(root, AlertCause.NODE_PAGE, AlertAction.TREE_NODE, GUEST));
    }

    @Test
    void nodePageResultWinsOverAMappingOfTheSamePage() {
        protect(CFG.poolFirst(), 1, AlertAction.RECORD_AND_ALLOW);
        long root = state.base().rootPage().orElseThrow();
        assertThat(root).isEqualTo(CFG.poolFirst());
        assertThat(state.mappings()).containsKey(root);
        assertThat(alerts(write(root)))
                .extracting(TreeObservation.Alert::action)
                .containsExactly(AlertAction.TREE_NODE);
    }

    @Test
    void aFreedNodePageThatIsStillMappedKeepsItsTraceAndItsMapping() {
        protect(CFG.poolFirst(), 8, AlertAction.BLOCK);
        protect(0, 30, AlertAction.BLOCK);
        unprotect(0, 30);
        for (long p = CFG.poolFirst(); p < CFG.poolFirst() + 8; p++) {
            assertThat(state.traced()).contains(p);
            assertThat(alerts(write(p))).hasSize(1);
        }
    }

    @Test
    void writeToUnprotectedPageIsQuiet() {
        protect(5, 1, AlertAction.BLOCK);
        assertThat(write(7).observations()).isEmpty();
    }

    @Test
    void guestWritesNeverChangeTheTree() {
        protect(0, 20, AlertAction.BLOCK);
        TreeState before = state;
        for (long p : state.nodePages()) {
            write(p);
        }
        assertThat(state).isEqualTo(before);
    }

    @Test
    void hostileRequestsGetAnErrorCodeAndChangeNothing() {
        protect(5, 2, AlertAction.BLOCK);
        TreeState before = state;
        record Case(TreeAction action, RequestCode code) {}
        List<Case> cases = new ArrayList<>(List.of(
                new Case(new TreeAction.Protect(5 * PAGE + 1, PAGE, 1, state.layout()), RequestCode.UNALIGNED),
                new Case(new TreeAction.Protect(20 * PAGE, PAGE + 3, 1, state.layout()), RequestCode.UNALIGNED),
                new Case(new TreeAction.Protect(20 * PAGE, 0, 1, state.layout()), RequestCode.EMPTY),
                new Case(new TreeAction.Protect(20 * PAGE, -PAGE, 1, state.layout()), RequestCode.EMPTY),
                new Case(new TreeAction.Protect(0, 1L << 40, 1, state.layout()), RequestCode.TOO_LARGE),
                new Case(
                        new TreeAction.Protect((CFG.guestPages() - 1) * PAGE, 2 * PAGE, 1, state.layout()),
                        RequestCode.OUT_OF_RANGE),
                new Case(new TreeAction.Protect(-PAGE, PAGE, 1, state.layout()), RequestCode.OUT_OF_RANGE),
                new Case(
                        new TreeAction.Protect(Long.MAX_VALUE & ~(PAGE - 1), PAGE, 1, state.layout()),
                        RequestCode.OUT_OF_RANGE),
                new Case(new TreeAction.Protect(20 * PAGE, PAGE, 0, state.layout()), RequestCode.UNKNOWN_ACTION),
                new Case(new TreeAction.Protect(20 * PAGE, PAGE, 99, state.layout()), RequestCode.UNKNOWN_ACTION),
                new Case(new TreeAction.Protect(4 * PAGE, 2 * PAGE, 1, state.layout()), RequestCode.OVERLAPS),
                new Case(new TreeAction.Unprotect(5 * PAGE, 3 * PAGE, state.layout()), RequestCode.NOT_PROTECTED),
                new Case(new TreeAction.Unprotect(5 * PAGE + 7, PAGE, state.layout()), RequestCode.UNALIGNED)));
        for (Case c : cases) {
            TreeStep s = apply(c.action());
            assertThat(s.observations()).as(c.toString()).containsExactly(new TreeObservation.RequestResult(c.code()));
            assertThat(state).as(c.toString()).isEqualTo(before);
        }
    }

    @Test
    void aRequestThatExhaustsTheNodePoolChangesNothing() {
        TreeConfig tiny = new TreeConfig(256, 250, 3, 64, BPlusTree.SMALL);
        state = TreeState.initial(tiny);
        TreeState before = state;
        TreeStep s = apply(
                new TreeAction.Protect(0, 40 * PAGE, 1, chosen(0, 40, Optional.of(AlertAction.RECORD_AND_ALLOW))));
        assertThat(s.observations()).containsExactly(new TreeObservation.RequestResult(RequestCode.POOL_EXHAUSTED));
        assertThat(state).isEqualTo(before);
    }

    @Test
    void aPoolExhaustedRefusalIsTakenOnlyWhenTheFreePoolIsBelowWhatTheInsertMayTake() {
        // One full root leaf [0 1 2 poolFirst]: protecting page 3 may take three pool pages (a
        // sibling, a root, and one more split for their keys). With three free the refusal is one
        // with room and the model grants the protect; with two it takes the refusal.
        for (int poolSize : new int[] {4, 3}) {
            TreeConfig cfg = new TreeConfig(256, 256 - poolSize, poolSize, 64, BPlusTree.SMALL);
            state = TreeState.initial(cfg);
            protect(0, 3, AlertAction.BLOCK);
            assertThat(state.freePool()).hasSize(poolSize - 1);
            TreeState before = state;
            Transition<TreeState, TreeAction, TreeObservation> t =
                    transition(before, new TreeAction.Protect(3 * PAGE, PAGE, 1, before.layout()));
            RequestCode expected = poolSize == 4 ? RequestCode.OK : RequestCode.POOL_EXHAUSTED;
            assertThat(t.observations())
                    .as("pool of %d", poolSize)
                    .containsExactly(new TreeObservation.RequestResult(expected));
            assertThat(t.after().mappings().containsKey(3L)).isEqualTo(poolSize == 4);
            assertThat(t.after().layout()).isEqualTo(before.layout());
        }
    }

    @Test
    void aRefusalOfAProtectThatSplitsNothingIsNeverTaken() {
        protect(10, 1, AlertAction.BLOCK);
        TreeState before = state;
        assertThat(transition(before, new TreeAction.Protect(11 * PAGE, PAGE, 1, before.layout()))
                        .observations())
                .containsExactly(new TreeObservation.RequestResult(RequestCode.OK));
    }

    @Test
    void untracedSplitNodeFlawIsCaughtByTree4AndTree2() {
        flaw = TreeModelFlaw.SPLIT_NODE_UNTRACED;
        protect(0, 10, AlertAction.BLOCK);
        assertThat(TreeInvariants.TRACES_EXACT.check(state).holds()).isFalse();
        long untraced = state.nodePages().stream()
                .filter(p -> !state.traced().contains(p))
                .findFirst()
                .orElseThrow();
        TreeState before = state;
        TreeAction w = new TreeAction.GuestWrite(GUEST, untraced * PAGE);
        assertThatThrownBy(() -> TreeInvariants.NODE_PAGES_ALERT
                        .check(transition(before, w))
                        .orThrow())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("TREE-2");
    }

    @Test
    void freedNodeStaysTracedFlawIsCaughtByTree4() {
        flaw = TreeModelFlaw.FREED_NODE_STAYS_TRACED;
        protect(0, 12, AlertAction.BLOCK);
        unprotect(0, 12);
        assertThat(TreeInvariants.TRACES_EXACT.check(state).detail()).contains("stale traces");
    }

    @Test
    void mappingsFirstFlawIsCaughtByTree2OnAMappedNodePage() {
        flaw = TreeModelFlaw.LOOKUP_MAPPINGS_FIRST;
        protect(CFG.poolFirst(), 1, AlertAction.RECORD_AND_ALLOW);
        TreeState before = state;
        TreeAction w = new TreeAction.GuestWrite(GUEST, CFG.poolFirst() * PAGE);
        assertThat(TreeInvariants.NODE_PAGES_ALERT.check(transition(before, w)).holds())
                .isFalse();
    }

    @Test
    void anyLegalLayoutIsAcceptedAndTracesAndPoolFollowFromIt() {
        protect(0, 20, AlertAction.BLOCK);
        // A tree on the highest pool pages instead of the lowest: as legal as the other.
        SortedMap<Long, AlertAction> after = new TreeMap<>(state.mappings());
        after.put(30L, AlertAction.RECORD_AND_ALLOW);
        List<Long> fromTop = new ArrayList<>(CFG.pool().pages().boxed().toList());
        java.util.Collections.reverse(fromTop);
        TreeLayout high = BulkLoadedLayouts.onPages(CFG.shape(), fromTop, after).orElseThrow();
        assertThat(high.nodePages()).contains(CFG.poolFirst() + CFG.poolSize() - 1);
        TreeStep step = TreeModel.step(state, new TreeAction.Protect(30 * PAGE, PAGE, 1, high));

        assertThat(TreeModel.illegalLayout(CFG, after, high)).isEmpty();
        assertThat(step.next().layout()).isEqualTo(high);
        assertThat(step.next().traced()).containsAll(high.nodePages()).containsAll(after.keySet());
        assertThat(step.next().freePool()).doesNotContainAnyElementsOf(high.nodePages());
        assertThat(step.next().traced()).hasSize(high.nodePages().size() + after.size());
    }

    @Test
    void anIllegalLayoutIsNotFollowed() {
        protect(0, 6, AlertAction.BLOCK);
        TreeState before = state;
        SortedMap<Long, AlertAction> after = new TreeMap<>(state.mappings());
        after.put(6L, AlertAction.BLOCK);
        TreeLayout legal = BulkLoadedLayouts.forMappings(CFG, after).orElseThrow();
        long leafPage = legal.nodes().entrySet().stream()
                .filter(e -> e.getValue() instanceof TreeNode.Leaf l
                        && l.entries().stream().anyMatch(TreeNode.Entry::nodePage))
                .findFirst()
                .orElseThrow()
                .getKey();
        TreeNode.Leaf leaf = (TreeNode.Leaf) legal.nodes().get(leafPage);
        TreeLayout outside = BulkLoadedLayouts.onPages(
                        CFG.shape(),
                        java.util.stream.LongStream.range(100, 200).boxed().toList(),
                        after)
                .orElseThrow();
        record Case(String why, TreeLayout layout, String problem) {}
        List<Case> cases = List.of(
                new Case("a node outside the pool", outside, "outside the pool"),
                new Case(
                        "a mapping dropped",
                        withLeaf(
                                legal,
                                leafPage,
                                leaf.keys().subList(1, leaf.size()),
                                leaf.entries().subList(1, leaf.size())),
                        "expected"),
                new Case(
                        "a node page unmarked",
                        withLeaf(
                                legal,
                                leafPage,
                                leaf.keys(),
                                leaf.entries().stream()
                                        .map(e -> e.withNodePage(false).withMapping(Optional.of(AlertAction.BLOCK)))
                                        .toList()),
                        "expected"),
                new Case("the old layout, as if the pool ran out", before.layout(), "expected"));
        for (Case c : cases) {
            assertThat(TreeModel.illegalLayout(CFG, after, c.layout()))
                    .as(c.why())
                    .anyMatch(p -> p.contains(c.problem()));
            TreeStep step = TreeModel.step(before, new TreeAction.Protect(6 * PAGE, PAGE, 2, c.layout()));
            assertThat(step.next().layout()).as(c.why()).isEqualTo(before.layout());
            assertThat(step.observations())
                    .as(c.why())
                    .containsExactly(new TreeObservation.RequestResult(RequestCode.OK));
        }
    }

    @Test
    void aLayoutThatIsNoBPlusTreeIsIllegal() {
        SortedMap<Long, AlertAction> one = new TreeMap<>(java.util.Map.of(3L, AlertAction.BLOCK));
        long root = CFG.poolFirst();
        TreeNode.Entry mapped = new TreeNode.Entry(false, Optional.of(AlertAction.BLOCK));
        TreeNode.Entry node = new TreeNode.Entry(true, Optional.empty());
        // An interior root with a single child: unbalanced in the order's sense, and one level too deep.
        TreeLayout deep = new TreeLayout(
                HypervisorCell.pointingAt(root),
                new TreeMap<>(java.util.Map.of(
                        root,
                        new TreeNode.Interior(List.of(), List.of(root + 1)),
                        root + 1,
                        new TreeNode.Leaf(List.of(3L, root, root + 1), List.of(mapped, node, node)))));
        assertThat(TreeModel.illegalLayout(CFG, one, deep)).anyMatch(p -> p.contains("has one child"));
        assertThat(TreeModel.illegalLayout(CFG, new TreeMap<>(), TreeLayout.EMPTY))
                .isEmpty();
        assertThat(TreeModel.illegalLayout(CFG, one, TreeLayout.EMPTY)).contains("no tree, but pages are mapped");
    }

    private static TreeLayout withLeaf(TreeLayout layout, long page, List<Long> keys, List<TreeNode.Entry> entries) {
        SortedMap<Long, TreeNode> nodes = new TreeMap<>(layout.nodes());
        nodes.put(page, new TreeNode.Leaf(keys, entries));
        return new TreeLayout(layout.base(), nodes);
    }
}
