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
     * guest's memory is backed with, and its data page is the integrity guest's page too.
     */
    DOMAINS_ROOT_ON_DEFAULT_VIEW(List.of(new Caught("PD-1", "refinement", 4)));

    private final List<Caught> caughtBy;

    ComposedImplFlaw(List<Caught> caughtBy) {
        this.caughtBy = caughtBy;
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
