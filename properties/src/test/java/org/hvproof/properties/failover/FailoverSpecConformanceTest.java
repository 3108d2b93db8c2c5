package org.hvproof.properties.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverModelFlaw;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.ModelRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failover spec conformance is not vacuous: a whole failover is a spec trace, and each
 * deliberately wrong model step ({@link FailoverModelFlaw}) gives a run the spec rejects at the
 * state the wrong step leads to. The property itself runs with the claims (ClaimPropertiesTest).
 */
class FailoverSpecConformanceTest {

    private static ModelRun<FailoverState, FailoverAction, FailoverObservation> run(
            long holdUp, long panic, FailoverModelFlaw flaw, FailoverAction... actions) {
        return ModelRun.of(
                FailoverSpecConformance.provisioned(holdUp, panic),
                List.of(actions),
                (s, a) -> FailoverSpecConformance.step(s, a, flaw));
    }

    private static int allowedPrefix(ModelRun<FailoverState, FailoverAction, FailoverObservation> run) {
        return ConformanceCheck.validator(FailoverSpecAbstraction.SPEC)
                .consistentPrefix(FailoverSpecAbstraction.of(run).trace());
    }

    private static final FailoverAction[] FAILOVER = {
        new FailoverAction.ClientUpdate(2, 3),
        new FailoverAction.Serve(),
        new FailoverAction.PowerFail(),
        new FailoverAction.PanicDone(),
        new FailoverAction.CopyChunk(),
        new FailoverAction.CopyChunk(),
        new FailoverAction.Signal()
    };

    @Test
    void aFailoverWithinTheBudgetIsASpecTrace() {
        var run = run(3, 1, FailoverModelFlaw.NONE, FAILOVER);
        assertThat(run.last().secondary().runsApp()).isTrue();
        assertThat(allowedPrefix(run)).isEqualTo(FAILOVER.length + 1);
    }

    @Test
    void aFailoverOverTheBudgetRunsOutOfBatteryInTheSpecToo() {
        var run = run(2, 1, FailoverModelFlaw.NONE, FAILOVER);
        assertThat(run.last().secondary().runsApp()).isFalse();
        assertThat(allowedPrefix(run)).isEqualTo(FAILOVER.length + 1);
    }

    @Test
    void signallingBeforeTheLastChunkIsRejectedAtTheSignal() {
        var run = run(
                3,
                1,
                FailoverModelFlaw.SIGNAL_BEFORE_LAST_CHUNK,
                new FailoverAction.PowerFail(),
                new FailoverAction.PanicDone(),
                new FailoverAction.CopyChunk(),
                new FailoverAction.Signal());
        // states 0..3 are possible; state 4, after the early signal, is not
        assertThat(allowedPrefix(run)).isEqualTo(4);
    }

    @Test
    void powerReturnResumingThePrimaryAfterTheSignalIsRejectedThere() {
        List<FailoverAction> actions = new java.util.ArrayList<>(List.of(FAILOVER));
        actions.add(new FailoverAction.PowerReturns());
        var run =
                run(3, 1, FailoverModelFlaw.POWER_RETURN_RESUMES_AFTER_SIGNAL, actions.toArray(FailoverAction[]::new));
        assertThat(run.last().primary().runsApp()).isTrue();
        assertThat(allowedPrefix(run)).isEqualTo(FAILOVER.length + 1);
    }

    @ParameterizedTest
    @EnumSource(value = FailoverModelFlaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void wrongModelsAreCaughtOnSampledRuns(FailoverModelFlaw flaw) {
        PropertyResult r = FailoverSpecConformance.modelTracesAreSpecTraces(flaw)
                .run(Settings.none()
                        .withSeed(20261203L)
                        .withTries(20)
                        .withQuiet(true)
                        .withShrinkBudget(2));
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("failover.als allows no behaviour", "spec state");
    }

    /**
     * The divergence this link found, fixed in the spec: failover.als's batteryOut demanded
     * Faulted in the next flags while its exhaust added only Exhausted, so a battery that ran out as
     * the copy's first fault was a model step no spec step explained. Now both the first and a
     * second fault are spec steps.
     */
    @Test
    void aBatteryOutIsASpecStepAsFirstFaultAndAsSecond() {
        var firstFault = run(
                3,
                1,
                FailoverModelFlaw.NONE,
                new FailoverAction.PowerFail(),
                new FailoverAction.PanicDone(),
                new FailoverAction.BatteryOut());
        assertThat(allowedPrefix(firstFault)).isEqualTo(4);

        var secondFault = run(
                3,
                1,
                FailoverModelFlaw.NONE,
                new FailoverAction.PowerFail(),
                new FailoverAction.PanicDone(),
                new FailoverAction.LinkDrops(),
                new FailoverAction.BatteryOut());
        assertThat(allowedPrefix(secondFault)).isEqualTo(5);
    }
}
