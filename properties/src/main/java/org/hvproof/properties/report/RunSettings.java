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
 * @param millis    the run's wall time (of a merged run: its slowest shard's)
 * @param shard     the share of the run this report covers; {@link Shard#WHOLE} for a whole run
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
        long millis,
        Shard shard) {
    public RunSettings {
        specs = List.copyOf(specs);
        claims = List.copyOf(claims);
        shard = shard == null ? Shard.WHOLE : shard;
    }

    /** The settings of a whole (unsharded) run. */
    public RunSettings(
            long seed,
            Integer tries,
            String solver,
            long alloyTimeoutSeconds,
            String replay,
            String catalogue,
            List<String> specs,
            List<String> claims,
            long millis) {
        this(seed, tries, solver, alloyTimeoutSeconds, replay, catalogue, specs, claims, millis, Shard.WHOLE);
    }

    /** These settings with the shard and wall time replaced; every other field is what shards must share. */
    public RunSettings with(Shard newShard, long newMillis) {
        return new RunSettings(
                seed, tries, solver, alloyTimeoutSeconds, replay, catalogue, specs, claims, newMillis, newShard);
    }

    /** One line for people: {@code seed 42, tries 7, solver sat4j, 1.2 s}, and {@code , shard 2/3} for a shard. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "seed %d, tries %s, solver %s, %.1f s%s",
                seed,
                tries == null ? "default" : tries.toString(),
                solver,
                millis / 1000.0,
                shard.whole() ? "" : ", shard " + shard);
    }
}
