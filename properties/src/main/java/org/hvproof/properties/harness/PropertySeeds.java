package org.hvproof.properties.harness;

/**
 * One run seed, a different stream per property: each property's seed is derived from the run's
 * seed and the property's name, so properties that share a trace generator explore different
 * traces, and a run is still reproduced by its one seed. {@code ./hvproof check} and the claim
 * tests of {@code mvn verify} derive seeds the same way.
 */
public final class PropertySeeds {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private PropertySeeds() {}

    /** The seed of the property named {@code propertyName} in a run seeded with {@code runSeed}. */
    public static long streamOf(long runSeed, String propertyName) {
        return runSeed ^ (GOLDEN * propertyName.hashCode());
    }
}
