package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.junit.jupiter.api.Test;

/**
 * The tree's requests at their edges: every decoding guard one page either side, the tree lock
 * as the tree itself (not only {@link TreeSystem}) keeps it, the hypercall forms' status, and a
 * corrupt tree met half-way through an unprotect answered with a code.
 */
class TreeRequestEdgesTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final long PAGE = 4096;
    private static final long BLOCK = AlertAction.BLOCK.requestCode();

    private final TreeSystem sys = new TreeSystem(CFG, 2, TreeImplFlaw.NONE);
    private final ProtectedPageTree tree = sys.tree();

    @Test
    void everyDecodingGuardHoldsOnePageEitherSideOfItsBoundary() {
        assertThat(tree.protect(0, PAGE + 1, BLOCK)).isEqualTo(RequestCode.UNALIGNED);
        assertThat(tree.protect(PAGE / 2, PAGE, BLOCK)).isEqualTo(RequestCode.UNALIGNED);
        assertThat(tree.protect(0, -PAGE, BLOCK)).isEqualTo(RequestCode.EMPTY);
        int max = CFG.maxPagesPerRequest();
        assertThat(tree.protect(0, (max + 1) * PAGE, BLOCK)).isEqualTo(RequestCode.TOO_LARGE);
        assertThat(tree.protect(0, max * PAGE, BLOCK)).isEqualTo(RequestCode.OK);
        long last = CFG.guestPages() - 1;
        assertThat(tree.protect(last * PAGE, 2 * PAGE, BLOCK)).isEqualTo(RequestCode.OUT_OF_RANGE);
        assertThat(tree.protect((last + 1) * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OUT_OF_RANGE);
        assertThat(tree.protect(last * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(tree.lookup(last).mapping()).contains(AlertAction.BLOCK);
    }

    @Test
    void anUnprotectIsDecodedByTheSameGuardsBeforeTheTreeIsAsked() {
        tree.protect(0, 4 * PAGE, BLOCK);
        TreeState before = sys.abstractState();
        assertThat(tree.unprotect(0, 0)).isEqualTo(RequestCode.EMPTY);
        assertThat(tree.unprotect(1, PAGE)).isEqualTo(RequestCode.UNALIGNED);
        assertThat(tree.unprotect(0, PAGE + 8)).isEqualTo(RequestCode.UNALIGNED);
        assertThat(tree.unprotect(0, (CFG.maxPagesPerRequest() + 1) * PAGE)).isEqualTo(RequestCode.TOO_LARGE);
        assertThat(tree.unprotect(-PAGE, PAGE)).isEqualTo(RequestCode.OUT_OF_RANGE);
        assertThat(tree.unprotect(0, 5 * PAGE)).isEqualTo(RequestCode.NOT_PROTECTED);
        assertThat(sys.abstractState()).isEqualTo(before);
        assertThat(tree.unprotect(0, 4 * PAGE)).isEqualTo(RequestCode.OK);
        assertThat(sys.abstractState()).isEqualTo(TreeState.initial(CFG));
    }

    @Test
    void aWholeRequestOnTheTreeFinishesTheOneInFlightFirst() {
        assertThat(tree.startProtect(10 * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OK);
        tree.continueRequest();
        assertThat(tree.protect(20 * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OK);
        assertThat(tree.requestInFlight()).isFalse();
        assertThat(tree.startUnprotect(10 * PAGE, PAGE)).isEqualTo(RequestCode.OK);
        assertThat(tree.unprotect(20 * PAGE, PAGE)).isEqualTo(RequestCode.OK);
        assertThat(tree.requestInFlight()).isFalse();
        assertThat(sys.abstractState()).isEqualTo(TreeState.initial(CFG));
    }

    @Test
    void anUnprotectCannotStartWhileARequestHoldsTheLock() {
        tree.protect(10 * PAGE, PAGE, BLOCK);
        assertThat(tree.startProtect(20 * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OK);
        assertThatThrownBy(() -> tree.startUnprotect(10 * PAGE, PAGE)).isInstanceOf(IllegalStateException.class);
        assertThat(tree.lookup(10).mapping()).contains(AlertAction.BLOCK);
    }

    @Test
    void hasRunNamesTheMicroStepsTheRequestInFlightHasRun() {
        assertThat(tree.hasRun(TreeCommitStep.TRACE_TAKEN)).isFalse();
        tree.startProtect(10 * PAGE, PAGE, BLOCK);
        assertThat(tree.hasRun(TreeCommitStep.TRACE_TAKEN)).isFalse();
        TreeCommitStep first = tree.continueRequest().orElseThrow();
        assertThat(first).isEqualTo(TreeCommitStep.TRACE_TAKEN);
        assertThat(tree.hasRun(TreeCommitStep.TRACE_TAKEN)).isTrue();
        assertThat(tree.hasRun(TreeCommitStep.PUBLISH)).isFalse();
        while (tree.requestInFlight()) {
            tree.continueRequest();
        }
        assertThat(tree.hasRun(TreeCommitStep.TRACE_TAKEN)).as("none in flight").isFalse();
    }

    @Test
    void theHypercallsReturnTheRequestCodesOrdinal() {
        VirtualCpu cpu = sys.machine().vcpus().get(0);
        assertThat(tree.protectHypercall().handle(cpu, 0, 0, BLOCK)).isEqualTo(RequestCode.EMPTY.ordinal());
        assertThat(tree.protectHypercall().handle(cpu, 10 * PAGE, PAGE, BLOCK)).isEqualTo(RequestCode.OK.ordinal());
        assertThat(tree.protectHypercall().handle(cpu, 10 * PAGE, PAGE, BLOCK))
                .isEqualTo(RequestCode.OVERLAPS.ordinal());
        assertThat(tree.unprotectHypercall().handle(cpu, 11 * PAGE, PAGE, 0))
                .isEqualTo(RequestCode.NOT_PROTECTED.ordinal());
        assertThat(tree.unprotectHypercall().handle(cpu, 10 * PAGE, PAGE, 0)).isEqualTo(RequestCode.OK.ordinal());
        assertThat(RequestCode.OVERLAPS.ordinal()).isNotZero();
    }

    @Test
    void anUnprotectThatMeetsANodeNamedTwiceIsRefusedAndChangesNothing() {
        TreeSystem flawed = new TreeSystem(CFG, 2, TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        // Guest-written: an interior root at page 100 whose two children are both the leaf at
        // page 101, which maps page 7 (and 8). The look-up finds page 7 protected; removing it
        // underfills the leaf, and the rebalance meets its own sibling.
        int order = CFG.shape().order();
        long[] root = new long[NodeCodec.words(order)];
        root[0] = NodeCodec.header(NodeCodec.INTERIOR, 2);
        root[1] = 50;
        root[NodeCodec.childrenAt(order)] = 101;
        root[NodeCodec.childrenAt(order) + 1] = 101;
        long[] leaf = new long[NodeCodec.words(order)];
        leaf[0] = NodeCodec.header(NodeCodec.LEAF, 2);
        leaf[1] = 7;
        leaf[2] = BLOCK << 8;
        leaf[3] = 8;
        leaf[4] = BLOCK << 8;
        writeWords(flawed, 100, root);
        writeWords(flawed, 101, leaf);
        pointAt(flawed, 100);
        assertThat(flawed.tree().lookup(7).mapping()).contains(AlertAction.BLOCK);
        byte[] before = flawed.guestPage(101);
        assertThat(flawed.tree().unprotect(7 * PAGE, PAGE)).isEqualTo(RequestCode.OUT_OF_RANGE);
        assertThat(flawed.tree().requestInFlight()).isFalse();
        assertThat(flawed.guestPage(101)).isEqualTo(before);
        assertThat(flawed.tree().freePool().size()).isEqualTo(CFG.poolSize());
    }

    static void writeWords(TreeSystem sys, long page, long[] words) {
        byte[] bytes = new byte[8 * words.length];
        for (int i = 0; i < words.length; i++) {
            NodeCodec.LONG_LE.set(bytes, 8 * i, words[i]);
        }
        sys.write(1, Privilege.KERNEL, 0, page * PAGE, Bytes.of(bytes));
    }

    /** Writes the guest-held base pointer (stored as page + 1) under WALK_FROM_GUEST_POINTER. */
    static void pointAt(TreeSystem sys, long page) {
        byte[] pointer = new byte[8];
        NodeCodec.LONG_LE.set(pointer, 0, page + 1);
        sys.write(1, Privilege.KERNEL, 0, sys.tree().guestPointerPage() * PAGE, Bytes.of(pointer));
        assertThat(sys.tree().root()).contains(page);
    }
}
