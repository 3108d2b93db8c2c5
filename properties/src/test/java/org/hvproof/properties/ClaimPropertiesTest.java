package org.hvproof.properties;

import java.util.List;
import java.util.stream.Stream;
import org.hvproof.properties.report.ClaimedProperty;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every claim property of every registered mechanism, run against the real mechanism exactly as
 * the claims report runs it (same methods, same defaults; {@code mvn verify} pins the seed). The
 * properties are discovered from {@link Mechanisms}, so a new one needs no test of its own.
 * {@code -Dhvproof.mechanisms=tracing,tree} limits the run to those mechanisms (the mutation
 * profile uses it to run only the properties of the package it mutates).
 */
class ClaimPropertiesTest {

    @TestFactory
    Stream<DynamicContainer> everyClaimPropertyHoldsOnTheRealMechanism() {
        String only = System.getProperty("hvproof.mechanisms", "").strip();
        List<String> selected = only.isEmpty() ? List.of() : List.of(only.split("\\s*,\\s*"));
        return Mechanisms.ALL.stream()
                .filter(m -> selected.isEmpty() || selected.contains(m.name()))
                .map(m -> DynamicContainer.dynamicContainer(
                        m.name(),
                        ClaimedProperty.discover(m.properties()).stream()
                                .map(cm -> DynamicTest.dynamicTest(
                                        String.join(
                                                        ",",
                                                        cm.claimIds().stream()
                                                                .sorted()
                                                                .toList()) + " " + cm.name(),
                                        () -> cm.create().assertHolds()))));
    }
}
