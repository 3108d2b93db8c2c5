package org.hvproof.properties.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hvproof.model.common.Transition;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsModel;
import org.hvproof.model.domains.DomainsModelFlaw;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;
import org.junit.jupiter.api.Test;

/**
 * The domains spec conformance is not vacuous: legitimate and hostile work is a spec trace, and
 * each deliberately wrong model ({@link DomainsModelFlaw}) gives a run the spec rejects, at the
 * state the wrong step leads to. The property itself runs with the claims (ClaimPropertiesTest).
 */
class DomainsSpecConformanceTest {
    private static final int GATE = 17;
    private static final DomainsAction ENTER = new DomainsAction.Jump(0, new GuestPage(GATE));
    private static final DomainsAction READ_SECRET = new DomainsAction.Read(0, new VirtualPage(2));

    private static ModelRun<DomainsState, DomainsAction, DomainsObservation> run(
            Set<DomainsModelFlaw> flaws, DomainsAction... actions) {
        return ModelRun.of(
                DomainsModel.withFlaws(DomainsSpecConformance.initial(), flaws),
                List.of(actions),
                (s, a) -> DomainsSpecConformance.step(s, a, flaws));
    }

    /** The number of leading spec states the spec allows. */
    private static int allowedPrefix(ModelRun<DomainsState, DomainsAction, DomainsObservation> run) {
        SpecTrace t = DomainsSpecAbstraction.of(run);
        return ConformanceCheck.validator(DomainsSpecAbstraction.SPEC, DomainsSpecAbstraction.SCOPE)
                .consistentPrefix(t.trace());
    }

    @Test
    void secureWorkAndHostileRootWorkIsASpecTrace() {
        var run = run(
                Set.of(),
                ENTER,
                READ_SECRET,
                new DomainsAction.Interrupt(0, 32),
                new DomainsAction.Jump(1, new GuestPage(18)),
                new DomainsAction.SetRegister(1, 7),
                new DomainsAction.Write(
                        1,
                        new VirtualPage(0),
                        Map.of(new VirtualPage(0), new GuestPage(0), new VirtualPage(1), new GuestPage(16))),
                new DomainsAction.Read(1, new VirtualPage(1)),
                new DomainsAction.DeviceWrite(1, new GuestPage(16)),
                new DomainsAction.DeviceWrite(1, new GuestPage(2)));
        SpecTrace t = DomainsSpecAbstraction.of(run);

        // the table rewrite sets v1 and removes v2: two spec writes, v0's kept
        assertThat(t.trace().steps()).contains("write[c1, v0, v1, gp16]", "write[c1, v0, v2, none]");
        assertThat(t.trace().states()).hasSize(11);
        assertThat(allowedPrefix(run)).isEqualTo(11);
    }

    /**
     * Root builds a 2 MiB leaf from page 0 bottom-up, so each write changes what only its own frame
     * resolves to (page 2 the PD with the page-size entry, then page 1 the PDPT, which alone reads
     * as a 1 GiB leaf, then its table page 0 the PML4), then reads virtual page 16, which the leaf
     * maps to the secure domain's page 16.
     */
    private static final List<DomainsAction> LARGE_LEAF_OVER_SECURE_PAGE = List.of(
            new DomainsAction.Write(0, new VirtualPage(2), Map.of(new VirtualPage(511), new GuestPage(0)), true),
            new DomainsAction.Write(0, new VirtualPage(1), Map.of(new VirtualPage(511), new GuestPage(2))),
            new DomainsAction.Write(
                    0,
                    new VirtualPage(0),
                    Map.of(
                            new VirtualPage(0), new GuestPage(0),
                            new VirtualPage(1), new GuestPage(1),
                            new VirtualPage(511), new GuestPage(1))),
            new DomainsAction.Read(0, new VirtualPage(16)));

    @Test
    void aRootAccessThroughALargeLeafOverASecurePageIsASpecTrace() {
        List<DomainsAction> actions = new ArrayList<>(LARGE_LEAF_OVER_SECURE_PAGE);
        // a read through the leaf into the root's own page, then a write through it into the table
        // page itself, which drops the leaf (the page's slot 511 points back at itself again)
        actions.add(new DomainsAction.Read(0, new VirtualPage(1)));
        actions.add(new DomainsAction.Write(0, new VirtualPage(0), Map.of()));
        var run = run(Set.of(), actions.toArray(DomainsAction[]::new));
        SpecTrace t = DomainsSpecAbstraction.of(run);

        assertThat(run.steps().get(3).observations())
                .containsExactly(
                        new DomainsObservation.Fault(0, DomainId.ROOT, DomainsObservation.FaultKind.NOT_MAPPED));
        assertThat(t.trace().steps()).contains("writeLarge[c0, v1, b0]", "writeLarge[c0, v0, b1]");
        assertThat(t.trace().steps().get(5)).isEqualTo("write[c0, v0, v0, none]");
        assertThat(t.trace().states().get(0)).contains("b1.first = gp0", "v16->gp16");
        assertThat(t.trace().states()).hasSize(7);
        assertThat(allowedPrefix(run)).isEqualTo(7);
    }

    @Test
    void aQuarterOfTheSampledRunsHoldALargeLeafAndATenthReadOrWriteThroughIt() {
        // The runs the property validates, drawn without the solver: 400 at a fixed seed. Measured
        // at seeds 1 to 3: a large leaf in 99, 108 and 105 runs (25 to 27%), a root access through
        // it in 40, 47 and 45 (10 to 12%); the minimums are those shares less three standard deviations.
        int[] seen = new int[3];
        PropertyResult r = Property.forAll(DomainsSpecConformance.runs(Set.of()))
                .named("domains conformance runs")
                .tries(400)
                .verify((ModelRun<DomainsState, DomainsAction, DomainsObservation> run) -> {
                    boolean leaf = false;
                    boolean access = false;
                    for (Transition<DomainsState, DomainsAction, DomainsObservation> t : run.steps()) {
                        leaf |= !DomainsSpecAbstraction.largeLeaves(t.after()).isEmpty();
                        DomainsAction a = t.action();
                        if ((a instanceof DomainsAction.Read || a instanceof DomainsAction.Write)
                                && a.vcpu() >= 0
                                && a.vcpu() < t.before().vcpus().size()
                                && t.before().vcpus().get(a.vcpu()).domain().isRoot()) {
                            access |= DomainsSpecConformance.throughLargeLeaf(
                                    t.before(), t.before().vcpus().get(a.vcpu()));
                        }
                    }
                    seen[0]++;
                    seen[1] += leaf ? 1 : 0;
                    seen[2] += access ? 1 : 0;
                })
                .run(Settings.none().withSeed(5).withQuiet(true));
        assertThat(r.passed()).as(r.report()).isTrue();
        assertThat(seen[0]).isEqualTo(400);
        assertThat(seen[1]).as("runs with a large leaf").isGreaterThanOrEqualTo(72);
        assertThat(seen[2]).as("runs with a root access through one").isGreaterThanOrEqualTo(24);
    }

    @Test
    void secureCodeReadingThroughItsOwnLargeLeafIsASpecTrace() {
        // the secure domain builds a 2 MiB leaf over block 0 bottom-up in its own pages (gate page 17
        // the PD, data page 18 the PDPT, table page 16 the PML4), reads its own page 18 through it,
        // then the root's page 0 (refused by its NPT)
        var run = run(
                Set.of(),
                ENTER,
                new DomainsAction.Write(0, new VirtualPage(1), Map.of(new VirtualPage(511), new GuestPage(0)), true),
                new DomainsAction.Write(0, new VirtualPage(2), Map.of(new VirtualPage(511), new GuestPage(17))),
                new DomainsAction.Write(
                        0,
                        new VirtualPage(0),
                        Map.of(
                                new VirtualPage(0), new GuestPage(16),
                                new VirtualPage(511), new GuestPage(18))),
                new DomainsAction.Read(0, new VirtualPage(18)),
                new DomainsAction.Read(0, new VirtualPage(0)));
        SpecTrace t = DomainsSpecAbstraction.of(run);

        assertThat(run.steps().get(4).observations()).hasOnlyElementsOfType(DomainsObservation.ReadValue.class);
        assertThat(run.steps().get(5).observations())
                .containsExactly(
                        new DomainsObservation.Fault(0, new DomainId(1), DomainsObservation.FaultKind.NOT_MAPPED));
        assertThat(allowedPrefix(run)).isEqualTo(t.trace().states().size());
    }

    @Test
    void aLargeLeafCheckedAtItsFirstPageOnlyIsRejectedAtTheRead() {
        var run = run(
                Set.of(DomainsModelFlaw.LARGE_LEAF_CHECKS_FIRST_PAGE),
                LARGE_LEAF_OVER_SECURE_PAGE.toArray(DomainsAction[]::new));
        assertThat(run.steps().get(3).observations()).hasOnlyElementsOfType(DomainsObservation.ReadValue.class);
        assertThat(allowedPrefix(run)).isEqualTo(4);
    }

    @Test
    void switchingOnlyTheGuestPageTableRootIsRejectedAtTheEntry() {
        var run = run(Set.of(DomainsModelFlaw.SWITCH_ONLY_GUEST_PT_ROOT), new DomainsAction.SetRegister(0, 5), ENTER);
        assertThat(allowedPrefix(run)).isEqualTo(2);
    }

    @Test
    void aGateCheckAcceptingTheNextPageIsRejectedAtTheJump() {
        var run = run(
                Set.of(DomainsModelFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS),
                new DomainsAction.Jump(0, new GuestPage(GATE + 1)));
        assertThat(allowedPrefix(run)).isEqualTo(1);
    }

    @Test
    void leavingWithoutClearingTheRegisterIsRejectedAtTheExit() {
        var run = run(
                Set.of(DomainsModelFlaw.LEAVE_WITHOUT_CLEARING_REGISTER),
                ENTER,
                READ_SECRET,
                new DomainsAction.ExitGate(0));
        assertThat(allowedPrefix(run)).isEqualTo(3);
    }

    @Test
    void aSecureFrameLeftInTheRootNptIsRejectedAtTheStart() {
        var run = run(Set.of(DomainsModelFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT), READ_SECRET);
        assertThat(allowedPrefix(run)).isZero();
    }

    @Test
    void theFailureNamesTheRejectedStateAndTheModelAction() {
        PropertyResult r = DomainsSpecConformance.modelTracesAreSpecTraces(
                        Set.of(DomainsModelFlaw.SWITCH_ONLY_GUEST_PT_ROOT))
                .run(Settings.none()
                        .withSeed(20261205L)
                        .withTries(5)
                        .withQuiet(true)
                        .withShrinkBudget(2));
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("domains.als allows no behaviour", "spec state", "jumps to");
    }

    @Test
    void aWriteThatChangesWhatASecondTableResolvesToIsDrawnAgain() {
        // page 1 becomes an upper-level table leading to page 2, then page 2 is rewritten as a table:
        // that changes what page 1 resolves to as well as page 2
        DomainsState s = DomainsSpecConformance.initial();
        DomainsAction chain =
                new DomainsAction.Write(0, new VirtualPage(1), Map.of(new VirtualPage(511), new GuestPage(2)));
        DomainsState s1 = DomainsModel.step(s, chain).next();
        DomainsAction second =
                new DomainsAction.Write(0, new VirtualPage(2), Map.of(new VirtualPage(511), new GuestPage(0)));
        DomainsState s2 = DomainsModel.step(s1, second).next();

        assertThat(DomainsSpecConformance.inSpec(s, chain, s1)).isTrue();
        assertThat(DomainsSpecAbstraction.tablesChanged(s1, s2)).hasSize(2);
        assertThat(DomainsSpecConformance.inSpec(s1, second, s2)).isFalse();
    }
}
