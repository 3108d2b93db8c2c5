package org.hvproof.model.common;

import java.util.List;

/**
 * A deliberately broken variant of a mechanism ({@code <M>ImplFlaw} of the implementation, or
 * {@code <M>ModelFlaw} of the model), for showing that the claims catch what they protect.
 * Each constant declares which claims it breaks, which check must name it and how short its
 * shrunk trace must be; one test runs every constant of every mechanism against those
 * declarations, so a flaw cannot be added without being shown caught.
 *
 * <p>Implemented by enums whose constant {@code NONE} is the correct mechanism.
 */
public interface Flaw {
    /** The enum constant's name. */
    String name();

    /** What this flaw must be caught by; empty only for {@code NONE}. */
    List<Caught> caughtBy();

    /** Whether this is the correct mechanism (no flaw). */
    default boolean isNone() {
        return name().equals("NONE");
    }

    /**
     * One claim a flaw breaks: some property of {@code claim}, run with the flaw, fails with a
     * check whose label starts with {@code check} ({@code "PD-2 pointersMatchDomain"}, or
     * {@code "refinement"}) and a shrunk trace of at most {@code shrinksTo} actions.
     */
    record Caught(String claim, String check, int shrinksTo) {
        public Caught {
            if (!claim.matches("[A-Z]+-[0-9]+")) {
                throw new IllegalArgumentException("claim id must be GROUP-n, was \"" + claim + "\"");
            }
            if (shrinksTo < 0) {
                throw new IllegalArgumentException("shrinksTo must be >= 0, was " + shrinksTo);
            }
        }
    }

    /** {@code new Caught(claim, check, shrinksTo)}, for short enum constant declarations. */
    static Caught caught(String claim, String check, int shrinksTo) {
        return new Caught(claim, check, shrinksTo);
    }
}
