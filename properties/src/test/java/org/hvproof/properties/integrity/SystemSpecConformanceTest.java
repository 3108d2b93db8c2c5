package org.hvproof.properties.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Move;
import org.hvproof.properties.integrity.SystemSpecMachineRun.NodePageWrite;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Seen;
import org.hvproof.properties.integrity.SystemSpecMachineRun.ServiceMove;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Snapshot;
import org.hvproof.properties.integrity.SystemSpecMachineRun.SpecStep;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TREE-7's link: scripted runs of the machine reach every situation of the claim and are traces of
 * {@code system.als}; runs of the flawed service and tree, and a step translated wrongly on
 * purpose, are rejected at the state where they part from the spec.
 */
class SystemSpecConformanceTest {

    private static final Writer DRIVER0 = new Writer(0, SystemSpecMachineRun.ENTRY + 8, 0);
    private static final Writer KERNEL1 = new Writer(1, 0x200_0000L, 0);

    private static Move enter(int v) {
        return new ServiceMove(new IntegrityAction.Enter(new Writer(v, SystemSpecMachineRun.ENTRY, 0)));
    }

    private static Move protect(Writer w, long page) {
        return new ServiceMove(new IntegrityAction.Protect(
                w, page * PageRange.PAGE_SIZE, PageRange.PAGE_SIZE, AlertAction.BLOCK.requestCode()));
    }

    private static Move unprotect(Writer w, long page) {
        return new ServiceMove(new IntegrityAction.Unprotect(w, page * PageRange.PAGE_SIZE, PageRange.PAGE_SIZE));
    }

    private static long guarded(int i) {
        return SystemSpecMachineRun.GUARDED.get(i);
    }

    /** vCPU 0 enters integrity mode and protects the first {@code protects} guarded pages in turn. */
    private static List<Move> fillTheStore(int protects) {
        List<Move> out = new ArrayList<>();
        out.add(enter(0));
        for (int i = 0; i < protects; i++) {
            out.add(protect(DRIVER0, guarded(i)));
        }
        return out;
    }

    /** Protects that split the root (the fourth) and then find the pool used up (the seventh). */
    private static final int PROTECTS_TO_FILL = 7;

    private static String rejection(SystemSpecMachineRun run) {
        try {
            SystemSpecConformance.validateRun(run);
            return null;
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    private static String rejection(IntegrityImplFlaw flaw, TreeImplFlaw treeFlaw, List<Move> moves) {
        return rejection(SystemSpecMachineRun.of(flaw, treeFlaw, moves));
    }

    private static Snapshot after(SystemSpecMachineRun run, int move) {
        List<SpecStep> steps = run.steps().get(move);
        return steps.get(steps.size() - 1).after();
    }

    @Test
    @DisplayName("TREE-7 a scripted run through every situation of the claim is a system.als trace")
    void everySituationOfTheClaimIsASpecTrace() {
        List<Move> moves = new ArrayList<>(fillTheStore(PROTECTS_TO_FILL));
        moves.add(new NodePageWrite(0, SystemSpecMachineRun.poolFirst())); // from the integrity view
        moves.add(protect(KERNEL1, guarded(7))); // from normal mode: refused
        moves.add(new NodePageWrite(1, SystemSpecMachineRun.poolFirst() + 1)); // from the default view
        moves.add(unprotect(DRIVER0, guarded(0)));
        moves.add(unprotect(DRIVER0, guarded(1)));
        moves.add(unprotect(DRIVER0, guarded(2)));
        moves.add(protect(new Writer(0, guarded(7) * PageRange.PAGE_SIZE, 0), guarded(7))); // stray fetch
        SystemSpecMachineRun run = SystemSpecMachineRun.of(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, moves);

        // the run reaches what it is meant to: a root split, a full pool, a merge, a stray fetch
        assertThat(after(run, 4).nodes())
                .hasSizeGreaterThanOrEqualTo(after(run, 3).nodes().size() + 2);
        assertThat(run.seen().get(PROTECTS_TO_FILL))
                .contains(new IntegrityObservation.RequestResult(IntegrityCode.STORE_FULL));
        assertThat(after(run, PROTECTS_TO_FILL).nodes().size()).isEqualTo(SystemSpecMachineRun.POOL_PAGES);
        assertThat(after(run, PROTECTS_TO_FILL).last().full()).isTrue();
        int last = moves.size() - 1;
        assertThat(after(run, last - 1).nodes()).hasSizeLessThan(SystemSpecMachineRun.POOL_PAGES);
        assertThat(run.steps().get(PROTECTS_TO_FILL + 1).get(0).after().last().cause())
                .contains(SystemSpecMachineRun.Cause.NODE_PAGE);
        assertThat(run.steps().get(last)).hasSize(1);
        assertThat(run.steps().get(last).get(0).operation()).startsWith("fetch[v0, p107]");

        assertThat(rejection(run)).isNull();
    }

    @Test
    @DisplayName("TREE-7 a node page traced in the default view only is rejected at the plant")
    void nodePagesTracedInDefaultViewOnlyAreRejected() {
        List<Move> moves =
                List.of(enter(0), protect(DRIVER0, guarded(0)), new NodePageWrite(0, SystemSpecMachineRun.poolFirst()));
        assertThat(rejection(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, moves)).isNull();
        String flawed = rejection(IntegrityImplFlaw.NONE, TreeImplFlaw.NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY, moves);
        assertThat(flawed)
                .contains("spec states 0..1 are possible, spec state 2 is not (after model action 2, protect");
        assertThat(line(flawed, "state 2")).contains("Hv.nodes = n1024").doesNotContain("IntegrityView -> p1024");
    }

    @Test
    @DisplayName("TREE-7 a protect the full store answers OK is rejected where it is granted")
    void storeGrantsWhenFullIsRejected() {
        List<Move> moves = fillTheStore(PROTECTS_TO_FILL);
        assertThat(rejection(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, moves)).isNull();
        String flawed = rejection(IntegrityImplFlaw.STORE_GRANTS_WHEN_FULL, TreeImplFlaw.NONE, moves);
        int full = PROTECTS_TO_FILL + 1;
        assertThat(flawed)
                .contains("spec states 0.." + (full - 1) + " are possible, spec state " + full
                        + " is not (after model action " + full + ", protect");
        assertThat(line(flawed, "state " + full))
                .contains("Hv.granted = ")
                .contains("p" + guarded(PROTECTS_TO_FILL - 1) + " -> Block and");
    }

    @Test
    @DisplayName("TREE-7 a protect the store refuses with room is rejected where it is refused")
    void storeRefusesWithRoomIsRejected() {
        // the service reserving a request's worst case, (1 + 1) * (0 + 3) = 6 nodes of a pool of 4,
        // refuses the first protect on an empty tree whose insert takes one node
        List<Move> moves = List.of(enter(0), protect(DRIVER0, guarded(0)), protect(DRIVER0, guarded(1)));
        SystemSpecMachineRun correct = SystemSpecMachineRun.of(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, moves);
        assertThat(correct.seen().get(1)).contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
        assertThat(rejection(correct)).isNull();
        SystemSpecMachineRun flawed =
                SystemSpecMachineRun.of(IntegrityImplFlaw.STORE_REFUSES_WITH_ROOM, TreeImplFlaw.NONE, moves);
        assertThat(flawed.seen().get(1)).contains(new IntegrityObservation.RequestResult(IntegrityCode.STORE_FULL));
        String rejected = rejection(flawed);
        assertThat(rejected)
                .contains("spec states 0..1 are possible, spec state 2 is not (after model action 2, protect");
        assertThat(line(rejected, "state 2")).contains("no Hv.nodes").contains("Last.full = v0");
    }

    @Test
    @DisplayName("TREE-7 the tree's own hypercall left registered is rejected where it inserts")
    void treeRequestWithoutModeCheckIsRejected() {
        List<Move> moves = List.of(
                enter(0),
                new SystemSpecMachineRun.TreeHypercall(1, guarded(0), AlertAction.BLOCK),
                protect(DRIVER0, guarded(1)));
        assertThat(rejection(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, moves)).isNull();
        String flawed = rejection(IntegrityImplFlaw.TREE_REQUEST_WITHOUT_MODE_CHECK, TreeImplFlaw.NONE, moves);
        assertThat(flawed)
                .contains(
                        "spec states 0..1 are possible, spec state 2 is not (after model action 2, v1 calls the tree's");
        assertThat(line(flawed, "state 2"))
                .contains("maps = n1024 -> p100 -> Block")
                .contains("no Hv.granted");
    }

    @Test
    @DisplayName("TREE-7 a protect from normal mode translated as answered OK is rejected")
    void aProtectAnsweredOkFromNormalModeIsRejected() {
        List<Move> moves = List.of(enter(0), protect(DRIVER0, guarded(0)), protect(KERNEL1, guarded(1)));
        SystemSpecMachineRun run = SystemSpecMachineRun.of(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, moves);
        assertThat(rejection(run)).isNull();
        Snapshot refused = after(run, 2);
        assertThat(refused.last().cause()).contains(SystemSpecMachineRun.Cause.REFUSED_REQUEST);
        // the wrong translation: vCPU 1's request seen answered OK, no refusal alert
        Snapshot wrong = new Snapshot(
                refused.nodes(),
                refused.granted(),
                refused.traced(),
                refused.vcpus(),
                refused.executable(),
                new Seen(
                        OptionalInt.of(1),
                        Optional.empty(),
                        Optional.empty(),
                        true,
                        true,
                        false,
                        OptionalLong.empty()));
        List<List<SpecStep>> steps = new ArrayList<>(run.steps());
        steps.set(2, List.of(new SpecStep(steps.get(2).get(0).operation(), wrong)));
        SystemSpecMachineRun tampered = new SystemSpecMachineRun(
                run.flaw(), run.treeFlaw(), run.driver(), run.initial(), run.moves(), steps, run.seen());
        assertThat(rejection(tampered))
                .contains("spec states 0..2 are possible, spec state 3 is not (after model action 3, protect");
    }

    @Test
    @DisplayName("TREE-7 a request translated with no operation for it is outside the spec")
    void aMultiPageRequestIsOutsideTheSpec() {
        Move twoPages = new ServiceMove(new IntegrityAction.Protect(
                DRIVER0, guarded(0) * PageRange.PAGE_SIZE, 2 * PageRange.PAGE_SIZE, AlertAction.BLOCK.requestCode()));
        assertThatThrownBy(() ->
                        SystemSpecMachineRun.of(IntegrityImplFlaw.NONE, TreeImplFlaw.NONE, List.of(enter(0), twoPages)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a request for one whole page");
    }

    /** The line of a rejection report that pins {@code part} ("state 2", "step 2"). */
    private static String line(String message, String part) {
        return message.lines()
                .filter(l -> l.startsWith("  " + part + ": "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + part + " in " + message));
    }
}
