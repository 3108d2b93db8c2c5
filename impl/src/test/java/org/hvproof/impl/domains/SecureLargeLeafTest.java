package org.hvproof.impl.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.hvproof.model.domains.DomainsModel;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsObservation.Fault;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.DomainsObservation.ReadValue;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.Ids.DomainId;
import org.junit.jupiter.api.Test;

/**
 * A secure domain's own view over a 2 MiB guest leaf: secure code of domain 1 makes its data page
 * a PDPT and its second code page a PD whose slot 511 is a 2 MiB leaf over block 0, then points its
 * table's slot 511 at the PDPT. Virtual page p then lands on guest page p: its own region (pages
 * 16..19) is reachable, the root's and domain 2's are not.
 */
class SecureLargeLeafTest {
    private static final long SECRET = 0x5EC12E7L;
    private static final DomainId ONE = new DomainId(1);

    private static List<DomainsSystemAction> enterAndBuildLeaf() {
        long table = DomainLayout.tablePage(1);
        return List.of(
                new DomainsSystemAction.Transfer(0, DomainLayout.gateAddress(1)),
                new DomainsSystemAction.Write(0, 3, Map.of(DomainLayout.SELF_SLOT, 0L), true),
                new DomainsSystemAction.Write(0, 2, Map.of(DomainLayout.SELF_SLOT, DomainLayout.codePage(1))),
                new DomainsSystemAction.Write(
                        0,
                        0,
                        Map.of(
                                0,
                                table,
                                1,
                                table + 1,
                                2,
                                table + 2,
                                3,
                                table + 3,
                                DomainLayout.SELF_SLOT,
                                DomainLayout.dataPage(1))));
    }

    /** Runs the actions on the machine and the model, checking after each that they agree. */
    private static DomainsSystem runInLockstep(DomainsImplFlaw flaw, List<DomainsSystemAction> actions) {
        DomainsSystem system = new DomainsSystem(DomainLayout.standard(), SECRET, flaw);
        DomainsState model = system.abstractState();
        for (DomainsSystemAction a : actions) {
            List<DomainsObservation> seen = system.apply(a);
            var step = DomainsModel.step(model, DomainsAbstraction.modelAction(a, DomainLayout.standard()));
            assertThat(seen).as("%s", a).isEqualTo(step.observations());
            model = step.next();
            assertThat(system.abstractState()).as("after %s", a).isEqualTo(model);
        }
        return system;
    }

    @Test
    void secureCodeReachesItsOwnRegionPastTheWindowThroughItsOwnLargeLeaf() {
        DomainsSystem system = runInLockstep(DomainsImplFlaw.NONE, enterAndBuildLeaf());
        // page 18 is its data page, written as the PDPT with RAX = 0 as its word
        assertThat(system.apply(new DomainsSystemAction.Read(0, (int) DomainLayout.dataPage(1))))
                .containsExactly(new ReadValue(0, ONE, 0));
    }

    @Test
    void theLeafOverTheRootsPagesAndTheOtherDomainsFaultsInTheSecureNpt() {
        DomainsSystem system = runInLockstep(DomainsImplFlaw.NONE, enterAndBuildLeaf());
        for (int page : new int[] {0, 2, 15, (int) DomainLayout.dataPage(2), DomainLayout.ACCESS_PAGES - 1}) {
            assertThat(system.apply(new DomainsSystemAction.Read(0, page)))
                    .as("virtual page %d", page)
                    .containsExactly(new Fault(0, ONE, FaultKind.NOT_MAPPED));
        }
        assertThat(system.apply(new DomainsSystemAction.Read(0, DomainLayout.ACCESS_PAGES)))
                .containsExactly(new Fault(0, ONE, FaultKind.NOT_MAPPED));
    }

    @Test
    void writingTheTableBackThroughTheLeafRestoresTheDomainsView() {
        long table = DomainLayout.tablePage(1);
        List<DomainsSystemAction> actions = new java.util.ArrayList<>(enterAndBuildLeaf());
        actions.add(new DomainsSystemAction.Write(
                0,
                (int) table,
                Map.of(0, table, 1, table + 1, 2, table + 2, 3, table + 3, DomainLayout.SELF_SLOT, table)));
        actions.add(new DomainsSystemAction.Read(0, 1));
        DomainsSystem system = runInLockstep(DomainsImplFlaw.NONE, actions);
        assertThat(system.apply(new DomainsSystemAction.Read(0, 16)))
                .containsExactly(new Fault(0, ONE, FaultKind.NOT_MAPPED));
    }

    @Test
    void resolvingTheLeafInTheRootsViewLetsSecureCodeReadTheRootsFrame() {
        DomainsSystem system =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.LARGE_LEAF_RESOLVED_IN_ROOT_VIEW);
        enterAndBuildLeaf().forEach(system::apply);
        assertThat(system.apply(new DomainsSystemAction.Read(0, 2))).containsExactly(new ReadValue(0, ONE, 2));
        long rootFrame = system.machine()
                .view(system.rootDomainView())
                .orElseThrow()
                .leaf(new org.hvproof.model.common.GuestPhysicalPage(2))
                .orElseThrow()
                .hostFrame();
        assertThat(system.framesTouchedByLastAccess()).contains(rootFrame);
    }
}
