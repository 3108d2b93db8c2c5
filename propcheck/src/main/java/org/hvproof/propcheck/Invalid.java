package org.hvproof.propcheck;

/**
 * Thrown inside a test case that is not a valid example (too many choices, an unmet assumption, a
 * filter that cannot be satisfied while replaying): such a case neither passes nor fails, and its
 * message says what discarded it.
 */
final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final Invalid OVERRUN = new Invalid("test case made too many choices");
    static final Invalid DISCARD = new Invalid("assumption not met");

    /** A replayed case that the filter {@code filter} on generator {@code generator} rejects. */
    static Invalid filtered(String generator, String filter) {
        return new Invalid("filter \"" + filter + "\" on generator " + generator + " rejects the replayed value");
    }

    private Invalid(String message) {
        super(message, null, false, false);
    }
}
