package org.hvproof.properties.domains;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.Ids.GuestPage;
import org.junit.jupiter.api.Test;

/**
 * The abstraction and the two-run root view read the whole state, not a window of guest pages:
 * a secure frame left mapped in the root NPT far above every region (where the old window of
 * pages 0..35 never looked) shows up in both, so refinement and the two-run check can see it.
 */
class DomainsWholeStateTest {
    private static final long FAR_PAGE = (1L << 35) + 7;

    @Test
    void aSecureFrameMappedFarAboveEveryRegionIsSeen() {
        DomainsSystem system = new DomainsSystem(DomainsActions.LAYOUT, DomainsTwoRuns.SECRET_A);
        long secure = system.machine()
                .view(new ViewId("secure-1"))
                .orElseThrow()
                .leaf(new GuestPhysicalPage(DomainLayout.dataPage(1)))
                .orElseThrow()
                .hostFrame();
        DomainsState before = system.abstractState();
        assertThat(before.root().npt()).doesNotContainKey(new GuestPage(FAR_PAGE));
        assertThat(system.rootView().memory()).doesNotContainKey(FAR_PAGE);

        assertThat(system.machine().defaultView().map(new GuestPhysicalPage(FAR_PAGE), secure, NestedPermissions.RWX))
                .isTrue();

        assertThat(system.abstractState()
                        .root()
                        .npt()
                        .get(new GuestPage(FAR_PAGE))
                        .n())
                .isEqualTo(secure);
        assertThat(system.rootView().memory()).containsKey(FAR_PAGE);
        assertThat(system.abstractState()).isNotEqualTo(before);
    }

    @Test
    void generatedGuestPagesAndAddressesLeaveTheOldWindow() {
        DomainsState s = new DomainsSystem(DomainsActions.LAYOUT, DomainsTwoRuns.SECRET_A).abstractState();
        long top =
                DomainsActions.regionPages(s).get(DomainsActions.regionPages(s).size() - 1);
        assertThat(DomainsActions.pagesJustOutside(s))
                .contains(top + 1)
                .allMatch(p -> !DomainsActions.regionPages(s).contains(p));
        long gate = DomainsActions.gateAddresses(s).get(0);
        assertThat(DomainsActions.highBitAlias(s, gate ^ (1L << 40))).isTrue();
        assertThat(DomainsActions.highBitAlias(s, gate ^ 1L)).isFalse();
        assertThat(DomainsActions.highBitAlias(s, gate)).isFalse();
    }
}
