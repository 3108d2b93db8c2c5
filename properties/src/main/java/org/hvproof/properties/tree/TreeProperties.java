package org.hvproof.properties.tree;

import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Transition;
import org.hvproof.model.tree.TreeAction;
import org.hvproof.model.tree.TreeInvariants;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.TreeState;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;

/**
 * The TREE claims over generated traces. Each property runs the machine with the tree and the
 * model in lockstep and checks, after every action, the claim's own invariants (named as in
 * {@code tree.als}) on the machine's step read through the abstraction function, then
 * refinement (the tree's observations and the abstract state equal the model's). Coverage
 * minimums fail a property whose traces do not reach what its claim speaks of.
 */
public final class TreeProperties {
    /** Default tries per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Actions per trace, at most. */
    public static final int STEPS = 35;

    private TreeProperties() {}

    /** TREE-1: a write to a mapped page (that stores no node) performs that page's alert action. */
    @Claim("TREE-1")
    public static StatefulProperty<TreeTrace> mappedPagesAlertWithTheirAction() {
        return mappedPagesAlertWithTheirAction(TreeImplFlaw.NONE);
    }

    /** TREE-1 against a given tree variant. */
    public static StatefulProperty<TreeTrace> mappedPagesAlertWithTheirAction(TreeImplFlaw flaw) {
        return base("TREE-1 a write to a mapped page performs its alert action", flaw, "TREE-1", true)
                .cover(40, TreeLabels.ALLOW_ALERT)
                .cover(40, TreeLabels.BLOCK_ALERT)
                .cover(10, TreeLabels.DEPTH_2);
    }

    /** TREE-2: a write to a node page performs the tree-node action, even when the page is also mapped. */
    @Claim("TREE-2")
    public static StatefulProperty<TreeTrace> nodePagesAlertFirst() {
        return nodePagesAlertFirst(TreeImplFlaw.NONE);
    }

    /** TREE-2 against a given tree variant. */
    public static StatefulProperty<TreeTrace> nodePagesAlertFirst(TreeImplFlaw flaw) {
        return base("TREE-2 a write to a node page gets the tree-node alert, before any mapping", flaw, "TREE-2", true)
                .cover(40, TreeLabels.NODE_ALERT)
                .cover(3, TreeLabels.NODE_AND_MAPPED_ALERT)
                .cover(40, TreeLabels.BLOCKED_WRITE);
    }

    /** TREE-3: a write to a page that is neither a node page nor mapped raises no alert. */
    @Claim("TREE-3")
    public static StatefulProperty<TreeTrace> otherPagesStayQuiet() {
        return otherPagesStayQuiet(TreeImplFlaw.NONE);
    }

    /** TREE-3 against a given tree variant. */
    public static StatefulProperty<TreeTrace> otherPagesStayQuiet(TreeImplFlaw flaw) {
        return base("TREE-3 a write to a page neither node nor mapped raises no alert", flaw, "TREE-3", true)
                .cover(50, TreeLabels.QUIET_WRITE)
                .cover(4, TreeLabels.TEAR_DOWN);
    }

    /** TREE-4: after every insert, remove, split and merge the traced pages are exactly node pages plus mapped pages. */
    @Claim("TREE-4")
    public static StatefulProperty<TreeTrace> tracesStayExact() {
        return tracesStayExact(TreeImplFlaw.NONE);
    }

    /** TREE-4 against a given tree variant. */
    public static StatefulProperty<TreeTrace> tracesStayExact(TreeImplFlaw flaw) {
        return base("TREE-4 the traced pages are exactly the node pages and the mapped pages", flaw, "TREE-4", false)
                .cover(50, TreeLabels.SPLIT)
                .cover(15, TreeLabels.MERGE)
                .cover(10, TreeLabels.DEPTH_2)
                .cover(50, TreeLabels.REFUSED)
                .cover(20, TreeLabels.HOSTILE_REFUSED);
    }

    /** TREE-5: handling one notification visits at most depth + 1 nodes. */
    @Claim("TREE-5")
    public static StatefulProperty<TreeTrace> walksAreBounded() {
        return walksAreBounded(TreeImplFlaw.NONE);
    }

    /** TREE-5 against a given tree variant. */
    public static StatefulProperty<TreeTrace> walksAreBounded(TreeImplFlaw flaw) {
        return base("TREE-5 a notification's walk visits at most depth + 1 nodes", flaw, "TREE-5", false)
                .cover(5, TreeLabels.FULL_WALK_DEPTH_2)
                .cover(10, TreeLabels.CROSSING_TRACED_WRITE);
    }

    /** TREE-6: the base pointer is out of guest reach and every look-up starts from it. */
    @Claim("TREE-6")
    public static StatefulProperty<TreeTrace> basePointerOutOfGuestReach() {
        return basePointerOutOfGuestReach(TreeImplFlaw.NONE);
    }

    /** TREE-6 against a given tree variant. */
    public static StatefulProperty<TreeTrace> basePointerOutOfGuestReach(TreeImplFlaw flaw) {
        return base("TREE-6 no guest write moves the base pointer or changes a node", flaw, "TREE-6", false)
                .cover(40, TreeLabels.NODE_ALERT)
                .cover(6, TreeLabels.WRITE_OVER_GUEST_POINTER_PAGE);
    }

    /**
     * The common trace: machine with {@code flaw} and model in lockstep; after every step the
     * claim's step invariants ({@link TreeInvariants#ALL} for the claim) on each model-level step
     * of the machine, its state invariants on the machine's abstract state, whether writes landed
     * as the claim says (when {@code outcomes}), and refinement last, so a failure names the
     * claim's own invariant whenever that sees it.
     */
    private static StatefulProperty<TreeTrace> base(String name, TreeImplFlaw flaw, String claim, boolean outcomes) {
        String suffix = flaw == TreeImplFlaw.NONE ? "" : " [flaw " + flaw + "]";
        InvariantSet<TreeState, TreeAction, TreeObservation> invariants = TreeInvariants.ALL.forClaim(claim);
        StatefulProperty<TreeTrace> p = StatefulProperty.<TreeTrace>named(name + suffix)
                .initial(() -> new TreeTrace(flaw))
                .actions(TreeActions::next)
                .steps(STEPS)
                .tries(TRIES)
                .describeState(TreeTrace::describe);
        for (Invariant<Transition<TreeState, TreeAction, TreeObservation>> i : invariants.step()) {
            p = p.assertion(i.label(), t -> t.lastTransitions().forEach(i::assertHolds));
        }
        for (Invariant<TreeState> i : invariants.state()) {
            p = p.assertion(i.label(), t -> i.assertHolds(t.machineState()));
        }
        if (outcomes) {
            p = p.assertion(
                    claim + " the write landed or was dropped as the page's action says",
                    t -> t.lastWriteOutcome().stream()
                            .filter(c -> c.claim().equals(claim))
                            .forEach(ClaimCheck::orThrow));
        }
        return p.assertion("refinement: machine and model agree", TreeTrace::checkRefinement);
    }
}
