package org.hvproof.propcheck;

/**
 * A runnable property: a value property ({@link #forAll}) or a {@link StatefulProperty}. Runners that
 * did not write the property (a CLI, the claims report) run it with their own {@link Settings}.
 */
public interface Property {

    /** The property's name, as shown in reports (e.g. "TRACE-1 traced pages are never written"). */
    String name();

    /** Runs the property with the given overrides layered on top of all other settings. */
    PropertyResult run(Settings overrides);

    /** Runs the property with its own settings and the system properties. */
    default PropertyResult run() {
        return run(Settings.none());
    }

    /**
     * Runs the property and throws {@code AssertionError} with the full report when it fails: the call
     * to make inside a JUnit {@code @Test}.
     */
    default PropertyResult assertHolds() {
        return run().assertPassed();
    }

    /** Starts a value property: for all values drawn from {@code gen}, a check holds. */
    static <T> ValueProperty.Builder<T> forAll(Gen<T> gen) {
        return new ValueProperty.Builder<>(gen);
    }
}
