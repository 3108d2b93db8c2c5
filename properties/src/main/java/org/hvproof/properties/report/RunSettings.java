package org.hvproof.properties.report;

import java.util.List;
import java.util.Locale;

/**
 * How a run was made, as data: claims.json records it field by field so a later run can repeat it,
 * and the table and index.html print {@link #summary()}.
 *
 * @param seed      the run's seed (each property derives its own from it)
 * @param tries     tries per property, or null when each property used its own default
 * @param solver    the SAT solver the Alloy commands were solved with
 * @param alloyTimeoutSeconds the time limit per Alloy command, in seconds; 0 for none
 * @param replay    the replay token the run re-ran, or null
 * @param catalogue the claims catalogue read
 * @param specs     the spec directories and files whose commands were solved
 * @param claims    the ids of the claims checked, in catalogue order
 * @param millis    the run's wall time
 */
public record RunSettings(
        long seed,
        Integer tries,
        String solver,
        long alloyTimeoutSeconds,
        String replay,
        String catalogue,
        List<String> specs,
        List<String> claims,
        long millis) {
    public RunSettings {
        specs = List.copyOf(specs);
        claims = List.copyOf(claims);
    }

    /** One line for people: {@code seed 42, tries 7, solver sat4j, 1.2 s}. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "seed %d, tries %s, solver %s, %.1f s",
                seed,
                tries == null ? "default" : tries.toString(),
                solver,
                millis / 1000.0);
    }
}
