package org.hvproof.properties.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityModelFlaw;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.Writer;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The integrity spec conformance is not vacuous: a driver's work is a spec trace, and each
 * deliberately wrong model step ({@link IntegrityModelFlaw}) gives a run the spec rejects, at the
 * state the wrong step leads to. The property itself runs with the claims (ClaimPropertiesTest).
 */
class IntegritySpecConformanceTest {
    private static final long PAGE = 4096;
    /** Code page 1, data page 2, entry point at byte 0x10 of page 1. */
    private static final IntegrityAction REGISTER =
            new IntegrityAction.Register(new Writer(0, 0, 0), PAGE, PAGE, 2 * PAGE, PAGE, PAGE + 0x10);

    private static final IntegrityAction ENTER = new IntegrityAction.Enter(new Writer(0, PAGE + 0x10, 0));

    private static ModelRun<IntegrityState, IntegrityAction, IntegrityObservation> run(
            IntegrityModelFlaw flaw, IntegrityAction... actions) {
        return ModelRun.of(
                IntegrityState.initial(IntegritySpecConformance.CONFIG),
                List.of(actions),
                (s, a) -> IntegritySpecConformance.step(s, a, flaw));
    }

    /** The number of leading spec states the spec allows. */
    private static int allowedPrefix(ModelRun<IntegrityState, IntegrityAction, IntegrityObservation> run) {
        SpecTrace t = IntegritySpecAbstraction.of(run);
        return ConformanceCheck.validator(IntegritySpecAbstraction.SPEC).consistentPrefix(t.trace());
    }

    @Test
    void aDriversWorkIsASpecTrace() {
        var run = run(
                IntegrityModelFlaw.NONE,
                REGISTER,
                ENTER,
                new IntegrityAction.Protect(new Writer(0, PAGE + 0x10, 0), 4 * PAGE, 2 * PAGE, 2),
                new IntegrityAction.GuestWrite(new Writer(1, 0, 3), 5 * PAGE + 8),
                new IntegrityAction.GuestWrite(new Writer(0, PAGE + 0x10, 0), 2 * PAGE),
                new IntegrityAction.Interrupt(0, 32),
                new IntegrityAction.GuestWrite(new Writer(0, 0, 0), 2 * PAGE));
        SpecTrace t = IntegritySpecAbstraction.of(run);

        // the two-page protect is two spec steps
        assertThat(t.trace().states()).hasSize(9);
        assertThat(t.trace().steps().get(2)).isEqualTo("protect[vcpu0, gp4, Block]");
        assertThat(t.trace().steps().get(3)).isEqualTo("protect[vcpu0, gp5, Block]");
        assertThat(allowedPrefix(run)).isEqualTo(9);
    }

    @Test
    void exitKeepingTheIntegrityViewIsRejectedAtTheExit() {
        var run = run(
                IntegrityModelFlaw.EXIT_KEEPS_INTEGRITY_VIEW,
                REGISTER,
                ENTER,
                new IntegrityAction.Exit(new Writer(0, PAGE + 0x10, 0)));
        // states 0..2 are possible; state 3, after the exit, is not: normal mode on the integrity view
        assertThat(allowedPrefix(run)).isEqualTo(3);
    }

    @Test
    void aPageOnlyEntryCheckIsRejectedAtTheWrongEntry() {
        var run = run(
                IntegrityModelFlaw.ENTRY_CHECKS_PAGE_ONLY,
                REGISTER,
                new IntegrityAction.Enter(new Writer(1, PAGE + 0x20, 0)));
        assertThat(allowedPrefix(run)).isEqualTo(2);
    }

    @Test
    void requestsHonouredInNormalModeAreRejectedAtTheRequest() {
        var run = run(
                IntegrityModelFlaw.REQUESTS_IGNORE_MODE,
                REGISTER,
                new IntegrityAction.Protect(
                        new Writer(1, 0, 0), 5 * PAGE, PAGE, AlertAction.RECORD_AND_ALLOW.requestCode()));
        assertThat(allowedPrefix(run)).isEqualTo(2);
    }

    @Test
    void aStrayInstructionInIntegrityModeIsTheSpecsFaultingFetch() {
        var run = run(
                IntegrityModelFlaw.NONE,
                REGISTER,
                ENTER,
                new IntegrityAction.GuestWrite(new Writer(0, 2 * PAGE + 0x40, 0), 4 * PAGE),
                new IntegrityAction.Fault(0, 14));
        SpecTrace t = IntegritySpecAbstraction.of(run);

        assertThat(t.trace().steps().get(2)).isEqualTo("some a: Address | a.page = gp2 and fetch[vcpu0, a, Kernel]");
        assertThat(allowedPrefix(run)).isEqualTo(5);
    }

    @Test
    void aModelRunningInstructionsFromAnywhereIsRejectedAtTheStrayInstruction() {
        var run = run(
                IntegrityModelFlaw.FETCH_UNCHECKED,
                REGISTER,
                ENTER,
                new IntegrityAction.Protect(
                        new Writer(0, 2 * PAGE + 0x40, 0), 5 * PAGE, PAGE, AlertAction.BLOCK.requestCode()));
        // states 0..2 are possible; state 3 is not: the request was honoured, the fetch did not fault
        assertThat(allowedPrefix(run)).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(
            value = IntegrityModelFlaw.class,
            names = {"EXIT_KEEPS_INTEGRITY_VIEW", "REQUESTS_IGNORE_MODE", "FETCH_UNCHECKED"})
    void wrongModelsAreCaughtOnSampledRuns(IntegrityModelFlaw flaw) {
        // ENTRY_CHECKS_PAGE_ONLY needs a normal-mode call from the entry page at another offset,
        // a few percent of runs: aPageOnlyEntryCheckIsRejectedAtTheWrongEntry pins that run
        PropertyResult r = IntegritySpecConformance.modelTracesAreSpecTraces(flaw)
                .run(Settings.none()
                        .withSeed(20261203L)
                        .withTries(15)
                        .withQuiet(true)
                        .withShrinkBudget(2));
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("integrity.als allows no behaviour", "spec state");
    }

    @Test
    void aSecondRegistrationFromIntegrityModeIsOutsideTheSpec() {
        var fromDriverCode = new IntegrityAction.Register(new Writer(0, PAGE + 0x20, 0), PAGE, PAGE, 2 * PAGE, PAGE, 0);
        var run = run(IntegrityModelFlaw.NONE, REGISTER, ENTER, fromDriverCode);
        assertThat(IntegritySpecConformance.inSpec(run.steps().get(2).before(), fromDriverCode))
                .isFalse();
        // from anywhere else its fetch faults first: the spec's fetch
        assertThat(IntegritySpecConformance.inSpec(run.steps().get(2).before(), REGISTER))
                .isTrue();
        assertThatThrownBy(() -> IntegritySpecAbstraction.of(run))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the spec");
    }
}
