package org.hvproof.properties.failover;

import java.util.Arrays;
import java.util.List;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the failover mechanism: the next action is drawn from the current model
 * state. Before provisioning, figures from their whole domain: mostly good ones whose hold-up time
 * lies at a chosen distance from the budget's requirement (exactly on it, a few microseconds
 * either side, far either side), the rest with one figure broken (zero, negative or absurd sizes,
 * bandwidth, times; a state one page larger than the secondary's memory). While the primary runs:
 * client updates of keys across every page (uniform, the first and last key, the upper half) and
 * out of range, serving, AC failures, link changes. On the failure path: the panic handler, the
 * copy and the signal, with every fault (battery out, link slows or drops, secondary crash, power
 * returns, a second failure, stray signals from any host) injected at any step. After failover:
 * the secondary serves, power returns, it crashes, stray and replayed signals.
 */
public final class FailoverActions {
    /** Bandwidths of 10, 25 and 100 Gb/s in bytes per microsecond. */
    private static final List<Long> REAL_BANDWIDTHS = List.of(1250L, 3125L, 12500L);

    private FailoverActions() {}

    /**
     * The kinds of action with fixed weights, so a trace's choices keep their meaning while it
     * shrinks; a kind that does not apply in the current phase becomes the step that leads on.
     */
    private enum Kind {
        UPDATE(5),
        SERVE(4),
        ADVANCE(14),
        POWER_FAIL(2.5),
        EARLY_SIGNAL(0.4),
        BATTERY_OUT(0.3),
        LINK_SLOWS(0.4),
        LINK_DROPS(0.25),
        SECONDARY_CRASH(0.25),
        POWER_RETURNS(0.6),
        STRAY_SIGNAL(0.5);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    /** The next action for the trace's current state. */
    public static Gen<Action<FailoverTrace>> next(FailoverTrace trace) {
        return action(trace.state()).map(FailoverActions::asStep);
    }

    /**
     * The next action for state {@code s}, as a failover trace draws it (provisioning first):
     * for a trace whose actions are not a failover trace's alone, as the composed traces mix them.
     */
    public static Gen<FailoverAction> action(FailoverState s) {
        return KINDS.flatMap(kind -> s.phase() == FailoverPhase.UNPROVISIONED ? provision() : action(s, kind));
    }

    private static Gen<FailoverAction> action(FailoverState s, Kind kind) {
        boolean onBattery = s.onBattery();
        return switch (kind) {
            case UPDATE -> onBattery ? path(s) : update(s);
            case SERVE -> onBattery ? path(s) : Gens.constant(new FailoverAction.Serve());
            case ADVANCE -> onBattery ? path(s) : work(s);
            case POWER_FAIL -> Gens.constant(new FailoverAction.PowerFail());
            case EARLY_SIGNAL ->
                allSent(s)
                        ? Gens.constant(new FailoverAction.StraySignal(FailoverAction.PRIMARY))
                        : Gens.constant(new FailoverAction.Signal());
            case BATTERY_OUT -> Gens.constant(new FailoverAction.BatteryOut());
            case LINK_SLOWS -> linkSlows();
            case LINK_DROPS -> Gens.constant(new FailoverAction.LinkDrops());
            case SECONDARY_CRASH -> Gens.constant(new FailoverAction.SecondaryCrash());
            case POWER_RETURNS -> Gens.constant(new FailoverAction.PowerReturns());
            case STRAY_SIGNAL -> straySignal();
        };
    }

    /** The failure path's next step: the panic handler's end, the next chunk, the signal once all are sent. */
    private static Gen<FailoverAction> path(FailoverState s) {
        if (s.phase() == FailoverPhase.ON_BATTERY) {
            return Gens.constant(new FailoverAction.PanicDone());
        }
        if (allSent(s)) {
            // Now and then a replayed signal from the primary races the real one.
            return Gens.frequency(
                    Gens.weighted(8, Gens.constant(new FailoverAction.Signal())),
                    Gens.weighted(1, Gens.constant(new FailoverAction.StraySignal(FailoverAction.PRIMARY))));
        }
        return Gens.constant(new FailoverAction.CopyChunk());
    }

    /** Whether the agent has sent every chunk of the checkpoint. */
    private static boolean allSent(FailoverState s) {
        return s.phase() == FailoverPhase.COPYING
                && s.copy()
                        .map(c -> c.chunksSent() >= s.config().orElseThrow().chunks())
                        .orElse(false);
    }

    /** Off the failure path: serve what is queued, else take an update, else (nothing runs) let power return. */
    private static Gen<FailoverAction> work(FailoverState s) {
        if (s.running().isEmpty()) {
            return Gens.frequency(
                    Gens.weighted(1, Gens.constant(new FailoverAction.PowerReturns())),
                    Gens.weighted(1, straySignal()));
        }
        return s.running().get().queue().isEmpty()
                ? update(s)
                : Gens.frequency(
                        Gens.weighted(1, update(s)), Gens.weighted(1, Gens.constant(new FailoverAction.Serve())));
    }

    private static Action<FailoverTrace> asStep(FailoverAction a) {
        return Action.of(a.toString(), (trace, ctx) -> trace.apply(a, ctx));
    }

    // ------------------------------------------------------------ provisioning

    /** Good figures at a chosen distance from their budget (most), or figures with one broken. */
    static Gen<FailoverAction> provision() {
        return Gens.frequency(Gens.weighted(8, goodFigures()), Gens.weighted(2, badFigures()))
                .map(c -> (FailoverAction) new FailoverAction.Provision(c));
    }

    /** Shapes and link figures, the hold-up time derived from the requirement plus a drawn slack. */
    private static Gen<FailoverConfig> goodFigures() {
        Gen<Long> pages = Gens.frequency(
                Gens.weighted(6, Gens.longs(1, 3)), Gens.weighted(1, Gens.longs(1, FailoverConfig.MAX_PAGES)));
        Gen<Long> pageBytes = Gens.frequency(
                        Gens.weighted(5, Gens.longs(1, 8)),
                        Gens.weighted(1, Gens.longs(1, FailoverConfig.MAX_PAGE_BYTES / 8)))
                .map(w -> w * 8);
        Gen<Long> slots = Gens.frequency(
                Gens.weighted(4, Gens.longs(1, 3)), Gens.weighted(1, Gens.longs(1, FailoverConfig.MAX_QUEUE_SLOTS)));
        Gen<Long> bandwidth = Gens.frequency(
                Gens.weighted(6, Gens.longs(1, 64)),
                Gens.weighted(1, Gens.elements(REAL_BANDWIDTHS)),
                Gens.weighted(1, Gens.longs(1, FailoverConfig.MAX_BANDWIDTH)));
        Gen<Long> latency = Gens.frequency(
                Gens.weighted(2, Gens.constant(0L)),
                Gens.weighted(4, Gens.longs(0, 20)),
                Gens.weighted(1, Gens.longs(0, 5000)));
        Gen<Long> panic = Gens.frequency(Gens.weighted(4, Gens.longs(0, 50)), Gens.weighted(1, Gens.longs(0, 100_000)));
        // slack: on the edge (0), a few µs either side, or far either side
        Gen<Long> slack = Gens.frequency(
                Gens.weighted(3, Gens.longs(0, FailoverTrace.EDGE)),
                Gens.weighted(2, Gens.longs(-FailoverTrace.EDGE, -1)),
                Gens.weighted(4, Gens.longs(FailoverTrace.EDGE + 1, 100_000)),
                Gens.weighted(1, Gens.longs(-100_000, -FailoverTrace.EDGE - 1)));
        Gen<Long> spare = Gens.frequency(Gens.weighted(3, Gens.constant(0L)), Gens.weighted(2, Gens.longs(0, 8)));
        Gen<long[]> shape = Gens.combine(
                List.of(pages, pageBytes, slots, bandwidth, latency, panic),
                xs -> xs.stream().mapToLong(o -> (Long) o).toArray());
        return Gens.combine(shape, slack, spare, (x, sl, sp) -> {
            FailoverConfig probe =
                    new FailoverConfig(x[0], x[1], x[2], FailoverConfig.MAX_SECONDARY_PAGES, x[3], x[4], 1, x[5]);
            long secondary = Math.min(FailoverConfig.MAX_SECONDARY_PAGES, probe.chunks() + sp);
            long required = FailoverModel.budget(probe, x[3]).requiredMicros();
            long holdUp = Math.max(1, Math.min(FailoverConfig.MAX_MICROS, required + sl));
            return new FailoverConfig(x[0], x[1], x[2], secondary, x[3], x[4], holdUp, x[5]);
        });
    }

    /** Good figures with one broken: every bad-input kind the figures have. */
    private static Gen<FailoverConfig> badFigures() {
        Gen<Long> anyLong = Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE);
        return Gens.combine(goodFigures(), Gens.integers(0, 9), anyLong, (c, how, x) -> {
            long nonPositive = x > 0 ? -(x % 1000) : x;
            return switch (how) {
                case 0 -> c.withBandwidth(nonPositive);
                case 1 -> c.withBandwidth(FailoverConfig.MAX_BANDWIDTH + 1 + Math.floorMod(x, 1000));
                case 2 -> c.withHoldUp(nonPositive);
                case 3 -> c.withPages(nonPositive);
                case 4 -> c.withPageBytes(c.pageBytes() + 1 + Math.floorMod(x, 7));
                case 5 -> c.withSecondaryPages(c.chunks() - 1);
                case 6 -> c.withLatency(-1 - Math.floorMod(x, 1000));
                case 7 -> c.withPanic(-1 - Math.floorMod(x, 1000));
                case 8 -> c.withQueueSlots(nonPositive);
                default ->
                    new FailoverConfig(x, x >> 3, x >> 7, x >> 11, x >> 13, x >> 17, x >> 19, x >> 23); // any figures
            };
        });
    }

    // ------------------------------------------------------------ values

    /** A client update: any key of the store (uniform, first, last, upper half) or one outside it; any value. */
    private static Gen<FailoverAction> update(FailoverState s) {
        long keys = s.config().map(c -> (long) c.keys()).orElse(1L);
        Gen<Long> key = Gens.frequency(
                Gens.weighted(6, Gens.longs(0, keys - 1)),
                Gens.weighted(1, Gens.elements(0L, keys - 1)),
                Gens.weighted(2, Gens.longs(keys / 2, keys - 1)),
                Gens.weighted(1, Gens.elements(-1L, keys, Long.MIN_VALUE, Long.MAX_VALUE)));
        Gen<Long> value = Gens.frequency(
                Gens.weighted(4, Gens.longs(1, Long.MAX_VALUE)),
                Gens.weighted(1, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE)));
        return Gens.combine(key, value, (k, v) -> (FailoverAction) new FailoverAction.ClientUpdate(k, v));
    }

    /** A new bandwidth: slower or faster, a real link's, or zero, negative or absurd. */
    private static Gen<FailoverAction> linkSlows() {
        return Gens.frequency(
                        Gens.weighted(6, Gens.longs(1, 64)),
                        Gens.weighted(1, Gens.elements(REAL_BANDWIDTHS)),
                        Gens.weighted(2, Gens.elements(0L, -1L, Long.MIN_VALUE, FailoverConfig.MAX_BANDWIDTH + 1)))
                .map(b -> (FailoverAction) new FailoverAction.LinkSlows(b));
    }

    /** A signal message the primary's agent did not send now: from the primary (a replay), the secondary, any host. */
    private static Gen<FailoverAction> straySignal() {
        return Gens.frequency(
                        Gens.weighted(3, Gens.constant(FailoverAction.PRIMARY)),
                        Gens.weighted(1, Gens.constant(2L)),
                        Gens.weighted(2, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE)))
                .map(h -> (FailoverAction) new FailoverAction.StraySignal(h));
    }
}
