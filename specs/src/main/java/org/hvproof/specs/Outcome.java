package org.hvproof.specs;

/** What the solver found for one command, or that the command could not be run at all. */
public enum Outcome {
    /** A check found no counterexample within its scope. */
    HOLDS,
    /** A check found a counterexample. */
    COUNTEREXAMPLE,
    /** A run found an instance. */
    INSTANCE,
    /** A run found no instance within its scope. */
    NO_INSTANCE,
    /** The command did not run: a parse or type error, a missing {@code expect}, a solver failure. */
    ERROR,
    /** The solver gave no answer within the command's time limit: neither holds nor fails, and never as expected. */
    TIMEOUT;

    /** The outcome of a command that ran: {@code check} says which kind, {@code satisfiable} what the solver said. */
    public static Outcome of(boolean check, boolean satisfiable) {
        if (check) {
            return satisfiable ? COUNTEREXAMPLE : HOLDS;
        }
        return satisfiable ? INSTANCE : NO_INSTANCE;
    }

    /** The Alloy {@code expect} value this outcome corresponds to: 1 when the solver found a solution. */
    public int expectValue() {
        return switch (this) {
            case COUNTEREXAMPLE, INSTANCE -> 1;
            case HOLDS, NO_INSTANCE -> 0;
            case ERROR, TIMEOUT -> -1;
        };
    }

    /** Lower-case words for messages: "a counterexample", "no instance". */
    public String describe() {
        return switch (this) {
            case HOLDS -> "no counterexample (holds)";
            case COUNTEREXAMPLE -> "a counterexample";
            case INSTANCE -> "an instance";
            case NO_INSTANCE -> "no instance";
            case ERROR -> "an error";
            case TIMEOUT -> "no answer within the time limit";
        };
    }
}
