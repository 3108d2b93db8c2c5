package org.hvproof.properties.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hvproof.model.common.Transition;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverModelFlaw;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.ValueProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.ConformanceRuns;
import org.hvproof.properties.harness.ModelRun;

/**
 * Conformance of the Java failover model to {@code failover.als}: every sampled run of the model,
 * abstracted by {@link FailoverSpecAbstraction}, is a behaviour the Alloy spec allows, checked by
 * the solver state by state and step by step, so the spec's bounded FT checks speak of the model the
 * failover properties test.
 *
 * <p>Runs provision hosts sized to the spec's units (see {@link #figures}): two chunks, one unit a
 * chunk, hold-up 1..3 and panic time 0..3 units, so both sides of FT-4's budget occur. Then up to
 * {@value #MAX_ACTIONS} actions: client updates (each key once) and serving them, the failure path
 * (power failure, panic done, chunk copies, the signal) weighted to run to its end, and every fault
 * the spec has (battery out, link drop, secondary crash, power return, stray signals from the
 * primary and from a stranger).
 * {@code LinkSlows} is not drawn: the spec's slowdown is a lost unit,
 * the model's a new bandwidth (the failover properties test it against the model's own budget).
 */
public final class FailoverSpecConformance {
    /** Default tries: each costs one Alloy solve of up to {@value #MAX_ACTIONS} + 1 states. */
    public static final int TRIES = 25;
    /** Actions per run at most. */
    public static final int MAX_ACTIONS = 12;
    /** Keys of the runs' store: one page of 32 bytes. */
    static final int KEYS = 4;

    private FailoverSpecConformance() {}

    /** FT-1..4 as the Alloy spec states them hold of the Java model's behaviours. */
    @Claim({"FT-1", "FT-2", "FT-3", "FT-4"})
    public static ValueProperty<ModelRun<FailoverState, FailoverAction, FailoverObservation>>
            modelTracesAreSpecTraces() {
        return modelTracesAreSpecTraces(FailoverModelFlaw.NONE);
    }

    /** The same property of the model with {@code flaw}, so a test can show a wrong model step is rejected. */
    public static ValueProperty<ModelRun<FailoverState, FailoverAction, FailoverObservation>> modelTracesAreSpecTraces(
            FailoverModelFlaw flaw) {
        String name = ConformanceCheck.propertyName(
                "FT-1..4", "failover.als", flaw == FailoverModelFlaw.NONE ? "" : flaw.name());
        return Property.forAll(runs(flaw))
                .named(name)
                .tries(TRIES)
                .describeValue(r -> "\n" + r.describe(FailoverSpecConformance::describe))
                // few tries, so minimums well below the shares seen (failed over about 30%)
                .cover(8, Labels.FAILED_OVER)
                .cover(8, Labels.BATTERY_EXHAUSTED)
                .cover(4, Labels.POWER_RETURNED_ON_BATTERY)
                .cover(4, Labels.FAULT_ON_BATTERY)
                .verify(FailoverSpecConformance::validate);
    }

    static void validate(ModelRun<FailoverState, FailoverAction, FailoverObservation> run, Context ctx) {
        label(run, ctx);
        ConformanceCheck.validate(FailoverSpecAbstraction.SPEC, FailoverSpecAbstraction.of(run), run);
    }

    /**
     * Figures whose microseconds are the spec's units: one application page of 32 bytes (four keys)
     * and one page of NIC queue (one slot), so two chunks; one page a microsecond and no latency, so
     * a chunk takes one unit and lands as it is sent; {@code holdUp} and {@code panic} in units.
     */
    static FailoverConfig figures(long holdUp, long panic) {
        return new FailoverConfig(1, 32, 1, 2, 32, 0, holdUp, panic);
    }

    /** Provisioned hosts with those figures: the spec's initial state. */
    static FailoverState provisioned(long holdUp, long panic) {
        return FailoverModel.step(FailoverModel.initial(), new FailoverAction.Provision(figures(holdUp, panic)))
                .next();
    }

    /** Runs: figures, then up to {@link #MAX_ACTIONS} actions drawn from the current state. */
    public static Gen<ModelRun<FailoverState, FailoverAction, FailoverObservation>> runs(FailoverModelFlaw flaw) {
        return Gens.of("failover model runs", src -> {
            long[] hp = src.draw(FIGURES);
            long holdUp = hp[0];
            long panic = hp[1];
            FailoverState initial = provisioned(holdUp, panic);
            Set<Long> used = new TreeSet<>();
            List<FailoverAction> actions = new ArrayList<>();
            ConformanceRuns.draw(src, initial, MAX_ACTIONS, 0.95, s -> next(s, used), (s, a) -> {
                if (a instanceof FailoverAction.ClientUpdate u) {
                    used.add(u.key());
                }
                actions.add(a);
                return FailoverModel.step(s, a, flaw).next();
            });
            return ModelRun.of(initial, actions, (st, a) -> step(st, a, flaw));
        });
    }

    static Transition<FailoverState, FailoverAction, FailoverObservation> step(
            FailoverState s, FailoverAction a, FailoverModelFlaw flaw) {
        var step = FailoverModel.step(s, a, flaw);
        return new Transition<>(s, a, step.next(), step.observations());
    }

    /**
     * Hold-up and panic time in units: half the runs from the three pairs whose budget fits (panic
     * plus two chunks within the hold-up), half from all twelve.
     */
    private static final Gen<long[]> FIGURES = Gens.frequency(
            Gens.weighted(1, Gens.elements(new long[] {3, 0}, new long[] {3, 1}, new long[] {2, 0})),
            Gens.weighted(1, Gens.combine(Gens.longs(1, 3), Gens.longs(0, 3), (h, p) -> new long[] {h, p})));

    /** Kinds of action with fixed weights (a fixed table keeps choices meaning the same while shrinking). */
    private enum Kind {
        UPDATE(3),
        SERVE(3),
        PATH(8),
        BATTERY_OUT(0.5),
        LINK_DROPS(0.4),
        SECONDARY_CRASH(0.4),
        POWER_RETURNS(0.8),
        STRAY_SIGNAL(0.6);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    /** The next action; an update with every key used becomes a serve. */
    static Gen<FailoverAction> next(FailoverState s, Set<Long> usedKeys) {
        List<Long> fresh = new ArrayList<>();
        for (long k = 0; k < KEYS; k++) {
            if (!usedKeys.contains(k)) {
                fresh.add(k);
            }
        }
        return KINDS.flatMap(kind -> switch (kind) {
            case UPDATE ->
                fresh.isEmpty()
                        ? Gens.constant(new FailoverAction.Serve())
                        : Gens.elements(fresh).map(k -> (FailoverAction) new FailoverAction.ClientUpdate(k, k + 1));
            case SERVE -> Gens.constant(new FailoverAction.Serve());
            case PATH ->
                s.phase() == FailoverPhase.COPYING
                        // now and then the agent signals early: refused, unless the agent is wrong
                        ? Gens.frequency(
                                Gens.weighted(4, Gens.constant(path(s))),
                                Gens.weighted(1, Gens.constant(new FailoverAction.Signal())))
                        : Gens.constant(path(s));
            case BATTERY_OUT -> Gens.constant(new FailoverAction.BatteryOut());
            case LINK_DROPS -> Gens.constant(new FailoverAction.LinkDrops());
            case SECONDARY_CRASH -> Gens.constant(new FailoverAction.SecondaryCrash());
            case POWER_RETURNS -> Gens.constant(new FailoverAction.PowerReturns());
            case STRAY_SIGNAL ->
                Gens.elements(FailoverAction.PRIMARY, 7L).map(h -> (FailoverAction) new FailoverAction.StraySignal(h));
        });
    }

    /** The failure path's next step in state {@code s} (in running phases: the power failure). */
    private static FailoverAction path(FailoverState s) {
        return switch (s.phase()) {
            case ON_BATTERY -> new FailoverAction.PanicDone();
            case COPYING ->
                s.copy().map(c -> c.chunksSent()).orElse(0)
                                < s.config().orElseThrow().chunks()
                        ? new FailoverAction.CopyChunk()
                        : new FailoverAction.Signal();
            case RUNNING -> new FailoverAction.PowerFail();
            default -> new FailoverAction.PowerReturns();
        };
    }

    private static String describe(FailoverState s) {
        return s.phase() + ", now " + s.now() + ", primary runs " + s.primary().runsApp() + ", secondary runs "
                + s.secondary().runsApp() + ", acked " + s.acknowledged() + ", copy "
                + s.copy()
                        .map(c -> c.chunksSent() + " sent" + (c.faulted() ? ", faulted" : ""))
                        .orElse("none");
    }

    private static void label(ModelRun<FailoverState, FailoverAction, FailoverObservation> run, Context ctx) {
        for (Transition<FailoverState, FailoverAction, FailoverObservation> t : run.steps()) {
            if (t.after().phase() == FailoverPhase.FAILED_OVER && t.before().phase() != FailoverPhase.FAILED_OVER) {
                ctx.label(Labels.FAILED_OVER);
                if (!t.before().acknowledged().isEmpty()) {
                    ctx.label(Labels.SERVED_THEN_FAILED);
                }
            }
            if (t.observations().stream()
                    .anyMatch(o -> o instanceof FailoverObservation.FailoverFailed f
                            && f.cause() == org.hvproof.model.failover.FailoverCode.BATTERY_EXHAUSTED)) {
                ctx.label(Labels.BATTERY_EXHAUSTED);
            }
            if (t.action() instanceof FailoverAction.PowerReturns && t.before().onBattery()) {
                ctx.label(Labels.POWER_RETURNED_ON_BATTERY);
            }
            if (t.before().onBattery()
                    && (t.action() instanceof FailoverAction.LinkDrops
                            || t.action() instanceof FailoverAction.SecondaryCrash
                            || t.action() instanceof FailoverAction.BatteryOut)) {
                ctx.label(Labels.FAULT_ON_BATTERY);
            }
        }
    }

    /** Situations the runs must reach; the property fails when they are too rare. */
    static final class Labels {
        static final String FAILED_OVER = "failed over to the secondary";
        static final String SERVED_THEN_FAILED = "failed over with acknowledged updates";
        static final String BATTERY_EXHAUSTED = "battery ran out";
        static final String POWER_RETURNED_ON_BATTERY = "power returned on battery";
        static final String FAULT_ON_BATTERY = "fault on battery (link, secondary or battery)";

        private Labels() {}
    }
}
