package org.hvproof.impl.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverCode;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.model.failover.FailoverStep;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The two hosts against the model on hand-written and random traces, and bad input as refusals. */
class FailoverSystemTest {
    private static final FailoverConfig SMALL = new FailoverConfig(2, 16, 2, 8, 4, 3, 1000, 5);

    private static List<FailoverObservation> provisioned(FailoverSystem sys, FailoverConfig c) {
        return sys.apply(new FailoverAction.Provision(c));
    }

    @Test
    @DisplayName("FT-1 a clean failover carries the store and the queued request to the secondary")
    void cleanFailoverCarriesStoreAndQueue() {
        FailoverSystem sys = new FailoverSystem(FailoverImplFlaw.NONE);
        provisioned(sys, SMALL);
        sys.apply(new FailoverAction.ClientUpdate(3, 99));
        assertThat(sys.apply(new FailoverAction.Serve())).containsExactly(new FailoverObservation.Acknowledged(3, 99));
        sys.apply(new FailoverAction.ClientUpdate(1, 5));
        sys.apply(new FailoverAction.PowerFail());
        sys.apply(new FailoverAction.PanicDone());
        for (int i = 0; i < sys.checkpointPages(); i++) {
            assertThat(sys.apply(new FailoverAction.CopyChunk())).isEmpty();
        }
        List<FailoverObservation> seen = sys.apply(new FailoverAction.Signal());
        assertThat(seen).hasSize(2).first().isEqualTo(new FailoverObservation.Signalled(1));
        FailoverState s = sys.abstractState();
        assertThat(s.phase()).isEqualTo(FailoverPhase.FAILED_OVER);
        assertThat(s.secondary().queue()).hasSize(1);
        assertThat(java.nio.ByteBuffer.wrap(sys.secondaryHost().readPage(1))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getLong(8))
                .isEqualTo(99);
        assertThat(sys.apply(new FailoverAction.Serve())).containsExactly(new FailoverObservation.Acknowledged(1, 5));
    }

    @Test
    void badFiguresAreRefusedWithACodeAndNothingStarts() {
        FailoverSystem sys = new FailoverSystem(FailoverImplFlaw.NONE);
        assertThat(provisioned(sys, new FailoverConfig(2, 16, 2, 8, 0, 3, 1000, 5)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.BAD_BANDWIDTH));
        assertThat(provisioned(sys, new FailoverConfig(2, 16, 2, 8, 4, 3, -1, 5)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.BAD_HOLD_UP));
        assertThat(provisioned(sys, new FailoverConfig(0, 16, 2, 8, 4, 3, 1000, 5)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.BAD_SIZE));
        assertThat(provisioned(sys, new FailoverConfig(2, -16, 2, 8, 4, 3, 1000, 5)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.BAD_SIZE));
        assertThat(provisioned(sys, new FailoverConfig(2, 16, 2, 4, 4, 3, 1000, 5)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.STATE_TOO_LARGE));
        assertThat(sys.apply(new FailoverAction.Signal()))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.NOT_PROVISIONED));
        assertThat(sys.abstractState()).isEqualTo(FailoverState.initial());
    }

    @Test
    void signalsFromTheWrongHostAndDuplicateSignalsAreRefusedWithoutAStart() {
        FailoverSystem sys = new FailoverSystem(FailoverImplFlaw.NONE);
        provisioned(sys, SMALL);
        assertThat(sys.apply(new FailoverAction.StraySignal(7)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.WRONG_HOST));
        assertThat(sys.apply(new FailoverAction.StraySignal(FailoverAction.PRIMARY)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.DUPLICATE_SIGNAL));
        sys.apply(new FailoverAction.PowerFail());
        sys.apply(new FailoverAction.PanicDone());
        for (int i = 0; i < sys.checkpointPages(); i++) {
            sys.apply(new FailoverAction.CopyChunk());
        }
        // Every chunk landed: a stray signal still does not start the secondary.
        assertThat(sys.apply(new FailoverAction.StraySignal(FailoverAction.PRIMARY)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.DUPLICATE_SIGNAL));
        assertThat(sys.abstractState().secondary().runsApp()).isFalse();
        sys.apply(new FailoverAction.Signal());
        assertThat(sys.apply(new FailoverAction.StraySignal(FailoverAction.PRIMARY)))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.DUPLICATE_SIGNAL));
        assertThat(sys.apply(new FailoverAction.Signal()))
                .containsExactly(new FailoverObservation.Refused(FailoverCode.WRONG_PHASE));
    }

    /**
     * Provisioning with each size figure at its limits (zero, one, the maximum, one past it; page
     * sizes around multiples of 8; a secondary exactly as large as the checkpoint and one page
     * short) gets the model's verdict and state: the boundaries of the hosts' own check are the
     * model's.
     */
    @Test
    void provisioningAtEverySizeLimitGetsTheModelsVerdict() {
        long max = FailoverConfig.MAX_MICROS;
        long bw = FailoverConfig.MAX_BANDWIDTH;
        List<FailoverConfig> configs = new java.util.ArrayList<>();
        for (long pages : new long[] {-1, 0, 1, FailoverConfig.MAX_PAGES, FailoverConfig.MAX_PAGES + 1}) {
            configs.add(new FailoverConfig(pages, 16, 2, FailoverConfig.MAX_SECONDARY_PAGES, bw, 3, max, 5));
        }
        for (long bytes : new long[] {0, 7, 8, 9, 16, 504, 511, FailoverConfig.MAX_PAGE_BYTES, 513, 520}) {
            configs.add(new FailoverConfig(2, bytes, 2, FailoverConfig.MAX_SECONDARY_PAGES, bw, 3, max, 5));
        }
        for (long slots : new long[] {-1, 0, 1, FailoverConfig.MAX_QUEUE_SLOTS, FailoverConfig.MAX_QUEUE_SLOTS + 1}) {
            configs.add(new FailoverConfig(2, 16, slots, FailoverConfig.MAX_SECONDARY_PAGES, bw, 3, max, 5));
        }
        for (long secondary : new long[] {
            -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, FailoverConfig.MAX_SECONDARY_PAGES, FailoverConfig.MAX_SECONDARY_PAGES + 1
        }) {
            configs.add(new FailoverConfig(2, 16, 2, secondary, bw, 3, max, 5));
            configs.add(new FailoverConfig(3, 8, 1, secondary, bw, 3, max, 5));
        }
        for (FailoverConfig c : configs) {
            FailoverSystem sys = new FailoverSystem(FailoverImplFlaw.NONE);
            FailoverStep step = FailoverModel.step(FailoverModel.initial(), new FailoverAction.Provision(c));
            assertThat(provisioned(sys, c)).as("observations of %s", c).isEqualTo(step.observations());
            assertThat(sys.abstractState()).as("state after %s", c).isEqualTo(step.next());
        }
    }

    @Test
    void randomTracesRefineTheModel() {
        Random r = new Random(14);
        for (int trace = 0; trace < 300; trace++) {
            FailoverSystem sys = new FailoverSystem(FailoverImplFlaw.NONE);
            FailoverState model = FailoverModel.initial();
            long hold = 1 + r.nextInt(300);
            FailoverConfig c = new FailoverConfig(
                    1 + r.nextInt(3),
                    8 * (1 + r.nextInt(4)),
                    1 + r.nextInt(3),
                    12,
                    1 + r.nextInt(8),
                    r.nextInt(5),
                    hold,
                    r.nextInt(20));
            List<FailoverAction> kinds = List.of(
                    new FailoverAction.ClientUpdate(r.nextInt(6), r.nextLong()),
                    new FailoverAction.Serve(),
                    new FailoverAction.PowerFail(),
                    new FailoverAction.PanicDone(),
                    new FailoverAction.CopyChunk(),
                    new FailoverAction.CopyChunk(),
                    new FailoverAction.Signal(),
                    new FailoverAction.BatteryOut(),
                    new FailoverAction.LinkSlows(r.nextInt(6) - 1),
                    new FailoverAction.LinkDrops(),
                    new FailoverAction.SecondaryCrash(),
                    new FailoverAction.PowerReturns(),
                    new FailoverAction.StraySignal(r.nextInt(3)));
            List<FailoverAction> actions = new java.util.ArrayList<>();
            actions.add(new FailoverAction.Provision(c));
            for (int i = 0; i < 30; i++) {
                int k = r.nextInt(kinds.size() + 6);
                actions.add(k < kinds.size() ? kinds.get(k) : kinds.get(2 + (k % 5)));
            }
            for (FailoverAction a : actions) {
                List<FailoverObservation> seen = sys.apply(a);
                FailoverStep step = FailoverModel.step(model, a);
                assertThat(seen).as("observations of %s in %s", a, actions).isEqualTo(step.observations());
                assertThat(sys.abstractState())
                        .as("state after %s in %s", a, actions)
                        .isEqualTo(step.next());
                model = step.next();
            }
        }
    }
}
