package org.hvproof.properties.harness;

import java.util.List;
import org.hvproof.model.common.Transition;

/**
 * One generated trace of a mechanism as the claim harness judges it: the system and its model in
 * lockstep, the system's steps read through its abstraction function.
 *
 * @param <S> the mechanism's abstract state
 * @param <A> the mechanism's model action
 * @param <O> the mechanism's observation
 */
public interface JudgedTrace<S, A, O> {
    /**
     * The system's transitions of the last generated step, read through the abstraction function:
     * one per action the step ran (a generated step may be several actions, e.g. an entry and the
     * interrupt that follows it); empty before the first step.
     */
    List<Transition<S, A, O>> lastTransitions();

    /** The system's abstract state now; before the first step, the model's initial state. */
    S judgedState();

    /** Throws an AssertionError saying what each side saw, if system and model ever disagreed. */
    void checkRefinement();

    /** A short picture of the state for failure reports. */
    String describe();
}
