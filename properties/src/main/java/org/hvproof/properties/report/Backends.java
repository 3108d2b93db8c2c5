package org.hvproof.properties.report;

import org.hvproof.properties.Mechanisms;

/** The real backends: hvproof's Alloy runner and the property suites of every mechanism. */
public final class Backends {
    private Backends() {}

    /** Solves the Alloy commands with hvproof's runner. */
    public static AlloyBackend alloy() {
        return new SpecsAlloyBackend();
    }

    /** Runs the {@code @Claim} methods of {@link Mechanisms#propertyClasses()}. */
    public static PropertyBackend properties() {
        return new SuitePropertyBackend(Mechanisms.propertyClasses());
    }
}
