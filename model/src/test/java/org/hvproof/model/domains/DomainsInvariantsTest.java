package org.hvproof.model.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.common.ClaimCheck;
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
                    DomainsInvariants.pd1Isolation(sa.next()),
                    DomainsInvariants.pd1RootSeesNothingSecure(sa, sb),
                    DomainsInvariants.pd2PointersMatchDomain(sa.next()),
                    DomainsInvariants.pd2SwitchTogether(a, sa),
                    DomainsInvariants.pd3RootCannotModifySecure(a, action, sa),
                    DomainsInvariants.pd4GatesOnly(a, action, sa))) {
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
    }

    @Test
    void leavingWithoutClearingTheRegisterIsCaughtByTheTwoRunCheck() {
        List<DomainsAction> trace =
                List.of(new Jump(0, new GuestPage(17)), new Read(0, new VirtualPage(2)), new ExitGate(0));
        ClaimCheck v = firstViolation(9000, 7000, trace, EnumSet.of(DomainsModelFlaw.LEAVE_WITHOUT_CLEARING_REGISTER));
        assertThat(v).isNotNull();
        assertThat(v.check()).isEqualTo("root sees nothing secure");
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
