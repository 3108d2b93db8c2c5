package org.hvproof.properties.cli;

/**
 * Input the CLI cannot act on: a bad option value, an unknown claim. The message says which option
 * and value, and why; the CLI prints it with a pointer to {@code --help} and exits with
 * {@link HvproofCommand#EXIT_USAGE}.
 */
public final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
        super(message);
    }

    /** {@code "<option> <value>: <problem>"}. */
    static BadInput option(String option, Object value, String problem) {
        return new BadInput(option + " " + value + ": " + problem);
    }
}
