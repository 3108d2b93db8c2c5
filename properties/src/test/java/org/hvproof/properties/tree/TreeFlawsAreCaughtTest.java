package org.hvproof.properties.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deliberately flawed tree is caught by the property of the claim it breaks, shrunk to a
 * short trace, and named by that claim's own invariant (not only by refinement).
 */
class TreeFlawsAreCaughtTest {

    static Stream<Arguments> flaws() {
        Function<TreeImplFlaw, StatefulProperty<TreeTrace>> tree2 = TreeProperties::nodePagesAlertFirst;
        Function<TreeImplFlaw, StatefulProperty<TreeTrace>> tree4 = TreeProperties::tracesStayExact;
        Function<TreeImplFlaw, StatefulProperty<TreeTrace>> tree6 = TreeProperties::basePointerOutOfGuestReach;
        return Stream.of(
                Arguments.of(TreeImplFlaw.SPLIT_NODE_UNTRACED, "TREE-4", tree4, "TREE-4 tracesExact", 2),
                // TREE-2's own invariants see the untraced node only when it is written; the split itself
                // already parts machine and model, so refinement names it first.
                Arguments.of(
                        TreeImplFlaw.SPLIT_NODE_UNTRACED, "TREE-2", tree2, "refinement: machine and model agree", 2),
                Arguments.of(TreeImplFlaw.LOOKUP_MAPPINGS_FIRST, "TREE-2", tree2, "TREE-2 nodePagesAlert", 3),
                Arguments.of(TreeImplFlaw.FREED_NODE_STAYS_TRACED, "TREE-4", tree4, "TREE-4 tracesExact", 3),
                Arguments.of(TreeImplFlaw.WALK_FROM_GUEST_POINTER, "TREE-6", tree6, "TREE-6 guestWriteLeavesTree", 3));
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("flaws")
    void aFlawedTreeFailsItsClaimWithAShortTrace(
            TreeImplFlaw flaw,
            String claim,
            Function<TreeImplFlaw, StatefulProperty<TreeTrace>> property,
            String failedCheck,
            int maxActions) {
        PropertyResult r =
                property.apply(flaw).run(Settings.none().withSeed(20261125L).withQuiet(true));

        assertThat(r.failed()).as("the %s property must catch %s", claim, flaw).isTrue();
        assertThat(r.failedCheck())
                .as("failed check of %s:%n%s", flaw, r.report())
                .isEqualTo(failedCheck);
        assertThat(r.traceLength())
                .as("shrunk trace of %s:%n%s", flaw, r.report())
                .isLessThanOrEqualTo(maxActions);
        assertThat(flaw.caughtBy())
                .as("%s declares this row", flaw)
                .anyMatch(c ->
                        c.claim().equals(claim) && failedCheck.startsWith(c.check()) && c.shrinksTo() == maxActions);
        assertThat(r.replayToken()).isNotBlank();
        assertThat(r.report()).contains(r.replayToken(), "seed");
    }
}
