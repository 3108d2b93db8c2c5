package org.hvproof.model.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.common.Transition;
import org.junit.jupiter.api.Test;

class TreeModelTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final Writer GUEST = new Writer(1, 0x4000, 0);
    private static final long PAGE = PageRange.PAGE_SIZE;

    private TreeModel model = TreeModel.DEFAULT;
    private TreeState state = TreeState.initial(CFG);

    private TreeStep apply(TreeAction a) {
        TreeStep s = model.step(state, a);
        if (model.flaws().isEmpty()) {
            TreeInvariants.assertHolds(new Transition<>(state, a, s.next(), s.observations()));
        }
        state = s.next();
        return s;
    }

    private Transition<TreeState, TreeAction, TreeObservation> transition(TreeState before, TreeAction a) {
        TreeStep s = model.step(before, a);
        return new Transition<>(before, a, s.next(), s.observations());
    }

    private TreeStep protect(long page, long count, AlertAction action) {
        return apply(new TreeAction.Protect(page * PAGE, count * PAGE, action.requestCode()));
    }

    private TreeStep unprotect(long page, long count) {
        return apply(new TreeAction.Unprotect(page * PAGE, count * PAGE));
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
        for (long p = 0; p < CFG.guestPages(); p++) {
            TreeModel.Lookup l = TreeModel.lookup(state, p);
            assertThat(l.nodesVisited()).isEqualTo(state.depth() + 1);
        }
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
                new Case(new TreeAction.Protect(5 * PAGE + 1, PAGE, 1), RequestCode.UNALIGNED),
                new Case(new TreeAction.Protect(20 * PAGE, PAGE + 3, 1), RequestCode.UNALIGNED),
                new Case(new TreeAction.Protect(20 * PAGE, 0, 1), RequestCode.EMPTY),
                new Case(new TreeAction.Protect(20 * PAGE, -PAGE, 1), RequestCode.EMPTY),
                new Case(new TreeAction.Protect(0, 1L << 40, 1), RequestCode.TOO_LARGE),
                new Case(new TreeAction.Protect((CFG.guestPages() - 1) * PAGE, 2 * PAGE, 1), RequestCode.OUT_OF_RANGE),
                new Case(new TreeAction.Protect(-PAGE, PAGE, 1), RequestCode.OUT_OF_RANGE),
                new Case(new TreeAction.Protect(Long.MAX_VALUE & ~(PAGE - 1), PAGE, 1), RequestCode.OUT_OF_RANGE),
                new Case(new TreeAction.Protect(20 * PAGE, PAGE, 0), RequestCode.UNKNOWN_ACTION),
                new Case(new TreeAction.Protect(20 * PAGE, PAGE, 99), RequestCode.UNKNOWN_ACTION),
                new Case(new TreeAction.Protect(4 * PAGE, 2 * PAGE, 1), RequestCode.OVERLAPS),
                new Case(new TreeAction.Unprotect(5 * PAGE, 3 * PAGE), RequestCode.NOT_PROTECTED),
                new Case(new TreeAction.Unprotect(5 * PAGE + 7, PAGE), RequestCode.UNALIGNED)));
        for (Case c : cases) {
            TreeStep s = apply(c.action());
            assertThat(s.observations()).as(c.toString()).containsExactly(new TreeObservation.RequestResult(c.code()));
            assertThat(state).as(c.toString()).isEqualTo(before);
        }
    }

    @Test
    void aRequestThatExhaustsTheNodePoolChangesNothing() {
        TreeConfig tiny = new TreeConfig(256, 250, 3, 64);
        state = TreeState.initial(tiny);
        TreeState before = state;
        TreeStep s = apply(new TreeAction.Protect(0, 40 * PAGE, 1));
        assertThat(s.observations()).containsExactly(new TreeObservation.RequestResult(RequestCode.POOL_EXHAUSTED));
        assertThat(state).isEqualTo(before);
    }

    @Test
    void untracedSplitNodeFlawIsCaughtByTree4AndTree2() {
        model = TreeModel.withFlaws(Set.of(TreeModelFlaw.SPLIT_NODE_UNTRACED));
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
        model = TreeModel.withFlaws(Set.of(TreeModelFlaw.FREED_NODE_STAYS_TRACED));
        protect(0, 12, AlertAction.BLOCK);
        unprotect(0, 12);
        assertThat(TreeInvariants.TRACES_EXACT.check(state).detail()).contains("stale traces");
    }

    @Test
    void mappingsFirstFlawIsCaughtByTree2OnAMappedNodePage() {
        model = TreeModel.withFlaws(Set.of(TreeModelFlaw.LOOKUP_MAPPINGS_FIRST));
        protect(CFG.poolFirst(), 1, AlertAction.RECORD_AND_ALLOW);
        TreeState before = state;
        TreeAction w = new TreeAction.GuestWrite(GUEST, CFG.poolFirst() * PAGE);
        assertThat(TreeInvariants.NODE_PAGES_ALERT.check(transition(before, w)).holds())
                .isFalse();
    }
}
