package org.hvproof.properties.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.TreeAction;
import org.hvproof.model.tree.TreeModelFlaw;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;
import org.hvproof.specs.TraceValidator;
import org.junit.jupiter.api.Test;

/**
 * The tree spec conformance is not vacuous: a run that plants, splits and tears down the tree is a
 * spec trace, and each deliberately wrong model step ({@link TreeModelFlaw}) gives a run the spec
 * rejects at the state the wrong step leads to. The property itself runs with the claims
 * (ClaimPropertiesTest).
 */
class TreeSpecConformanceTest {
    private static final long PAGE = 4096;
    private static final long ALLOW = AlertAction.RECORD_AND_ALLOW.requestCode();
    private static final long BLOCK = AlertAction.BLOCK.requestCode();
    /** The first pool page: the root leaf's page when the tree is planted. */
    private static final long ROOT = TreeSpecConformance.CONFIG.poolFirst();

    private static TreeSystemAction protect(long first, long pages, long code) {
        return new TreeSystemAction.Protect(first * PAGE, pages * PAGE, code);
    }

    private static TreeSystemAction unprotect(long first, long pages) {
        return new TreeSystemAction.Unprotect(first * PAGE, pages * PAGE);
    }

    private static TreeSystemAction write(long page) {
        return new TreeSystemAction.Write(0, Privilege.KERNEL, 0x1000, page * PAGE + 8, 8);
    }

    private static TraceValidator validator() {
        return ConformanceCheck.validator(TreeSpecAbstraction.SPEC, TreeSpecAbstraction.SCOPE);
    }

    /**
     * The model action behind the first spec state the spec rejects, -1 when it rejects none. The
     * trace pins each request's structural steps as {@link TreeSpecAbstraction.Decomposition} finds
     * them, and each state after a model action whole.
     */
    private static int rejectedAction(ModelRun<TreeState, TreeAction, TreeObservation> run) {
        SpecTrace t = TreeSpecAbstraction.of(run);
        int prefix = validator().consistentPrefix(t.trace());
        if (prefix == t.trace().states().size()) {
            return -1;
        }
        // the rejected state is the one a request or write leads to, not a free one between
        int action = t.actionOf().get(prefix);
        assertThat(prefix == t.actionOf().size() - 1 || t.actionOf().get(prefix + 1) != action)
                .as("the rejected spec state %s is the last of model action %s", prefix, action)
                .isTrue();
        return action;
    }

    @Test
    void plantSplitWritesAndTearDownAreASpecTrace() {
        var run = TreeSpecConformance.run(
                TreeModelFlaw.NONE,
                List.of(
                        protect(0, 2, ALLOW),
                        protect(2, 2, BLOCK),
                        write(1),
                        write(3),
                        write(ROOT),
                        write(4),
                        unprotect(2, 2),
                        unprotect(0, 2)));
        // the second protect splits the root leaf: a new root above two leaves
        assertThat(run.steps().get(1).after().depth()).isEqualTo(1);
        assertThat(run.last().nodes()).isEmpty();
        // grow and two splits, then merges, shrink and uproot, each pinned
        assertThat(String.join("\n", TreeSpecAbstraction.of(run).trace().steps()))
                .contains("grow[", "split[", "merge[", "shrink", "uproot");
        assertThat(rejectedAction(run)).isEqualTo(-1);
    }

    @Test
    void anUntracedSplitNodeIsRejectedAtTheSplit() {
        var run = TreeSpecConformance.run(
                TreeModelFlaw.SPLIT_NODE_UNTRACED, List.of(protect(0, 2, ALLOW), protect(2, 2, ALLOW)));
        assertThat(run.steps().get(1).after().depth()).isEqualTo(1);
        assertThat(rejectedAction(run)).isEqualTo(2);
    }

    @Test
    void aFreedNodeKeepingItsTraceIsRejectedAtTheTearDown() {
        var run = TreeSpecConformance.run(
                TreeModelFlaw.FREED_NODE_STAYS_TRACED, List.of(protect(0, 1, BLOCK), unprotect(0, 1)));
        assertThat(run.last().traced()).contains(ROOT);
        assertThat(rejectedAction(run)).isEqualTo(2);
    }

    @Test
    void mappingsBeforeNodePagesAreRejectedAtTheWrite() {
        var run = TreeSpecConformance.run(
                TreeModelFlaw.LOOKUP_MAPPINGS_FIRST,
                List.of(protect(0, 1, BLOCK), protect(ROOT, 1, ALLOW), write(ROOT)));
        assertThat(run.steps().get(2).observations()).anyMatch(TreeObservation.Alert.class::isInstance);
        assertThat(rejectedAction(run)).isEqualTo(3);
    }
}
