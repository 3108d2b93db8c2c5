package org.hvproof.properties.composed;

import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.model.composed.ComposedAction;
import org.hvproof.model.composed.ComposedInvariants;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ClaimHarness;
import org.hvproof.properties.harness.MachineCheck;

/**
 * Claims of the composed mechanisms checked on the composed system's traces, through the {@link
 * ClaimHarness}: the integrity guest's and the domains' steps interleaved on one machine, the
 * claim's invariants (each on its own mechanism's part of the state) after every step, then
 * refinement of both mechanisms at once, so every property also fails when one mechanism's action
 * changes the other's state. The per-mechanism properties stay (they shrink faster); these find
 * the seams. Tries are few ({@link #TRIES}), steps long enough to interleave both guests' work.
 */
public final class ComposedProperties {
    /** Default tries per composed property in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 200;
    /** Generated steps per trace, at most. */
    public static final int STEPS = 40;

    // Coverage minimums (percent of traces), each about 3 sd (at 200 tries) under the share
    // measured over six seeds of 200 tries (the range measured in brackets).
    /** Node-page probe while a secure domain runs (26.5-34.5%). */
    static final double COVER_NODE_WRITE_WHILE_SECURE = 20;
    /** Node-page probe from the integrity view (33-42%). */
    static final double COVER_NODE_WRITE_IN_INTEGRITY_VIEW = 28;
    /** Granted tree edit while a secure domain runs (18.5-25.5%). */
    static final double COVER_TREE_EDIT_WHILE_SECURE = 12;
    /** Driver-page alert while a secure domain runs (31-35.5%). */
    static final double COVER_DRIVER_ALERT_WHILE_SECURE = 23;
    /** Domains event while an integrity vCPU is in integrity mode (44-48.5%). */
    static final double COVER_DOMAINS_EVENT_IN_INTEGRITY_MODE = 35;
    /** Integrity interrupt or fault while a secure domain runs (19.5-30.5%). */
    static final double COVER_INTEGRITY_EVENT_WHILE_SECURE = 14;
    /** Gate entry while an integrity vCPU is in integrity mode (42.5-51%). */
    static final double COVER_GATE_ENTRY_IN_INTEGRITY_MODE = 35;
    /**
     * The domains' root names the number of a page holding a node of the store (8.5-14.5%): in
     * its own view that number is unmapped, so this reaches a node frame only if the views shared
     * frames (flaw DOMAINS_ROOT_ON_DEFAULT_VIEW); the frame-level check of TREE-7 does the rest.
     */
    static final double COVER_ROOT_AT_NODE_PAGE = 4;

    /** The composed system plugged into the claim harness. */
    static final ClaimHarness<ComposedImplFlaw, ComposedTrace, ComposedState, ComposedAction, Object> HARNESS =
            new ClaimHarness<>(
                    "composed", ComposedInvariants.ALL, ComposedTrace::new, ComposedProperties::next, TRIES, STEPS);

    private ComposedProperties() {}

    /**
     * TREE-7 on the composed machine: the tree's leaves are the integrity protections, its node
     * pages are read-only and traced in every view of the integrity guest and absent from every
     * view of the domains, and node-page writes from the integrity guest's views are vetoed,
     * whatever the domains do meanwhile (their root naming the store's node-page numbers with its
     * table and its device included: unmapped in its own view, as they must be).
     */
    @Claim("TREE-7")
    public static StatefulProperty<ComposedTrace> treeStoreBesideDomains(ComposedImplFlaw flaw) {
        return HARNESS.claim(
                        "TREE-7",
                        "the integrity store's tree stays protected beside the protection domains",
                        flaw,
                        MachineCheck.of(
                                "TREE-7", "leafMappingsAreProtections", ComposedTrace::checkLeafMappingsAreProtections),
                        MachineCheck.of(
                                "TREE-7",
                                "nodePagesTracedInEveryGuestView",
                                ComposedTrace::checkNodePagesTracedInEveryGuestView),
                        MachineCheck.of("TREE-7", "nodePageWritesVetoed", ComposedTrace::checkNodePageWritesVetoed))
                .cover(COVER_NODE_WRITE_WHILE_SECURE, ComposedLabels.NODE_WRITE_WHILE_SECURE_DOMAIN_RUNS)
                .cover(COVER_NODE_WRITE_IN_INTEGRITY_VIEW, ComposedLabels.NODE_WRITE_IN_INTEGRITY_VIEW)
                .cover(COVER_TREE_EDIT_WHILE_SECURE, ComposedLabels.TREE_EDIT_WHILE_SECURE_DOMAIN_RUNS)
                .cover(COVER_ROOT_AT_NODE_PAGE, ComposedLabels.DOMAINS_ROOT_AIMED_AT_A_NODE_PAGE);
    }

    /** GI-2 on the composed machine: driver pages alert outside integrity mode while the domains run beside. */
    @Claim("GI-2")
    public static StatefulProperty<ComposedTrace> driverPagesAlertBesideDomains(ComposedImplFlaw flaw) {
        return HARNESS.claim("GI-2", "driver pages alert outside integrity mode beside the protection domains", flaw)
                .cover(COVER_DRIVER_ALERT_WHILE_SECURE, ComposedLabels.DRIVER_PAGE_ALERT_WHILE_SECURE_DOMAIN_RUNS);
    }

    /** GI-4 on the composed machine: the integrity view follows integrity mode whatever events the domains take. */
    @Claim("GI-4")
    public static StatefulProperty<ComposedTrace> viewFollowsModeBesideDomains(ComposedImplFlaw flaw) {
        return HARNESS.claim("GI-4", "the integrity view is used exactly in integrity mode beside the domains", flaw)
                .cover(COVER_DOMAINS_EVENT_IN_INTEGRITY_MODE, ComposedLabels.DOMAINS_EVENT_WHILE_INTEGRITY_MODE)
                .cover(COVER_INTEGRITY_EVENT_WHILE_SECURE, ComposedLabels.INTEGRITY_EVENT_WHILE_SECURE_DOMAIN_RUNS);
    }

    /** PD-1 on the composed machine: no root access reaches a secure frame while the integrity guest runs beside. */
    @Claim("PD-1")
    public static StatefulProperty<ComposedTrace> isolationBesideIntegrity(ComposedImplFlaw flaw) {
        return HARNESS.claim("PD-1", "no access from the root reaches a secure frame beside the integrity guest", flaw)
                .cover(COVER_TREE_EDIT_WHILE_SECURE, ComposedLabels.TREE_EDIT_WHILE_SECURE_DOMAIN_RUNS)
                .cover(COVER_ROOT_AT_NODE_PAGE, ComposedLabels.DOMAINS_ROOT_AIMED_AT_A_NODE_PAGE);
    }

    /** PD-2 on the composed machine: the domains' two pointers switch together whatever the integrity guest does. */
    @Claim("PD-2")
    public static StatefulProperty<ComposedTrace> pointersSwitchTogetherBesideIntegrity(ComposedImplFlaw flaw) {
        return HARNESS.claim("PD-2", "the page-table pointers switch together beside the integrity guest", flaw)
                .cover(COVER_GATE_ENTRY_IN_INTEGRITY_MODE, ComposedLabels.GATE_ENTRY_WHILE_INTEGRITY_MODE)
                .cover(COVER_INTEGRITY_EVENT_WHILE_SECURE, ComposedLabels.INTEGRITY_EVENT_WHILE_SECURE_DOMAIN_RUNS);
    }

    /** The next generated step, drawn from the composed model's state. */
    private static Gen<Action<ComposedTrace>> next(ComposedTrace t) {
        return ComposedActions.next(t.state())
                .map(s -> Action.of(s::toString, (ComposedTrace trace, Context ctx) -> trace.apply(s, ctx)));
    }
}
