package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageSet;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.junit.jupiter.api.Test;

/**
 * A tree request runs as the micro-steps of its commit ({@link TreeCommitStep}) under the tree
 * lock: in their order, taking effect at {@link TreeCommitStep#PUBLISH} alone, one request at a
 * time; a refused request leaves nothing behind; a write between two micro-steps cannot change
 * what the request publishes unseen.
 */
class TreeCommitStepsTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final long PAGE = 4096;
    private static final long BLOCK = AlertAction.BLOCK.requestCode();

    private static TreeSystem system(TreeImplFlaw flaw) {
        return new TreeSystem(CFG, 2, flaw);
    }

    /** Runs the request in flight to its end, the micro-steps it ran in order. */
    private static List<TreeCommitStep> finish(TreeSystem sys) {
        List<TreeCommitStep> ran = new ArrayList<>();
        while (sys.requestInFlight()) {
            ran.add(sys.nextStep().orElseThrow());
            sys.continueRequest();
        }
        return ran;
    }

    /** Runs the request in flight until {@code step} is the next micro-step. */
    private static void runUpTo(TreeSystem sys, TreeCommitStep step) {
        while (sys.nextStep().orElseThrow() != step) {
            sys.continueRequest();
        }
    }

    /** Protects pages {@code [first, first + count)} whole. */
    private static void protect(TreeSystem sys, long first, long count) {
        assertThat(TreeSystem.requestCodes(sys.protect(first * PAGE, count * PAGE, BLOCK)))
                .containsExactly(RequestCode.OK);
    }

    private static boolean traced(TreeSystem sys, long page) {
        return sys.tracing().isTraced(new GuestPhysicalPage(page));
    }

    @Test
    void theMicroStepsRunInOrderAndTheRequestTakesEffectAtPublish() {
        TreeSystem sys = system(TreeImplFlaw.NONE);
        TreeState before = sys.abstractState();
        assertThat(sys.startProtect(10 * PAGE, 2 * PAGE, BLOCK)).isEmpty();
        List<TreeCommitStep> ran = new ArrayList<>();
        while (sys.nextStep().orElse(null) != TreeCommitStep.PUBLISH) {
            ran.add(sys.nextStep().orElseThrow());
            assertThat(sys.continueRequest()).isEmpty();
            assertThat(sys.abstractState())
                    .as("before publication, after %s", ran)
                    .isEqualTo(before);
            assertThat(sys.tree().lookup(10).mapping()).isEmpty();
        }
        List<Observation> published = sys.continueRequest();
        assertThat(TreeSystem.requestCodes(published)).containsExactly(RequestCode.OK);
        assertThat(sys.tree().lookup(10).mapping()).contains(AlertAction.BLOCK);
        ran.add(TreeCommitStep.PUBLISH);
        ran.addAll(finish(sys));
        assertThat(ran).containsExactly(TreeCommitStep.values());
        assertThat(sys.abstractState().mappings().keySet()).containsExactly(10L, 11L);
    }

    @Test
    void aTakenPageIsTracedBeforeItIsWrittenAndAFreedOneUntracedOnlyAfterPublish() {
        TreeSystem sys = system(TreeImplFlaw.NONE);
        sys.startProtect(0, PAGE, BLOCK);
        long root = CFG.poolFirst();
        assertThat(sys.tree().takenPages()).containsExactly(root);
        assertThat(traced(sys, root)).isFalse();
        sys.continueRequest(); // TRACE_TAKEN
        assertThat(traced(sys, root)).isTrue();
        assertThat(sys.guestPage(root)).containsOnly(0);
        sys.continueRequest(); // WRITE_TAKEN
        assertThat(sys.guestPage(root)).isNotEqualTo(new byte[(int) PAGE]);
        finish(sys);

        sys.startUnprotect(0, PAGE);
        assertThat(sys.tree().freedPages()).containsExactly(root);
        while (sys.nextStep().orElseThrow() != TreeCommitStep.UNTRACE_FREED) {
            sys.continueRequest();
            assertThat(traced(sys, root)).as("after %s", sys.nextStep()).isTrue();
            assertThat(sys.tree().freeBits().get(0)).isFalse();
        }
        assertThat(sys.tree().root()).isEmpty();
        assertThat(sys.abstractState().freePool()).contains(root);
        sys.continueRequest();
        assertThat(traced(sys, root)).isFalse();
        assertThat(sys.tree().freeBits().get(0)).isTrue();
        assertThat(sys.requestInFlight()).isFalse();
    }

    @Test
    void aWriteToATakenPageAfterItsNodeIsWrittenLandsAndTheNodeIsWrittenAgainAtPublish() {
        TreeSystem sys = system(TreeImplFlaw.NONE);
        sys.startProtect(0, PAGE, BLOCK);
        long root = CFG.poolFirst();
        sys.continueRequest(); // TRACE_TAKEN
        sys.continueRequest(); // WRITE_TAKEN
        byte[] node = sys.guestPage(root);
        List<Observation> seen = sys.write(1, Privilege.USER, 0x42, root * PAGE, Bytes.ofInts(0x7777));
        // The published tree does not have the page yet: quiet, and the write lands.
        assertThat(TreeSystem.treeObservations(seen)).isEmpty();
        assertThat(sys.guestPage(root)).isNotEqualTo(node);
        sys.continueRequest(); // PUBLISH
        assertThat(sys.guestPage(root)).isEqualTo(node);
        assertThat(sys.tree().lookup(0).mapping()).contains(AlertAction.BLOCK);
    }

    @Test
    void notWrittenAgainTheGuestsBytesArePublishedAsTheNodeThoughTheWriteWasNotified() {
        TreeSystem sys = system(TreeImplFlaw.TAKEN_NODE_NOT_WRITTEN_AGAIN);
        sys.startProtect(0, PAGE, BLOCK);
        long root = CFG.poolFirst();
        sys.continueRequest(); // TRACE_TAKEN
        sys.continueRequest(); // WRITE_TAKEN
        sys.write(1, Privilege.USER, 0x42, root * PAGE, Bytes.ofInts(0x7777));
        finish(sys);
        assertThat(sys.tree().root()).contains(root);
        assertThat(sys.tree().lookup(0).mapping()).isEmpty();
    }

    @Test
    void scrubbedBeforePublishThePublishedTreeNamesAZeroedPage() {
        TreeSystem sys = system(TreeImplFlaw.FREED_NODE_SCRUBBED_BEFORE_PUBLISH);
        protect(sys, 0, 1);
        long root = CFG.poolFirst();
        sys.startUnprotect(0, PAGE);
        runUpTo(sys, TreeCommitStep.PUBLISH);
        assertThat(sys.tree().root()).contains(root);
        assertThat(sys.guestPage(root)).containsOnly(0);
        assertThat(sys.tree().lookup(0).mapping()).isEmpty();
    }

    @Test
    void writtenBeforeTracedTheGuestsBytesArePublishedAsTheNode() {
        TreeSystem sys = system(TreeImplFlaw.NODE_WRITTEN_BEFORE_TRACED);
        sys.startProtect(0, PAGE, BLOCK);
        long root = CFG.poolFirst();
        assertThat(sys.nextStep()).contains(TreeCommitStep.WRITE_TAKEN);
        sys.continueRequest();
        assertThat(traced(sys, root)).isFalse();
        sys.write(1, Privilege.USER, 0x42, root * PAGE, Bytes.ofInts(0x7777));
        finish(sys);
        assertThat(sys.tree().root()).contains(root);
        assertThat(sys.tree().lookup(0).mapping()).isEmpty();
    }

    @Test
    void untracedBeforePublishAFreedNodePageIsFreeAndUntracedWhileThePublishedTreeNamesIt() {
        TreeSystem sys = system(TreeImplFlaw.FREED_NODE_UNTRACED_BEFORE_PUBLISH);
        protect(sys, 0, 1);
        long root = CFG.poolFirst();
        sys.startUnprotect(0, PAGE);
        runUpTo(sys, TreeCommitStep.PUBLISH);
        assertThat(sys.tree().root()).contains(root);
        assertThat(traced(sys, root)).isFalse();
        assertThat(sys.abstractState().freePool()).contains(root);
    }

    @Test
    void aRefusedStartLeavesNothingInFlightAndNothingChanged() {
        TreeSystem sys = system(TreeImplFlaw.NONE);
        protect(sys, 10, 1);
        TreeState before = sys.abstractState();
        BitSet bits = sys.tree().freeBits();
        byte[][] pool = poolPages(sys);
        assertThat(TreeSystem.requestCodes(sys.startProtect(10 * PAGE, PAGE, BLOCK)))
                .containsExactly(RequestCode.OVERLAPS);
        assertThat(TreeSystem.requestCodes(sys.startUnprotect(20 * PAGE, PAGE)))
                .containsExactly(RequestCode.NOT_PROTECTED);
        assertThat(sys.requestInFlight()).isFalse();
        assertThat(sys.nextStep()).isEmpty();
        assertThat(sys.continueRequest()).isEmpty();
        assertThat(sys.abstractState()).isEqualTo(before);
        assertThat(sys.tree().freeBits()).isEqualTo(bits);
        assertThat(poolPages(sys)).isDeepEqualTo(pool);
    }

    @Test
    void aRequestThatRunsOutOfPoolPagesAbortsBeforeAnyMicroStep() {
        TreeConfig tiny = new TreeConfig(96, 64, 2, 8, CFG.shape());
        TreeSystem sys = new TreeSystem(tiny, 2, TreeImplFlaw.NONE);
        TreeState before = sys.abstractState();
        List<Observation> seen = sys.startProtect(0, 8 * PAGE, BLOCK);
        assertThat(TreeSystem.requestCodes(seen)).containsExactly(RequestCode.POOL_EXHAUSTED);
        assertThat(sys.requestInFlight()).isFalse();
        assertThat(sys.abstractState()).isEqualTo(before);
        assertThat(sys.tree().freePool()).isEqualTo(PageSet.range(64, 2));
    }

    @Test
    void aRequestThatArrivesWhileOneHoldsTheLockWaitsForIt() {
        TreeSystem sys = system(TreeImplFlaw.NONE);
        sys.startProtect(10 * PAGE, PAGE, BLOCK);
        sys.continueRequest();
        assertThatThrownBy(() -> sys.tree().startProtect(20 * PAGE, PAGE, BLOCK))
                .isInstanceOf(IllegalStateException.class);
        List<Observation> seen = sys.protect(20 * PAGE, PAGE, BLOCK);
        // The one in flight publishes first, then this one runs.
        assertThat(TreeSystem.requestCodes(seen)).containsExactly(RequestCode.OK, RequestCode.OK);
        assertThat(sys.requestInFlight()).isFalse();
        assertThat(sys.waitedLayout().entries().keySet()).contains(10L).doesNotContain(20L);
        assertThat(sys.abstractState().mappings().keySet()).containsExactly(10L, 20L);
    }

    @Test
    void theIntegrityStoresWholeRequestsRunEveryMicroStep() {
        TreeSystem sys = system(TreeImplFlaw.NONE);
        assertThat(sys.tree().protect(10 * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(sys.requestInFlight()).isFalse();
        assertThat(sys.tree().unprotect(10 * PAGE, PAGE)).isEqualTo(RequestCode.OK);
        assertThat(sys.requestInFlight()).isFalse();
        assertThat(sys.abstractState()).isEqualTo(TreeState.initial(CFG));
    }

    private static byte[][] poolPages(TreeSystem sys) {
        byte[][] out = new byte[CFG.poolSize()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = sys.guestPage(CFG.poolFirst() + i);
        }
        return out;
    }
}
