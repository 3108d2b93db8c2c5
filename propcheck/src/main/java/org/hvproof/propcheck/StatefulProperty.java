package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A state-machine property: from a fresh system, apply a trace of actions, each drawn from the current
 * state, and check every named invariant after every step (and on the initial state). A failing trace
 * is shrunk by deleting actions (each action is one span of choices) and simplifying their arguments,
 * then reported one numbered line per action with the failing step, invariant, state, seed and replay
 * token.
 *
 * <pre>{@code
 * StatefulProperty.<Counter>named("COUNTER-1 never exceeds its bound")
 *         .initial(() -> new Counter(3))
 *         .actions(c -> Gens.mix().add(3, Gens.constant(INCREMENT)).addIf(c.value() > 0, 1, Gens.constant(RESET)).build())
 *         .invariant("within bound", c -> c.value() <= c.bound())
 *         .steps(30)
 *         .assertHolds();
 * }</pre>
 *
 * @param <S> the system under test (fresh per try; typically implementation plus model)
 */
public final class StatefulProperty<S> implements Property {

    /** Span label of one step of a trace: its "continue?" choice, the action's choices and draws. */
    static final String STEP = "step";

    private final String name;
    private Supplier<? extends S> initial;
    private Gen<? extends S> drawnInitial;
    private Function<? super S, ? extends Gen<? extends Action<S>>> actions;
    private final Map<String, Consumer<? super S>> invariants = new LinkedHashMap<>();
    private Function<? super S, String> describeState = String::valueOf;
    private Settings settings = Settings.none();
    private final List<Coverage> coverage = new ArrayList<>();

    private StatefulProperty(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Starts a stateful property with the given name (shown in reports; identifies its replay tokens). */
    public static <S> StatefulProperty<S> named(String name) {
        return new StatefulProperty<>(name);
    }

    /** How to build a fresh system under test for each try (closed after the try if AutoCloseable). */
    public StatefulProperty<S> initial(Supplier<? extends S> factory) {
        this.initial = Objects.requireNonNull(factory, "factory");
        this.drawnInitial = null;
        return this;
    }

    /**
     * How to draw a fresh system under test for each try from the try's own choices, before its
     * first step (closed after the try if AutoCloseable): figures a system boots with, drawn per
     * try and shrunk with its steps, without a boot step that deleting steps would misalign.
     */
    public StatefulProperty<S> initialDrawn(Gen<? extends S> draw) {
        Objects.requireNonNull(draw, "draw");
        this.initial = null;
        this.drawnInitial = draw;
        return this;
    }

    /**
     * The generator of the next action given the current state: weights and preconditions live here
     * (see {@link Gens#mix()}). Returning null ends the trace (no action is enabled).
     */
    public StatefulProperty<S> actions(Function<? super S, ? extends Gen<? extends Action<S>>> nextAction) {
        this.actions = Objects.requireNonNull(nextAction, "nextAction");
        return this;
    }

    /** A named invariant checked on the initial state and after every step; false fails the trace. */
    public StatefulProperty<S> invariant(String invariantName, Predicate<? super S> holds) {
        Objects.requireNonNull(holds, "holds");
        return addInvariant(invariantName, s -> {
            if (!holds.test(s)) {
                throw new InvariantFalse();
            }
        });
    }

    /**
     * A named check run on the initial state and after every step that fails by throwing (e.g. an
     * AssertJ assertion comparing implementation and model); its message is reported.
     */
    public StatefulProperty<S> assertion(String checkName, Consumer<? super S> check) {
        return addInvariant(checkName, Objects.requireNonNull(check, "check"));
    }

    private StatefulProperty<S> addInvariant(String invariantName, Consumer<? super S> check) {
        Objects.requireNonNull(invariantName, "invariantName");
        if (invariants.putIfAbsent(invariantName, check) != null) {
            throw new IllegalArgumentException("duplicate invariant name: " + invariantName);
        }
        return this;
    }

    /** Maximum number of actions per trace. */
    public StatefulProperty<S> steps(int maxSteps) {
        settings = settings.withMaxSteps(maxSteps);
        return this;
    }

    /** How the state is printed when a trace fails (default: toString). */
    public StatefulProperty<S> describeState(Function<? super S, String> describe) {
        this.describeState = Objects.requireNonNull(describe, "describe");
        return this;
    }

    /** Number of traces to run. */
    public StatefulProperty<S> tries(int n) {
        settings = settings.withTries(n);
        return this;
    }

    /** Fixed seed. */
    public StatefulProperty<S> seed(long seed) {
        settings = settings.withSeed(seed);
        return this;
    }

    /** Shrink budget in property evaluations (each replays a whole trace). */
    public StatefulProperty<S> shrinkBudget(int evaluations) {
        settings = settings.withShrinkBudget(evaluations);
        return this;
    }

    /** Settings of this property (fields set here win over defaults, lose to system properties). */
    public StatefulProperty<S> settings(Settings s) {
        settings = settings.overriddenBy(s);
        return this;
    }

    /** Fails the property when {@code label} occurs in fewer than {@code percent}% of traces. */
    public StatefulProperty<S> cover(double percent, String label) {
        coverage.add(new Coverage(percent, label));
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PropertyResult run(Settings overrides) {
        if ((initial == null && drawnInitial == null) || actions == null) {
            throw new IllegalStateException("stateful property \"" + name + "\" needs initial(...) and actions(...)");
        }
        Settings s = Engine.effective(settings, overrides);
        int maxSteps = s.maxSteps();
        double keepGoing = 1.0 - 1.0 / Math.max(2, maxSteps);
        return Engine.run(name, true, s, src -> execute(src, maxSteps, keepGoing), List.copyOf(coverage));
    }

    private Execution execute(DataSource src, int maxSteps, double keepGoing) {
        Context ctx = new Context(src);
        List<Object> trace = new ArrayList<>();
        List<String> states = src.explaining() ? new ArrayList<>() : null;
        S sys = null;
        try {
            try {
                sys = drawnInitial != null ? src.draw(drawnInitial) : initial.get();
            } catch (Invalid | FilterExhaustedException e) {
                throw e;
            } catch (Throwable t) {
                Throwable c = Engine.catchable(t);
                return failed(src, ctx, trace, new Failure("exception", "initial() threw " + c, c, 0, null));
            }
            if (states != null) {
                states.add(describe(sys));
            }
            Failure f = checkInvariants(sys, 0);
            if (f != null) {
                return failed(src, ctx, trace, f, states);
            }
            for (int step = 1; step <= maxSteps; step++) {
                src.startSpan(STEP);
                if (!src.weightedCoin(keepGoing)) {
                    src.endSpan();
                    break;
                }
                Gen<? extends Action<S>> gen = actions.apply(sys);
                if (gen == null) {
                    src.endSpan();
                    break;
                }
                Action<S> action = src.draw(gen);
                trace.add(action);
                try {
                    action.apply(sys, ctx);
                } catch (Invalid | FilterExhaustedException e) {
                    throw e;
                } catch (Throwable t) {
                    Throwable c = Engine.catchable(t);
                    src.endSpan();
                    if (states != null) {
                        states.add(describe(sys));
                    }
                    return failed(
                            src,
                            ctx,
                            trace,
                            new Failure("exception", String.valueOf(c.getMessage()), c, step, describe(sys)),
                            states);
                }
                src.endSpan();
                if (states != null) {
                    states.add(describe(sys));
                }
                f = checkInvariants(sys, step);
                if (f != null) {
                    return failed(src, ctx, trace, f, states);
                }
            }
            return Execution.of(src, ctx, trace.size()).passed();
        } catch (Invalid | FilterExhaustedException e) {
            return Execution.of(src, ctx, trace.size()).invalid(e);
        } catch (Throwable t) {
            // an action generator threw: report it as a failure of the step being drawn
            Throwable c = Engine.catchable(t);
            return failed(
                    src,
                    ctx,
                    trace,
                    new Failure("exception", "action generator threw " + c, c, trace.size() + 1, describe(sys)));
        } finally {
            if (sys instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing is best effort; the verdict is already decided
                }
            }
        }
    }

    private Failure checkInvariants(S sys, int step) {
        for (Map.Entry<String, Consumer<? super S>> inv : invariants.entrySet()) {
            try {
                inv.getValue().accept(sys);
            } catch (InvariantFalse e) {
                return new Failure(inv.getKey(), "returned false", null, step, describe(sys));
            } catch (Throwable t) {
                Throwable c = Engine.catchable(t);
                return new Failure(inv.getKey(), String.valueOf(c.getMessage()), c, step, describe(sys));
            }
        }
        return null;
    }

    private String describe(S sys) {
        try {
            return describeState.apply(sys);
        } catch (RuntimeException e) {
            return "<describeState threw " + e + ">";
        }
    }

    private static Execution failed(DataSource src, Context ctx, List<Object> trace, Failure f) {
        return Execution.of(src, ctx, trace.size()).failed(f, trace, trace);
    }

    /** A failure with the states an explaining run described (none on a search or shrinking run). */
    private static Execution failed(DataSource src, Context ctx, List<Object> trace, Failure f, List<String> states) {
        return failed(src, ctx, trace, states == null ? f : f.withStates(states));
    }

    private static final class InvariantFalse extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvariantFalse() {
            super("invariant returned false", null, false, false);
        }
    }
}
