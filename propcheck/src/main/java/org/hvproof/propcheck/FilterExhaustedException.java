package org.hvproof.propcheck;

/**
 * A filter rejected every candidate within its retry budget while generating. The engine discards that
 * test case and counts it against the filter; when too large a share of a run's cases is discarded,
 * the run ends with ERROR and this exception (of the filter that discarded most) is its cause.
 * Generate the wanted values directly (with {@code map} or narrower ranges) or loosen the filter.
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
