package org.hvproof.properties;

import java.util.List;
import java.util.stream.Stream;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.harness.PropertySeeds;
import org.hvproof.properties.report.ClaimedProperty;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every claim property of every registered mechanism, run against the real mechanism exactly as
 * the claims report runs it (same methods, same defaults; {@code mvn verify} pins the seed). The
 * properties are discovered from {@link Mechanisms}, so a new one needs no test of its own.
 * {@code -Dhvproof.mechanisms=tracing,tree} limits the run to those mechanisms (the mutation
 * profile uses it to run only the properties of the package it mutates). Each property runs on
 * its own stream of the pinned seed, as in {@code ./hvproof check}, so the properties of one
 * mechanism explore different traces.
 */
class ClaimPropertiesTest {
    /**
     * {@code -Dhvproof.specConformance=false} leaves out the {@code <M>SpecConformance} properties:
     * they check the Java model against its Alloy spec and run no implementation code, so the
     * mutation profile, which mutates only the implementation, skips their minutes of solving.
     */
    static final String SPEC_CONFORMANCE = "hvproof.specConformance";

    @TestFactory
    Stream<DynamicContainer> everyClaimPropertyHoldsOnTheRealMechanism() {
        String only = System.getProperty("hvproof.mechanisms", "").strip();
        List<String> selected = only.isEmpty() ? List.of() : List.of(only.split("\\s*,\\s*"));
        boolean conformance = Boolean.parseBoolean(System.getProperty(SPEC_CONFORMANCE, "true"));
        return Mechanisms.ALL.stream()
                .filter(m -> selected.isEmpty() || selected.contains(m.name()))
                .map(m -> DynamicContainer.dynamicContainer(
                        m.name(),
                        ClaimedProperty.discover(m.properties().stream()
                                        .filter(suite -> conformance || !isSpecConformance(suite))
                                        .toList())
                                .stream()
                                .map(cm -> DynamicTest.dynamicTest(
                                        String.join(
                                                        ",",
                                                        cm.claimIds().stream()
                                                                .sorted()
                                                                .toList()) + " " + cm.name(),
                                        () -> runOnItsOwnStream(cm.create())))));
    }

    private static boolean isSpecConformance(Class<?> suite) {
        return suite.getSimpleName().endsWith("SpecConformance");
    }

    /** Runs the property on the stream {@link PropertySeeds} derives from {@code -Dpropcheck.seed}, if set. */
    private static void runOnItsOwnStream(Property property) {
        Long runSeed = Long.getLong(Settings.SEED);
        Settings overrides = runSeed == null
                ? Settings.none()
                : Settings.none().withSeed(PropertySeeds.streamOf(runSeed, property.name()));
        property.run(overrides).assertPassed();
    }
}
