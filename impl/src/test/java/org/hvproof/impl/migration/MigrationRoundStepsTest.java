package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hvproof.impl.migration.MigrationLockstep.run;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.RoundStep;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pre-copy round in micro-steps with the VM writing between them: in the service's order (per
 * page, re-arm its trace, then copy it) a write landing between a page's re-arm and its copy, or
 * after its copy, leaves the page dirty for the next round, in lockstep with the model; a round in
 * micro-steps ends where the same round in one step does; the flawed orders lose the write.
 */
class MigrationRoundStepsTest {
    /** A downtime limit of 0 and no round limit to speak of: rounds go on while anything is dirty. */
    private static MigrationConfig config(MigrationStrategy strategy) {
        return new MigrationConfig(
                5,
                2,
                4,
                MigrationConfig.PAGE_BYTES,
                MigrationConfig.DEFAULT_BANDWIDTH,
                0,
                MigrationConfig.DEFAULT_ROUND_LIMIT,
                MigrationEmbodiment.COPY_AS_DEVICE_BUFFER,
                strategy);
    }

    private static MigrationAction[] steps(int n) {
        MigrationAction[] out = new MigrationAction[n];
        java.util.Arrays.fill(out, new RoundStep());
        return out;
    }

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    void aWriteBetweenAPagesReArmAndItsCopyIsSentAndLeavesThePageDirty(MigrationStrategy strategy) {
        MigrationSystem sys = new MigrationSystem(config(strategy));
        // Start, begin the round, re-arm page 0 (the ring page, first in the round).
        run(sys, new StartMigration(100), new RoundStep(), new RoundStep());
        MigrationState mid = sys.abstractState();
        assertThat(mid.roundInProgress()).isTrue();
        assertThat(mid.nextPageRearmed()).isTrue();
        assertThat(mid.dirty()).doesNotContain(0L);
        run(sys, new GuestWrite(0, 8, Bytes.ofInts(7)));
        assertThat(sys.abstractState().dirty()).contains(0L);
        run(sys, new RoundStep());
        MigrationState copied = sys.abstractState();
        assertThat(copied.destination().get(0)).isEqualTo(copied.memory().get(0));
        assertThat(copied.dirty()).contains(0L);
        assertThat(copied.roundPagesCopied()).containsExactly(0L);
    }

    @Test
    void aWriteToAPageTheRoundCopiedIsDirtyForTheNextRound() {
        MigrationSystem sys = new MigrationSystem(config(MigrationStrategy.DOORBELL_AND_COMPLETION));
        run(sys, new StartMigration(100));
        run(sys, steps(1 + 2 * 5)); // the start and the five data pages
        run(sys, new GuestWrite(3, 0, Bytes.ofInts(1, 2)));
        assertThat(sys.abstractState().dirty()).contains(3L);
        run(sys, new MigrationRound()); // the rest of the round
        MigrationState after = sys.abstractState();
        assertThat(after.roundInProgress()).isFalse();
        assertThat(after.dirty()).contains(3L);
        assertThat(after.pagesPerRound()).containsExactly((long) sys.config().totalPages());
        assertThat(after.elapsedMicros())
                .isEqualTo(sys.config().totalPages() * sys.config().pageTimeMicros());
    }

    @Test
    void aRoundInMicroStepsEndsWhereTheRoundInOneStepDoes() {
        MigrationConfig c = config(MigrationStrategy.TRAP_VCPU_ACCESS);
        MigrationSystem whole = new MigrationSystem(c);
        MigrationSystem micro = new MigrationSystem(c);
        MigrationAction before = new GuestWrite(1, 0, Bytes.ofInts(4));
        run(whole, before, new StartMigration(100), new MigrationRound());
        run(micro, before, new StartMigration(100));
        run(micro, steps(1 + 2 * c.totalPages()));
        assertThat(micro.abstractState()).isEqualTo(whole.abstractState());
    }

    @Test
    void copyingBeforeTheReArmLosesAWriteBetweenTheTwo() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationStrategy.DOORBELL_AND_COMPLETION), MigrationImplFlaw.COPY_BEFORE_REARM);
        sys.apply(new StartMigration(100));
        sys.apply(new RoundStep());
        sys.apply(new RoundStep()); // page 0 copied
        sys.apply(new GuestWrite(0, 8, Bytes.ofInts(7)));
        sys.apply(new RoundStep()); // page 0 re-armed: out of the dirty set
        MigrationState s = sys.abstractState();
        assertThat(s.dirty()).doesNotContain(0L);
        assertThat(s.destination().get(0)).isNotEqualTo(s.memory().get(0));
    }

    @Test
    void clearingTheDirtySetAtTheRoundsEndForgetsAWriteToACopiedPage() {
        MigrationSystem sys = new MigrationSystem(
                config(MigrationStrategy.DOORBELL_AND_COMPLETION), MigrationImplFlaw.ROUND_END_CLEARS_DIRTY);
        sys.apply(new StartMigration(100));
        for (int i = 0; i < 3; i++) {
            sys.apply(new RoundStep()); // the start, page 0's re-arm and copy
        }
        sys.apply(new GuestWrite(0, 8, Bytes.ofInts(7)));
        assertThat(sys.abstractState().dirty()).contains(0L);
        sys.apply(new MigrationRound());
        MigrationState s = sys.abstractState();
        assertThat(s.dirty()).isEmpty();
        assertThat(s.destination().get(0)).isNotEqualTo(s.memory().get(0));
    }
}
