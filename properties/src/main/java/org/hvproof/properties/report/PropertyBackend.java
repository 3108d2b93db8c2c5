package org.hvproof.properties.report;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Runs the properties that speak for a set of claims. */
public interface PropertyBackend {
    /**
     * @param claimIds the claims whose properties to run
     * @param tries    tries per property, or null for each property's default
     * @param seed     the seed, or null for a fresh one
     * @param progress receives one line per finished property
     */
    List<PropertyCheck> run(Set<String> claimIds, Integer tries, Long seed, Consumer<String> progress);
}
