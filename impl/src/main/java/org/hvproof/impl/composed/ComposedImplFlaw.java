package org.hvproof.impl.composed;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately wrong compositions of correct services. Each breaks nothing any service does
 * alone; each shows up only on the composed traces, as a mechanism's claim or refinement failing
 * while the other mechanism runs beside it.
 */
public enum ComposedImplFlaw implements Flaw {
    /** The correct composition. */
    NONE(List.of()),
    /**
     * The domains' root domain runs on the default view, the integrity guest's own (one guest
     * view for two guests): the root domain's nested page table then holds whatever the integrity
     * guest's memory is backed with (its page tables already at boot), and its pages are the
     * integrity guest's pages too.
     */
    DOMAINS_ROOT_ON_DEFAULT_VIEW(List.of(new Caught("PD-1", "refinement", 1))),
    /**
     * The secure domains' views are made to share the integrity guest's frames (as the integrity
     * view does), so the store's tree, which traces its node pages in every view backed by the
     * guest's frames, backs them in each secure view at its next edit: a secure domain's nested
     * page table then maps another guest's pages, read-only, that its own set-up never gave it.
     */
    SECURE_VIEWS_SHARE_GUEST_FRAMES(List.of(new Caught("PD-1", "refinement", 3))),
    /**
     * The store's node pages are traced in every view the machine has after each integrity step,
     * the domains' views included (what the tree did before the composed traces found the seam):
     * tracing a page backs it, so each domains view gets the node-page numbers backed with fresh
     * frames of its own.
     */
    NODE_PAGES_TRACED_IN_EVERY_VIEW(List.of(new Caught("TREE-7", "TREE-7 nodePagesTracedInEveryGuestView", 3)));

    private final List<Caught> caughtBy;

    ComposedImplFlaw(List<Caught> caughtBy) {
        this.caughtBy = caughtBy;
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
