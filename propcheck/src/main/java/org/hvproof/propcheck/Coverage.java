package org.hvproof.propcheck;

/** A coverage minimum: {@code label} must occur in at least {@code percent}% of tries. */
record Coverage(double percent, String label) {
    Coverage {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("coverage percent must be in 0..100, was " + percent);
        }
    }
}
