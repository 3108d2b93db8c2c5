package org.hvproof.properties.report;

/** The real backends: hvproof's Alloy runner and the property suites. */
final class Backends {
    private Backends() {}

    static AlloyBackend alloy() {
        return new SpecsAlloyBackend();
    }

    static PropertyBackend properties() {
        return new SuitePropertyBackend(PropertySuites.ALL);
    }
}
