package org.hvproof.model.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.domains.Action.ExitGate;
import org.hvproof.model.domains.Action.Jump;
import org.hvproof.model.domains.Action.Read;
import org.hvproof.model.domains.Action.Write;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.junit.jupiter.api.Test;

class InvariantsTest {

    /** Two runs differing only in secure contents; the first violated invariant, or null. */
    static ClaimCheck firstViolation(long secureA, long secureB, List<Action> actions, Set<DomainFlaw> flaws) {
        State a = Domains.withFlaws(State.example(2, 2, secureA), flaws);
        State b = Domains.withFlaws(State.example(2, 2, secureB), flaws);
        for (Action action : actions) {
            Step sa = Domains.step(a, action, flaws);
            Step sb = Domains.step(b, action, flaws);
            for (ClaimCheck r : List.of(
                    Invariants.pd1Isolation(sa.next()),
                    Invariants.pd1RootSeesNothingSecure(sa, sb),
                    Invariants.pd2PointersMatchDomain(sa.next()),
                    Invariants.pd2SwitchTogether(a, sa),
                    Invariants.pd3RootCannotModifySecure(a, action, sa),
                    Invariants.pd4GatesOnly(a, action, sa))) {
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
        assertThat(LowEquivalence.reflexiveOn(State.example(2, 2, 9000))).isTrue();
        assertThat(LowEquivalence.relatesDifferentSecureContents(9000, 7000)).isTrue();
        assertThat(LowEquivalence.equivalent(State.example(2, 2, 9000), State.example(1, 2, 9000)))
                .isFalse();
    }

    @Test
    void everyInvariantHoldsOnRandomTwoRunTracesOfTheCorrectMechanism() {
        Random r = new Random(11);
        for (int t = 0; t < 300; t++) {
            List<Action> trace = DomainsTest.randomTrace(r, 50);
            assertThat(firstViolation(9000, 7000, trace, DomainsTest.NONE))
                    .as("trace %d: %s", t, trace)
                    .isNull();
        }
    }

    @Test
    void secureFrameLeftInRootNptIsCaughtByIsolation() {
        // root maps virtual page 3 at guest page 15, which the flawed root NPT sends to a secure frame
        List<Action> trace = List.of(
                new Write(
                        0,
                        new VirtualPage(0),
                        Map.of(new VirtualPage(0), new GuestPage(0), new VirtualPage(3), new GuestPage(15))),
                new Read(0, new VirtualPage(3)));
        ClaimCheck v = firstViolation(9000, 7000, trace, EnumSet.of(DomainFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-1");
    }

    @Test
    void switchingOnlyTheGuestPageTableRootIsCaughtByPd2() {
        ClaimCheck v = firstViolation(
                9000, 7000, List.of(new Jump(0, new GuestPage(17))), EnumSet.of(DomainFlaw.SWITCH_ONLY_GUEST_PT_ROOT));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-2");
    }

    @Test
    void gateCheckAcceptingTheNextAddressIsCaughtByPd4() {
        ClaimCheck v = firstViolation(
                9000,
                7000,
                List.of(new Jump(0, new GuestPage(18))),
                EnumSet.of(DomainFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("PD-4");
    }

    @Test
    void leavingWithoutClearingTheRegisterIsCaughtByTheTwoRunCheck() {
        List<Action> trace = List.of(new Jump(0, new GuestPage(17)), new Read(0, new VirtualPage(2)), new ExitGate(0));
        ClaimCheck v = firstViolation(9000, 7000, trace, EnumSet.of(DomainFlaw.LEAVE_WITHOUT_CLEARING_REGISTER));
        assertThat(v).isNotNull();
        assertThat(v.check()).isEqualTo("root sees nothing secure");
    }

    @Test
    void randomTracesReachGateEntriesRefusedJumpsAndFaults() {
        Random r = new Random(5);
        int entries = 0;
        int refusals = 0;
        State s = State.example(2, 2, 9000);
        List<Action> trace = new ArrayList<>(DomainsTest.randomTrace(r, 5000));
        for (Action a : trace) {
            Step step = Domains.step(s, a);
            entries += step.observations().stream()
                    .filter(o -> o instanceof Observation.Entered)
                    .count();
            refusals += step.observations().stream()
                    .filter(o -> o instanceof Observation.Fault f && f.kind() == Observation.FaultKind.NOT_A_GATE)
                    .count();
            s = step.next();
        }
        assertThat(entries).isGreaterThan(20);
        assertThat(refusals).isGreaterThan(20);
    }
}
