package org.hvproof.properties.tree;

import org.junit.jupiter.api.Test;

/** The TREE claims, run exactly as the claims report runs them (same methods, same defaults). */
class TreeClaimsProperties {

    @Test
    void tree1MappedPagesAlertWithTheirAction() {
        TreeProperties.mappedPagesAlertWithTheirAction().assertHolds();
    }

    @Test
    void tree2NodePagesAlertFirst() {
        TreeProperties.nodePagesAlertFirst().assertHolds();
    }

    @Test
    void tree3OtherPagesStayQuiet() {
        TreeProperties.otherPagesStayQuiet().assertHolds();
    }

    @Test
    void tree4TracesStayExact() {
        TreeProperties.tracesStayExact().assertHolds();
    }

    @Test
    void tree5WalksAreBounded() {
        TreeProperties.walksAreBounded().assertHolds();
    }

    @Test
    void tree6BasePointerOutOfGuestReach() {
        TreeProperties.basePointerOutOfGuestReach().assertHolds();
    }
}
