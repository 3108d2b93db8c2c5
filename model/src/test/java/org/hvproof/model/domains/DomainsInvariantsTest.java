package org.hvproof.model.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.domains.DomainsAction.ExitGate;
import org.hvproof.model.domains.DomainsAction.Jump;
import org.hvproof.model.domains.DomainsAction.Read;
import org.hvproof.model.domains.DomainsAction.Write;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.junit.jupiter.api.Test;

class DomainsInvariantsTest {

    /** Two runs differing only in secure contents; the first violated invariant, or null. */
    static ClaimCheck firstViolation(
            long secureA, long secureB, List<DomainsAction> actions, Set<DomainsModelFlaw> flaws) {
        DomainsState a = DomainsModel.withFlaws(DomainsState.example(2, 2, secureA), flaws);
        DomainsState b = DomainsModel.withFlaws(DomainsState.example(2, 2, secureB), flaws);
        for (DomainsAction action : actions) {
            DomainsStep sa = DomainsModel.step(a, action, flaws);
            DomainsStep sb = DomainsModel.step(b, action, flaws);
            for (ClaimCheck r : List.of(
                    DomainsInvariants.ISOLATION.check(sa.next()),
                    DomainsInvariants.ROOT_SEES_NOTHING_SECURE.check(
                            new TransitionPair<>(sa.from(a, action), sb.from(b, action))),
                    DomainsInvariants.POINTERS_MATCH_DOMAIN.check(sa.next()),
                    DomainsInvariants.SWITCH_TOGETHER.check(sa.from(a, action)),
                    DomainsInvariants.ROOT_CANNOT_MODIFY_SECURE.check(sa.from(a, action)),
                    DomainsInvariants.GATES_ONLY.check(sa.from(a, action)),
                    DomainsInvariants.NO_DEVICE_REACHES_SECURE_FRAME.check(sa.from(a, action)))) {
                if (!r.holds()) {
                    return r;
                }
            }
            a = sa.next();
            b = sb.next();
        }
        return null;
    }

    @Test
    void everyClaimHasItsNamedInvariantsAndAViolationNamesClaimAndInvariant() {
        assertThat(DomainsInvariants.ALL.labels())
                .containsExactly(
                        "PD-1 isolation",
                        "PD-2 pointersMatchDomain",
                        "PD-2 switchTogether",
                        "PD-3 rootCannotModifySecure",
                        "PD-4 gatesOnly",
                        "PD-5 noDeviceReachesSecureFrame",
                        "PD-1 rootSeesNothingSecure");
        assertThat(DomainsInvariants.ALL.claims()).containsExactlyInAnyOrder("PD-1", "PD-2", "PD-3", "PD-4", "PD-5");
        DomainsState s = DomainsState.example(1, 1, 9000);
        DomainsAction jump = new Jump(0, new GuestPage(17));
        DomainsStep flawed = DomainsModel.step(s, jump, EnumSet.of(DomainsModelFlaw.SWITCH_ONLY_GUEST_PT_ROOT));
        assertThatThrownBy(() -> DomainsInvariants.SWITCH_TOGETHER.assertHolds(flawed.from(s, jump)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("PD-2 switchTogether violated: vCPU 0 went from");
    }

    @Test
    void lowEquivalenceIsReflexiveAndRelatesDifferentSecureContents() {
        assertThat(DomainsLowEquivalence.reflexiveOn(DomainsState.example(2, 2, 9000)))
                .isTrue();
        assertThat(DomainsLowEquivalence.relatesDifferentSecureContents(9000, 7000))
                .isTrue();
        assertThat(DomainsLowEquivalence.equivalent(DomainsState.example(2, 2, 9000), DomainsState.example(1, 2, 9000)))
                .isFalse();
    }

    @Test
    void everyInvariantHoldsOnRandomTwoRunTracesOfTheCorrectMechanism() {
        Random r = new Random(11);
        for (int t = 0; t < 300; t++) {
            List<DomainsAction> trace = DomainsModelTest.randomTrace(r, 50);
            assertThat(firstViolation(9000, 7000, trace, DomainsModelTest.NONE))
                    .as("trace %d: %s", t, trace)
                    .isNull();
        }
    }

    @Test
    void secureFrameLeftInRootNptIsCaughtByIsolation() {
        // root maps virtual page 3 at guest page 15, which the flawed root NPT sends to a secure frame
        List<DomainsAction> trace = List.of(
                new Write(
                        0,
                        new VirtualPage(0),
                        Map.of(new VirtualPage(0), new GuestPage(0), new VirtualPage(3), new GuestPage(15))),
                new Read(0, new VirtualPage(3)));
        ClaimCheck v = firstViolation(9000, 7000, trace, EnumSet.of(DomainsModelFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-1");
        assertThat(v.check()).isEqualTo("isolation");
    }

    /**
     * Root builds a 2 MiB leaf from guest page 0 in its own pages (page 2 the PD with the page-size
     * entry, page 1 the PDPT, its table page 0 the PML4) and reads virtual page 16, which the
     * leaf maps to secure page 16.
     */
    static final List<DomainsAction> LARGE_LEAF_OVER_SECURE_PAGE = List.of(
            new Write(0, new VirtualPage(2), Map.of(new VirtualPage(511), new GuestPage(0)), true),
            new Write(0, new VirtualPage(1), Map.of(new VirtualPage(511), new GuestPage(2))),
            new Write(
                    0,
                    new VirtualPage(0),
                    Map.of(
                            new VirtualPage(0), new GuestPage(0),
                            new VirtualPage(1), new GuestPage(1),
                            new VirtualPage(511), new GuestPage(1))),
            new Read(0, new VirtualPage(16)));

    @Test
    void aLargeLeafOverASecurePageFaultsInTheCorrectModel() {
        DomainsState s = DomainsState.example(1, 1, 9000);
        for (DomainsAction a : LARGE_LEAF_OVER_SECURE_PAGE) {
            DomainsStep step = DomainsModel.step(s, a);
            if (a instanceof Read) {
                assertThat(s.walkOf(s.vcpus().get(0), new VirtualPage(16)).page())
                        .isEqualTo(new GuestPage(16));
                assertThat(step.observations())
                        .containsExactly(new DomainsObservation.Fault(
                                0, Ids.DomainId.ROOT, DomainsObservation.FaultKind.NOT_MAPPED));
            }
            s = step.next();
        }
        assertThat(firstViolation(9000, 7000, LARGE_LEAF_OVER_SECURE_PAGE, DomainsModelTest.NONE))
                .isNull();
    }

    @Test
    void aLargeLeafCheckedAtItsFirstPageOnlyIsCaughtByTheTwoRunCheck() {
        ClaimCheck v = firstViolation(
                9000, 7000, LARGE_LEAF_OVER_SECURE_PAGE, EnumSet.of(DomainsModelFlaw.LARGE_LEAF_CHECKS_FIRST_PAGE));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-1");
        assertThat(v.check()).isEqualTo("rootSeesNothingSecure");
    }

    @Test
    void aLargeLeafCheckedAtItsFirstPageOnlyLetsRootWriteASecureFrame() {
        List<DomainsAction> trace = new ArrayList<>(LARGE_LEAF_OVER_SECURE_PAGE.subList(0, 3));
        trace.add(new Write(0, new VirtualPage(17), Map.of()));
        ClaimCheck v = firstViolation(9000, 9000, trace, EnumSet.of(DomainsModelFlaw.LARGE_LEAF_CHECKS_FIRST_PAGE));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-3");
        assertThat(v.check()).isEqualTo("rootCannotModifySecure");
    }

    @Test
    void switchingOnlyTheGuestPageTableRootIsCaughtByPd2() {
        ClaimCheck v = firstViolation(
                9000,
                7000,
                List.of(new Jump(0, new GuestPage(17))),
                EnumSet.of(DomainsModelFlaw.SWITCH_ONLY_GUEST_PT_ROOT));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-2");
        assertThat(v.check()).isEqualTo("pointersMatchDomain");
    }

    @Test
    void gateCheckAcceptingTheNextAddressIsCaughtByPd4() {
        ClaimCheck v = firstViolation(
                9000,
                7000,
                List.of(new Jump(0, new GuestPage(18))),
                EnumSet.of(DomainsModelFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-4");
        assertThat(v.check()).isEqualTo("gatesOnly");
    }

    @Test
    void leavingWithoutClearingTheRegisterIsCaughtByTheTwoRunCheck() {
        List<DomainsAction> trace =
                List.of(new Jump(0, new GuestPage(17)), new Read(0, new VirtualPage(2)), new ExitGate(0));
        ClaimCheck v = firstViolation(9000, 7000, trace, EnumSet.of(DomainsModelFlaw.LEAVE_WITHOUT_CLEARING_REGISTER));
        assertThat(v).isNotNull();
        assertThat(v.check()).isEqualTo("rootSeesNothingSecure");
    }

    @Test
    void randomTracesReachGateEntriesRefusedJumpsAndFaults() {
        Random r = new Random(5);
        int entries = 0;
        int refusals = 0;
        DomainsState s = DomainsState.example(2, 2, 9000);
        List<DomainsAction> trace = new ArrayList<>(DomainsModelTest.randomTrace(r, 5000));
        for (DomainsAction a : trace) {
            DomainsStep step = DomainsModel.step(s, a);
            entries += step.observations().stream()
                    .filter(o -> o instanceof DomainsObservation.Entered)
                    .count();
            refusals += step.observations().stream()
                    .filter(o -> o instanceof DomainsObservation.Fault f
                            && f.kind() == DomainsObservation.FaultKind.NOT_A_GATE)
                    .count();
            s = step.next();
        }
        assertThat(entries).isGreaterThan(20);
        assertThat(refusals).isGreaterThan(20);
    }
}
