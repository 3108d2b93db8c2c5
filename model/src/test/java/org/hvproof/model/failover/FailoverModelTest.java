package org.hvproof.model.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.ClaimCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The failover model on hand-written traces: a clean failover, the faults, and its own flaws caught. */
class FailoverModelTest {
    /** Two pages of 16 bytes (4 keys), two queue slots (one NIC page of 40 bytes: 3 pages of 16), 8 pages on the secondary. */
    private static FailoverConfig config(long holdUp) {
        return new FailoverConfig(2, 16, 2, 8, 4, 3, holdUp, 5);
    }

    private record Run(FailoverState state, List<ClaimCheck> violations, List<FailoverObservation> last) {}

    private static Run run(FailoverConfig c, FailoverModelFlaw flaw, FailoverAction... actions) {
        FailoverState s = FailoverModel.step(FailoverModel.initial(), new FailoverAction.Provision(c))
                .next();
        List<ClaimCheck> bad = new ArrayList<>();
        List<FailoverObservation> last = List.of();
        for (FailoverAction a : actions) {
            FailoverStep step = FailoverModel.step(s, a, flaw);
            FailoverInvariants.ALL.checkStep(step.from(s, a)).stream()
                    .filter(x -> !x.holds())
                    .forEach(bad::add);
            s = step.next();
            last = step.observations();
        }
        return new Run(s, bad, last);
    }

    private static FailoverAction[] cleanFailover(int chunks, FailoverAction... before) {
        List<FailoverAction> out = new ArrayList<>(List.of(before));
        out.add(new FailoverAction.PowerFail());
        out.add(new FailoverAction.PanicDone());
        for (int i = 0; i < chunks; i++) {
            out.add(new FailoverAction.CopyChunk());
        }
        out.add(new FailoverAction.Signal());
        return out.toArray(FailoverAction[]::new);
    }

    @Test
    void budgetIsPanicTimePlusTransferPlusTwoLatencies() {
        FailoverConfig c = config(1000);
        assertThat(c.chunks()).isEqualTo(5);
        FailoverBudget b = FailoverModel.budget(c, c.bandwidth());
        assertThat(b.requiredMicros()).isEqualTo(5 + (5 * 16 + 3) / 4 + 2 * 3);
        assertThat(b.marginMicros()).isEqualTo(1000 - b.requiredMicros());
        assertThat(b.marginBytes()).isEqualTo(b.marginMicros() * 4);
    }

    @Test
    @DisplayName("FT-1 the secondary takes over with every acknowledged update and the queued ones")
    void secondaryTakesOverWithEveryAcknowledgedUpdateAndTheQueuedOnes() {
        FailoverConfig c = config(1000);
        Run r = run(
                c,
                FailoverModelFlaw.NONE,
                cleanFailover(
                        c.chunks(),
                        new FailoverAction.ClientUpdate(3, 42),
                        new FailoverAction.Serve(),
                        new FailoverAction.ClientUpdate(0, -7)));
        assertThat(r.violations()).isEmpty();
        assertThat(r.state().phase()).isEqualTo(FailoverPhase.FAILED_OVER);
        assertThat(r.state().secondary().queue()).containsExactly(new KeyValueUpdate(0, -7));
        assertThat(FailoverLayout.read(c, r.state().secondary().memory(), 3)).isEqualTo(42);
        assertThat(r.last())
                .contains(new FailoverObservation.Started(
                        1, FailoverModel.budget(c, 4).requiredMicros()));
    }

    @Test
    @DisplayName("FT-4 a budget one microsecond short runs out of battery and is reported")
    void aBudgetOneMicrosecondShortRunsOutOfBatteryAndIsReported() {
        FailoverConfig fits = config(FailoverModel.budget(config(1), 4).requiredMicros());
        FailoverConfig shortBy1 = config(fits.holdUp() - 1);
        assertThat(run(fits, FailoverModelFlaw.NONE, cleanFailover(fits.chunks()))
                        .state()
                        .phase())
                .isEqualTo(FailoverPhase.FAILED_OVER);
        Run r = run(shortBy1, FailoverModelFlaw.NONE, cleanFailover(shortBy1.chunks()));
        assertThat(r.violations()).isEmpty();
        assertThat(r.state().phase()).isEqualTo(FailoverPhase.FAILED);
        assertThat(r.last()).containsExactly(new FailoverObservation.FailoverFailed(FailoverCode.BATTERY_EXHAUSTED));
        assertThat(r.state().secondary().runsApp()).isFalse();
    }

    @Test
    @DisplayName("FT-2 power returning during the copy resumes the primary and abandons the copy")
    void powerReturningDuringTheCopyResumesThePrimaryAndAbandonsTheCopy() {
        FailoverConfig c = config(1000);
        Run r = run(
                c,
                FailoverModelFlaw.NONE,
                new FailoverAction.PowerFail(),
                new FailoverAction.PanicDone(),
                new FailoverAction.CopyChunk(),
                new FailoverAction.PowerReturns(),
                new FailoverAction.Signal());
        assertThat(r.violations()).isEmpty();
        assertThat(r.state().phase()).isEqualTo(FailoverPhase.RUNNING);
        assertThat(r.state().primary().runsApp()).isTrue();
        assertThat(r.state().agent().landed()).isEmpty();
        assertThat(r.last()).containsExactly(new FailoverObservation.Refused(FailoverCode.WRONG_PHASE));
    }

    @Test
    void badProvisioningIsRefusedWithItsCode() {
        FailoverState s0 = FailoverModel.initial();
        assertThat(FailoverModel.step(s0, new FailoverAction.Provision(new FailoverConfig(2, 16, 2, 8, 0, 3, 9, 5)))
                        .observations())
                .containsExactly(new FailoverObservation.Refused(FailoverCode.BAD_BANDWIDTH));
        assertThat(FailoverModel.step(s0, new FailoverAction.Provision(new FailoverConfig(2, 16, 2, 4, 1, 3, 9, 5)))
                        .observations())
                .containsExactly(new FailoverObservation.Refused(FailoverCode.STATE_TOO_LARGE));
        assertThat(FailoverModel.step(s0, new FailoverAction.Provision(new FailoverConfig(2, 16, 2, 8, 1, 3, -1, 5)))
                        .observations())
                .containsExactly(new FailoverObservation.Refused(FailoverCode.BAD_HOLD_UP));
    }

    @Test
    void modelFlawSignalBeforeLastChunkIsCaughtByFt3() {
        FailoverConfig c = config(1000);
        List<FailoverAction> actions = new ArrayList<>(List.of(cleanFailover(c.chunks() - 1)));
        Run r = run(c, FailoverModelFlaw.SIGNAL_BEFORE_LAST_CHUNK, actions.toArray(FailoverAction[]::new));
        assertThat(r.violations()).extracting(ClaimCheck::check).contains("signalOnlyAfterWholeCheckpoint");
    }

    @Test
    void modelFlawPowerReturnResumesAfterSignalIsCaughtByFt2() {
        FailoverConfig c = config(1000);
        List<FailoverAction> actions = new ArrayList<>(List.of(cleanFailover(c.chunks())));
        actions.add(new FailoverAction.PowerReturns());
        Run r = run(c, FailoverModelFlaw.POWER_RETURN_RESUMES_AFTER_SIGNAL, actions.toArray(FailoverAction[]::new));
        assertThat(r.violations()).extracting(ClaimCheck::check).contains("neverBothRun");
    }
}
