package org.hvproof.properties.harness;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.hvproof.model.common.Flaw;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.StatefulProperty;

/**
 * The one claim-property checker every mechanism plugs into, as Serval's monitors plug into its
 * generic refinement and noninterference checkers. A mechanism supplies its boot (the system with
 * a flaw beside the model, in lockstep), its actions and its invariants; a claim property is then
 * one call:
 *
 * <pre>{@code
 * HARNESS.claim("TRACE-1", "every write to a traced page is notified exactly once", flaw)
 *         .cover(30, TracingLabels.WRITE_TO_TRACED_PAGE)
 * }</pre>
 *
 * <p>After every generated step the property checks, in this order: the claim's state invariants
 * on the system's state after each action of the step (before the first step, on the booted
 * state), the claim's step invariants on each of the system's transitions, the claim's
 * machine-level checks, and refinement last, so a failure names the claim's own check whenever
 * that check sees it.
 *
 * @param mechanism  the mechanism's short name
 * @param invariants the mechanism's invariants ({@code <M>Invariants.ALL})
 * @param boot       boots the system with a flaw ({@code NONE}: the real one) beside the model
 * @param drawnBoot  when not null, draws the booted system per try instead ({@link
 *                   StatefulProperty#initialDrawn}): figures it boots with, shrunk with the trace
 * @param actions    the next generated step, drawn from the running trace
 * @param tries      default tries (traces) per property
 * @param steps      default generated steps per trace, at most
 * @param <F>        the mechanism's implementation flaws ({@code <M>ImplFlaw})
 * @param <T>        the mechanism's trace ({@code <M>Trace})
 */
public record ClaimHarness<F extends Enum<F> & Flaw, T extends JudgedTrace<S, A, O>, S, A, O>(
        String mechanism,
        InvariantSet<S, A, O> invariants,
        Function<? super F, ? extends T> boot,
        Function<? super T, ? extends Gen<? extends Action<T>>> actions,
        int tries,
        int steps,
        Function<? super F, ? extends Gen<? extends T>> drawnBoot) {

    /** The label of the refinement check in every claim property. */
    public static final String REFINEMENT = "refinement: machine and model agree";

    public ClaimHarness {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(invariants, "invariants");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(actions, "actions");
        if (tries < 1 || steps < 1) {
            throw new IllegalArgumentException("tries and steps must be positive: " + tries + ", " + steps);
        }
    }

    /** A harness whose systems boot the same way in every try. */
    public ClaimHarness(
            String mechanism,
            InvariantSet<S, A, O> invariants,
            Function<? super F, ? extends T> boot,
            Function<? super T, ? extends Gen<? extends Action<T>>> actions,
            int tries,
            int steps) {
        this(mechanism, invariants, boot, actions, tries, steps, null);
    }

    /**
     * The property of one claim against the system with {@code flaw}: traces of the mechanism with
     * the claim's invariants, then {@code extra}, then refinement, after every step. Named
     * {@code "<ID> <title>"}, with {@code " [flaw <F>]"} for a flawed system.
     */
    @SafeVarargs
    public final StatefulProperty<T> claim(String claimId, String title, F flaw, MachineCheck<T>... extra) {
        InvariantSet<S, A, O> mine = invariants.forClaim(claimId);
        StatefulProperty<T> p = StatefulProperty.<T>named(propertyName(claimId, title, flaw));
        p = (drawnBoot == null ? p.initial(() -> boot.apply(flaw)) : p.initialDrawn(drawnBoot.apply(flaw)))
                .actions(actions)
                .steps(steps)
                .tries(tries)
                .describeState(t -> observed(t.lastTransitions().stream()
                                .flatMap(s -> s.observations().stream())
                                .toList())
                        + t.describe());
        for (Invariant<S> inv : mine.state()) {
            p = p.assertion(inv.label(), t -> judgeStates(inv, t));
        }
        for (Invariant<Transition<S, A, O>> inv : mine.step()) {
            p = p.assertion(inv.label(), t -> t.lastTransitions().forEach(inv::assertHolds));
        }
        for (MachineCheck<T> check : extra) {
            p = p.assertion(check.label(), check.check()::accept);
        }
        return p.assertion(REFINEMENT, JudgedTrace::checkRefinement);
    }

    /**
     * The two-run (noninterference) property of one claim: pairs of runs booted by {@code
     * bootPair} that differ only in a secret, stepped by the same generated actions; after every
     * step the runs must still be related, and the claim's pair invariants hold on each pair of
     * transitions, then {@code extra}.
     */
    @SafeVarargs
    public final <P extends JudgedPair<S, A, O>> StatefulProperty<P> pairClaim(
            String claimId,
            String title,
            F flaw,
            Function<? super F, ? extends P> bootPair,
            Function<? super P, ? extends Gen<? extends Action<P>>> pairActions,
            MachineCheck<P>... extra) {
        return pairProperty(
                claimId,
                StatefulProperty.<P>named(propertyName(claimId, title, flaw)).initial(() -> bootPair.apply(flaw)),
                pairActions,
                extra);
    }

    /**
     * The two-run property of one claim as {@link #pairClaim}, the pair drawn per try by {@code
     * drawnPair} (figures both runs boot with, shrunk with the trace).
     */
    @SafeVarargs
    public final <P extends JudgedPair<S, A, O>> StatefulProperty<P> drawnPairClaim(
            String claimId,
            String title,
            F flaw,
            Function<? super F, ? extends Gen<? extends P>> drawnPair,
            Function<? super P, ? extends Gen<? extends Action<P>>> pairActions,
            MachineCheck<P>... extra) {
        return pairProperty(
                claimId,
                StatefulProperty.<P>named(propertyName(claimId, title, flaw)).initialDrawn(drawnPair.apply(flaw)),
                pairActions,
                extra);
    }

    private <P extends JudgedPair<S, A, O>> StatefulProperty<P> pairProperty(
            String claimId,
            StatefulProperty<P> booted,
            Function<? super P, ? extends Gen<? extends Action<P>>> pairActions,
            MachineCheck<P>[] extra) {
        InvariantSet<S, A, O> mine = invariants.forClaim(claimId);
        StatefulProperty<P> p = booted.actions(pairActions)
                .steps(steps)
                .tries(tries)
                .describeState(pair -> observed(pair.lastPairs().stream()
                                .flatMap(s -> s.left().observations().stream())
                                .toList())
                        + pair.describe())
                .assertion(claimId + " lowEquivalenceNonVacuous", JudgedPair::checkRelated);
        for (Invariant<TransitionPair<S, A, O>> inv : mine.pair()) {
            p = p.assertion(inv.label(), t -> t.lastPairs().forEach(inv::assertHolds));
        }
        for (MachineCheck<P> check : extra) {
            p = p.assertion(check.label(), check.check()::accept);
        }
        return p;
    }

    /** {@code "<ID> <title>"}, with {@code " [flaw <F>]"} unless the flaw is {@code NONE}. */
    public static String propertyName(String claimId, String title, Flaw flaw) {
        return claimId + " " + title + (flaw.isNone() ? "" : " [flaw " + flaw.name() + "]");
    }

    /**
     * The first line of a failure report's state: what the last step let an observer see ({@code
     * observed ...}, {@link org.hvproof.properties.report.FailureTimeline#OBSERVED}), so the report's
     * timeline shows it beside the action and the state diff leaves it out.
     */
    private static String observed(List<?> observations) {
        return "observed " + (observations.isEmpty() ? "nothing" : observations.toString()) + "\n";
    }

    private static <S, A, O> void judgeStates(Invariant<S> inv, JudgedTrace<S, A, O> t) {
        List<Transition<S, A, O>> last = t.lastTransitions();
        if (last.isEmpty()) {
            inv.assertHolds(t.judgedState());
        }
        for (Transition<S, A, O> step : last) {
            inv.assertHolds(step.after());
        }
    }
}
