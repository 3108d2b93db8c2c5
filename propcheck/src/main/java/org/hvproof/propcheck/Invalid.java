package org.hvproof.propcheck;

/**
 * Thrown inside a test case that is not a valid example (too many choices, an unmet assumption, a
 * filter that cannot be satisfied while replaying): such a case neither passes nor fails.
 */
final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final Invalid OVERRUN = new Invalid("test case made too many choices");
    static final Invalid DISCARD = new Invalid("assumption not met");
    static final Invalid FILTERED = new Invalid("filter rejected a replayed value");

    private Invalid(String message) {
        super(message, null, false, false);
    }
}
