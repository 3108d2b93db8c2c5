package org.hvproof.impl.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.junit.jupiter.api.Test;

/**
 * The layout's arithmetic at its edges, and the views of the domains the hypervisor reports to the
 * checks (which domain a view is, the secure host frames, the root's whole view): the properties
 * read these, so a wrong answer would blind a check rather than fail one.
 */
class DomainsLayoutAndViewsTest {
    private static final long SECRET = 0x5EC12E7L;

    private final DomainLayout layout = DomainLayout.standard();
    private final DomainsSystem system = new DomainsSystem(layout, SECRET);

    @Test
    void pageZeroIsTheRootsAndANegativePageNobodys() {
        assertThat(layout.ownerOf(0)).isZero();
        assertThat(layout.ownerOf(-1)).isEqualTo(-1);
        assertThat(layout.ownerOf(DomainLayout.regionFirst(2) + DomainLayout.PAGES_PER_REGION - 1))
                .isEqualTo(2);
        assertThat(layout.ownerOf(DomainLayout.regionFirst(2) + DomainLayout.PAGES_PER_REGION))
                .isEqualTo(-1);
    }

    @Test
    void theKnownPagesEndWithTheLastRegion() {
        assertThat(layout.knownPages()).isEqualTo(DomainLayout.regionFirst(2) + DomainLayout.PAGES_PER_REGION);
    }

    @Test
    void theWindowIsVirtualPagesZeroToFifteen() {
        assertThat(DomainLayout.inWindow(0)).isTrue();
        assertThat(DomainLayout.inWindow(DomainLayout.WINDOW_PAGES - 1)).isTrue();
        assertThat(DomainLayout.inWindow(-1)).isFalse();
        assertThat(DomainLayout.inWindow(DomainLayout.WINDOW_PAGES)).isFalse();
    }

    @Test
    void eachViewBelongsToItsDomainAndAnUnknownViewToNone() {
        SecureDomainService service = system.service();
        assertThat(service.domainOfView(ViewId.DEFAULT)).isZero();
        assertThat(service.domainOfView(new ViewId("secure-1"))).isEqualTo(1);
        assertThat(service.domainOfView(new ViewId("secure-2"))).isEqualTo(2);
        assertThat(service.domainOfView(new ViewId("elsewhere"))).isEqualTo(-1);
    }

    @Test
    void theSystemKeepsWhatItWasBootedWith() {
        DomainsSystem flawed = new DomainsSystem(layout, 42, DomainsImplFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS);
        assertThat(flawed.secret()).isEqualTo(42);
        assertThat(flawed.flaw()).isEqualTo(DomainsImplFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS);
        assertThat(flawed.layout()).isEqualTo(layout);
        assertThat(system.hypervisor().machine()).isSameAs(system.machine());
    }

    @Test
    void theSecureHostFramesAreEveryFrameOfEverySecureRegionAndNoRootFrame() {
        Set<Long> expected = new HashSet<>();
        Set<Long> rootFrames = new HashSet<>();
        for (int d = 0; d <= layout.secureDomains(); d++) {
            ViewId view = d == 0 ? ViewId.DEFAULT : new ViewId("secure-" + d);
            for (int k = 0; k < DomainLayout.PAGES_PER_REGION; k++) {
                long frame = system.machine()
                        .view(view)
                        .orElseThrow()
                        .leaf(new GuestPhysicalPage(DomainLayout.regionFirst(d) + k))
                        .orElseThrow()
                        .hostFrame();
                (d == 0 ? rootFrames : expected).add(frame);
            }
        }
        assertThat(system.secureHostFrames()).containsAll(expected).doesNotContainAnyElementsOf(rootFrames);
    }

    @Test
    void theRootViewShowsEveryRegisterOfARootVcpuAndOnlyTheDomainOfASecureOne() {
        system.machine().vcpus().get(0).setRegister(7, 0x77);
        system.apply(new DomainsSystemAction.Transfer(1, DomainLayout.gateAddress(2)));
        DomainsSystem.RootView view = system.rootView();
        DomainsSystem.RootCpu root = (DomainsSystem.RootCpu) view.vcpus().get(0);
        assertThat(root.registers()).hasSize(16);
        assertThat(root.registers().get(7)).isEqualTo(0x77L);
        assertThat(view.vcpus().get(1)).isEqualTo("in secure domain 2");
    }

    @Test
    void theLow32BitGateLookupEntersAtAGatePlusFourGibAndTheRealOneDoesNot() {
        long alias = DomainLayout.gateAddress(1) + (1L << 32);
        DomainsSystem flawed = new DomainsSystem(layout, SECRET, DomainsImplFlaw.GATE_LOOKUP_BY_LOW_32_BITS);
        assertThat(flawed.apply(new DomainsSystemAction.Transfer(0, alias))).hasSize(1);
        assertThat(flawed.service().currentDomain(0)).isEqualTo(1);
        assertThat(system.apply(new DomainsSystemAction.Transfer(0, alias))).isEmpty();
        assertThat(system.service().currentDomain(0)).isZero();
    }

    @Test
    void everyFlawNamesTheClaimThatCatchesIt() {
        for (DomainsImplFlaw flaw : DomainsImplFlaw.values()) {
            assertThat(flaw.caughtBy().isEmpty()).as("%s", flaw).isEqualTo(flaw == DomainsImplFlaw.NONE);
        }
    }
}
