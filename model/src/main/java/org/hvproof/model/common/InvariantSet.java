package org.hvproof.model.common;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A mechanism's invariants joined, as seL4's {@code invs} joins its {@code valid_*}: the named
 * state, step and pair invariants, each tied to its claim. Each {@code <M>Invariants} class exposes
 * one as {@code ALL}; the claim-property harness checks {@link #forClaim} of it after every step.
 *
 * @param mechanism the mechanism's short name ({@code tracing})
 * @param state     invariants on one state
 * @param step      invariants on one transition
 * @param pair      invariants on the same transition of two runs (empty where no secret exists)
 */
public record InvariantSet<S, A, O>(
        String mechanism,
        List<Invariant<S>> state,
        List<Invariant<Transition<S, A, O>>> step,
        List<Invariant<TransitionPair<S, A, O>>> pair) {

    /** Copies the lists. */
    public InvariantSet {
        Objects.requireNonNull(mechanism, "mechanism");
        state = List.copyOf(state);
        step = List.copyOf(step);
        pair = List.copyOf(pair);
    }

    /** A set with no invariants yet, for a mechanism being added. */
    public static <S, A, O> InvariantSet<S, A, O> empty(String mechanism) {
        return new InvariantSet<>(mechanism, List.of(), List.of(), List.of());
    }

    /** The invariants that check {@code claimId}, with the model's well-formedness. */
    public InvariantSet<S, A, O> forClaim(String claimId) {
        return new InvariantSet<>(
                mechanism,
                state.stream().filter(i -> i.checks(claimId)).toList(),
                step.stream().filter(i -> i.checks(claimId)).toList(),
                pair.stream().filter(i -> i.checks(claimId)).toList());
    }

    /** Every invariant's {@code "<claim> <name>"}, state ones first. */
    public List<String> labels() {
        return Stream.of(state, step, pair)
                .flatMap(l -> l.stream().map(Invariant::label))
                .toList();
    }

    /** The claim ids these invariants check (without {@link Invariant#MODEL}). */
    public List<String> claims() {
        return Stream.of(state, step, pair)
                .flatMap(l -> l.stream().map(Invariant::claim))
                .filter(c -> !c.equals(Invariant.MODEL))
                .distinct()
                .toList();
    }

    /** Judges a state with every state invariant. */
    public List<ClaimCheck> checkState(S s) {
        return state.stream().map(i -> i.check(s)).toList();
    }

    /** Judges a transition with every step invariant, and its after-state with every state invariant. */
    public List<ClaimCheck> checkStep(Transition<S, A, O> t) {
        return Stream.concat(step.stream().map(i -> i.check(t)), state.stream().map(i -> i.check(t.after())))
                .toList();
    }

    /** Judges two runs' transitions with every pair invariant. */
    public List<ClaimCheck> checkPair(TransitionPair<S, A, O> p) {
        return pair.stream().map(i -> i.check(p)).toList();
    }
}
