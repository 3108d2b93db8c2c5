package org.hvproof.propcheck;

/**
 * A filter rejected every candidate within its retry budget while generating: the generator produces
 * too few acceptable values, so the property cannot be tested meaningfully. Generate the wanted values
 * directly (with {@code map} or narrower ranges) or loosen the filter.
 */
public final class FilterExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String generator;
    private final String filter;
    private final int rejected;

    FilterExhaustedException(String generator, String filter, int rejected) {
        super("Filter \"" + filter + "\" on generator " + generator + " rejected " + rejected + " of "
                + rejected + " candidates in a row (retry budget " + rejected + "). The filter rejects too much: "
                + "generate the wanted values directly (map, narrower ranges) or loosen the filter.");
        this.generator = generator;
        this.filter = filter;
        this.rejected = rejected;
    }

    /** Description of the filtered generator. */
    public String generator() {
        return generator;
    }

    /** Description of the filter. */
    public String filter() {
        return filter;
    }

    /** How many candidates were rejected in a row. */
    public int rejected() {
        return rejected;
    }
}
