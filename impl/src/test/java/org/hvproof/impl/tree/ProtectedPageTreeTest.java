package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeAction;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeInvariants;
import org.hvproof.model.tree.TreeModel;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;
import org.hvproof.model.tree.TreeStep;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

class ProtectedPageTreeTest {
    private static final TreeConfig CFG = TreeConfig.small();
    private static final long PAGE = 4096;
    private final TreeSystem sys = new TreeSystem(CFG, 2, TreeImplFlaw.NONE);

    private RequestCode protect(long page, long count, AlertAction action) {
        return TreeSystem.requestCodes(sys.protect(page * PAGE, count * PAGE, action.requestCode()))
                .get(0);
    }

    private List<Observation> write(long page, int value) {
        return sys.write(1, Privilege.USER, 0x4242, page * PAGE + 16, Bytes.ofInts(value));
    }

    private static List<TreeObservation.Alert> alerts(List<Observation> seen) {
        return TreeSystem.treeObservations(seen).stream()
                .filter(TreeObservation.Alert.class::isInstance)
                .map(TreeObservation.Alert.class::cast)
                .toList();
    }

    @Test
    void theFirstProtectionStoresARootLeafInThePoolAndTracesBothPages() {
        assertThat(protect(10, 1, AlertAction.BLOCK)).isEqualTo(RequestCode.OK);
        TreeState s = sys.abstractState();
        assertThat(s.base().rootPage()).contains(CFG.poolFirst());
        assertThat(s.traced()).containsExactly(10L, CFG.poolFirst());
        assertThat(sys.tracing().isTraced(new GuestPhysicalPage(CFG.poolFirst())))
                .isTrue();
    }

    @Test
    void theFreePoolSizeCountsThePagesTheFreePoolNamesThroughSplitsAndMerges() {
        assertThat(sys.tree().freePoolSize()).isEqualTo(CFG.poolSize());
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            long page = random.nextInt(200);
            if (random.nextBoolean()) {
                protect(page, 1 + random.nextInt(3), AlertAction.BLOCK);
            } else {
                sys.unprotect(page * PAGE, PAGE);
            }
            assertThat(sys.tree().freePoolSize())
                    .as("after request %d", i)
                    .isEqualTo(sys.tree().freePool().size());
        }
        assertThat(sys.tree().freePoolSize()).isLessThan(CFG.poolSize());
    }

    @Test
    void aBlockedWriteAlertsAndLeavesMemoryAsItWas() {
        protect(10, 1, AlertAction.BLOCK);
        List<Observation> seen = write(10, 0x77);
        assertThat(seen).anyMatch(Notification.class::isInstance).anyMatch(Completed.class::isInstance);
        assertThat(alerts(seen))
                .containsExactly(new TreeObservation.Alert(
                        10, AlertCause.MAPPED_PAGE, AlertAction.BLOCK, new Writer(1, 0x4242, 3)));
        assertThat(sys.guestPage(10)[16]).isZero();
    }

    @Test
    void aRecordAndAllowWriteAlertsAndLands() {
        protect(11, 1, AlertAction.RECORD_AND_ALLOW);
        assertThat(alerts(write(11, 0x77)))
                .extracting(TreeObservation.Alert::action)
                .containsExactly(AlertAction.RECORD_AND_ALLOW);
        assertThat(sys.guestPage(11)[16]).isEqualTo((byte) 0x77);
    }

    @Test
    void aWriteToANodePageGetsTheNodeAlertAndCannotChangeTheNode() {
        protect(10, 1, AlertAction.RECORD_AND_ALLOW);
        TreeState before = sys.abstractState();
        assertThat(alerts(write(CFG.poolFirst(), 0x55)))
                .extracting(TreeObservation.Alert::cause)
                .containsExactly(AlertCause.NODE_PAGE);
        assertThat(sys.abstractState()).isEqualTo(before);
    }

    @Test
    void anUntracedWriteIsQuiet() {
        protect(10, 1, AlertAction.BLOCK);
        assertThat(TreeSystem.treeObservations(write(12, 1))).isEmpty();
        assertThat(sys.guestPage(12)[16]).isEqualTo((byte) 1);
    }

    @Test
    void hostileRequestsGetCodesNeverExceptions() {
        assertThat(protect(0, 0, AlertAction.BLOCK)).isEqualTo(RequestCode.EMPTY);
        assertThat(TreeSystem.requestCodes(sys.protect(5, PAGE, 1))).containsExactly(RequestCode.UNALIGNED);
        assertThat(TreeSystem.requestCodes(sys.protect(0, 1L << 40, 1))).containsExactly(RequestCode.TOO_LARGE);
        assertThat(TreeSystem.requestCodes(sys.protect(-PAGE, PAGE, 1))).containsExactly(RequestCode.OUT_OF_RANGE);
        assertThat(TreeSystem.requestCodes(sys.protect(Long.MAX_VALUE & ~0xfffL, PAGE, 1)))
                .containsExactly(RequestCode.OUT_OF_RANGE);
        assertThat(TreeSystem.requestCodes(sys.protect(0, PAGE, 7))).containsExactly(RequestCode.UNKNOWN_ACTION);
        assertThat(TreeSystem.requestCodes(sys.unprotect(0, PAGE))).containsExactly(RequestCode.NOT_PROTECTED);
        protect(3, 2, AlertAction.BLOCK);
        assertThat(protect(4, 1, AlertAction.BLOCK)).isEqualTo(RequestCode.OVERLAPS);
    }

    @Test
    void aCyclicNodeUnderAGuestWrittenBasePointerEndsRequestsWithACodeNotAnException() {
        TreeSystem flawed = new TreeSystem(CFG, 2, TreeImplFlaw.WALK_FROM_GUEST_POINTER);
        long cyclic = 100;
        // An interior node at page 100 whose two children are page 100 itself, written by the guest.
        long[] words = new long[NodeCodec.words(CFG.shape().order())];
        words[0] = NodeCodec.header(NodeCodec.INTERIOR, 2);
        words[1] = 50;
        words[NodeCodec.childrenAt(CFG.shape().order())] = cyclic;
        words[NodeCodec.childrenAt(CFG.shape().order()) + 1] = cyclic;
        byte[] bytes = new byte[8 * words.length];
        for (int i = 0; i < words.length; i++) {
            NodeCodec.LONG_LE.set(bytes, 8 * i, words[i]);
        }
        flawed.write(1, Privilege.KERNEL, 0, cyclic * PAGE, Bytes.of(bytes));
        byte[] pointer = new byte[8];
        NodeCodec.LONG_LE.set(pointer, 0, cyclic + 1); // stored as page + 1
        flawed.write(1, Privilege.KERNEL, 0, flawed.tree().guestPointerPage() * PAGE, Bytes.of(pointer));
        assertThat(flawed.tree().root()).contains(cyclic);

        assertThat(TreeSystem.requestCodes(flawed.protect(7 * PAGE, 2 * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(RequestCode.OUT_OF_RANGE);
        assertThat(TreeSystem.requestCodes(flawed.unprotect(7 * PAGE, PAGE)))
                .containsExactly(RequestCode.NOT_PROTECTED);
        assertThat(flawed.tree().freePool().size())
                .as("a refused request takes no pool page")
                .isEqualTo(CFG.poolSize());
    }

    @Test
    void refinesTheModelOnRandomRequests() {
        // The model takes the layout the tree chose after each request and checks it is legal;
        // everything else (mappings, traces, pool, observations) it derives on its own.
        Random rnd = new Random(7);
        TreeState state = TreeModel.initial(CFG);
        int maxDepth = 0;
        for (int i = 0; i < 400; i++) {
            long page = rnd.nextInt(rnd.nextBoolean() ? 120 : (int) CFG.guestPages());
            long count = 1 + rnd.nextInt(6);
            TreeAction a;
            List<Observation> seen;
            if (rnd.nextInt(3) > 0) {
                long action = 1 + rnd.nextInt(2);
                seen = sys.protect(page * PAGE, count * PAGE, action);
                a = new TreeAction.Protect(page * PAGE, count * PAGE, action, sys.layout());
            } else {
                seen = sys.unprotect(page * PAGE, count * PAGE);
                a = new TreeAction.Unprotect(page * PAGE, count * PAGE, sys.layout());
            }
            TreeStep step = TreeModel.step(state, a);
            assertThat(TreeSystem.treeObservations(seen)).as("step %d %s", i, a).isEqualTo(step.observations());
            TreeState abs = sys.abstractState();
            assertThat(abs).as("step %d %s", i, a).isEqualTo(step.next());
            TreeInvariants.ALL.checkState(abs).forEach(c -> c.orThrow());
            state = step.next();
            maxDepth = Math.max(maxDepth, state.depth());
            long w = rnd.nextInt((int) CFG.guestPages());
            TreeAction.GuestWrite gw = new TreeAction.GuestWrite(new Writer(0, 0x100, 0), w * PAGE + 8);
            List<Observation> ws = sys.write(0, Privilege.KERNEL, 0x100, w * PAGE + 8, Bytes.ofInts(9));
            assertThat(TreeSystem.treeObservations(ws))
                    .as("write %d", w)
                    .isEqualTo(TreeModel.step(state, gw).observations());
        }
        assertThat(maxDepth).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theModelDoesNotFollowALayoutThatLeavesAMappingOut() {
        sys.protect(0, 6 * PAGE, AlertAction.BLOCK.requestCode());
        TreeState before = sys.abstractState();
        sys.protect(6 * PAGE, PAGE, AlertAction.BLOCK.requestCode());
        TreeState after = sys.abstractState();
        // The layout before the request, offered as the layout after it: page 6 is mapped nowhere.
        TreeStep step = TreeModel.step(before, new TreeAction.Protect(6 * PAGE, PAGE, 2, before.layout()));
        assertThat(TreeModel.illegalLayout(CFG, after.mappings(), before.layout()))
                .isNotEmpty();
        assertThat(step.next()).isNotEqualTo(after);
        assertThat(TreeModel.step(before, new TreeAction.Protect(6 * PAGE, PAGE, 2, after.layout()))
                        .next())
                .isEqualTo(after);
    }

    @Test
    void aSplitNodeLeftUntracedShowsAsAGapInTheTracedSet() {
        TreeSystem flawed = new TreeSystem(CFG, 1, TreeImplFlaw.SPLIT_NODE_UNTRACED);
        flawed.protect(0, 8 * PAGE, AlertAction.BLOCK.requestCode());
        assertThat(TreeInvariants.TRACES_EXACT.check(flawed.abstractState()).holds())
                .isFalse();
    }
}
