package org.hvproof.properties.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.hvproof.model.common.Flaw;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Rerun;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.harness.PropertySeeds;

/**
 * The property backend: finds every {@code @Claim} method of the suites, keeps those naming a
 * selected claim, runs each property with the run's tries and seed, and turns its result into a
 * {@link PropertyCheck}. A method of the wrong shape (see {@link ClaimedProperty}) is an error
 * naming the method, not a silently skipped claim; a method taking the mechanism's flaw enum runs
 * with its {@code NONE}, or with the flaw a run plants in that mechanism.
 */
final class SuitePropertyBackend implements PropertyBackend {
    private final List<Class<?>> suites;

    SuitePropertyBackend(List<Class<?>> suites) {
        this.suites = List.copyOf(suites);
    }

    /** Every {@code @Claim} method of the suites, validated. */
    List<ClaimedProperty> discover() {
        return ClaimedProperty.discover(suites);
    }

    @Override
    public List<PropertyCheck> run(
            Set<String> claimIds, Integer tries, Long seed, String replay, Consumer<String> progress) {
        return run(claimIds, tries, seed, replay, Shard.WHOLE, progress);
    }

    @Override
    public List<PropertyCheck> run(
            Set<String> claimIds, Integer tries, Long seed, String replay, Shard shard, Consumer<String> progress) {
        return run(claimIds, tries, seed, replay, shard, null, progress);
    }

    @Override
    public List<PropertyCheck> run(
            Set<String> claimIds,
            Integer tries,
            Long seed,
            String replay,
            Shard shard,
            Flaw planted,
            Consumer<String> progress) {
        // Built before the shard is chosen: a property's name (its shard key) is the built property's.
        List<Built> all = discover().stream()
                .filter(c -> c.claimIds().stream().anyMatch(claimIds::contains))
                .map(c -> new Built(c, build(c, planted)))
                .toList();
        List<Built> selected = shard.select(all, b -> b.property().name());
        if (!shard.whole()) {
            progress.accept("shard " + shard + ": " + selected.size() + " of " + all.size() + " properties");
        }
        List<PropertyCheck> out = new ArrayList<>();
        int i = 0;
        for (Built b : selected) {
            i++;
            ClaimedProperty c = b.claimed();
            Property property = b.property();
            Settings overrides = Settings.none().withQuiet(true);
            if (tries != null) {
                overrides = overrides.withTries(tries);
            }
            if (seed != null) {
                // One run seed, but a different stream per property, so properties that share a
                // trace generator explore different traces. The result records the seed used.
                overrides = overrides.withSeed(PropertySeeds.streamOf(seed, property.name()));
            }
            if (replay != null) {
                overrides = overrides.withReplay(replay);
            }
            Rerun rerun = cliRerun(c.claimIds(), seed, planted != null && takes(c, planted) ? planted : null);
            overrides = overrides.withRerun(rerun);
            long t0 = System.nanoTime();
            PropertyResult r = property.run(overrides);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            progress.accept(String.format(
                    Locale.ROOT,
                    "[%d/%d] %-4s %-62s %5d tries %7d steps %6.1f s",
                    i,
                    selected.size(),
                    r.passed() ? "ok" : "FAIL",
                    property.name(),
                    r.tries(),
                    r.steps(),
                    millis / 1000.0));
            out.add(new PropertyCheck(
                    property.name(),
                    c.claimIds(),
                    r.tries(),
                    r.steps(),
                    r.passed(),
                    r.seed(),
                    r.replayToken(),
                    millis,
                    r.report(),
                    FailureTimeline.of(r, r.replayToken() == null ? null : rerun.exactly(r.replayToken()))));
        }
        return out;
    }

    /**
     * Rerun hints in the command line's own form: the search again is the same run seed for the
     * property's claims (each property derives its stream from it), the exact case is its token.
     */
    static Rerun cliRerun(Set<String> claimIds, Long runSeed) {
        return cliRerun(claimIds, runSeed, null);
    }

    /** As {@link #cliRerun(Set, Long)}, for a property built with {@code planted} (or null). */
    static Rerun cliRerun(Set<String> claimIds, Long runSeed, Flaw planted) {
        String claims = claimIds.stream().sorted().map(id -> " --claim " + id).collect(Collectors.joining())
                + (planted == null ? "" : " --flaw " + planted.name());
        return new Rerun() {
            @Override
            public String search(long propertySeed) {
                return runSeed == null
                        ? "./hvproof check" + claims + " (this property's own seed was " + propertySeed + ")"
                        : "./hvproof check" + claims + " --seed " + runSeed;
            }

            @Override
            public String exactly(String token) {
                return "./hvproof check" + claims + " --replay " + token;
            }

            @Override
            public String fullState() {
                return "--full-state";
            }
        };
    }

    /** The property of {@code c}, built with {@code planted} when it takes that flaw's enum. */
    private static Property build(ClaimedProperty c, Flaw planted) {
        return planted != null && takes(c, planted) ? c.create(planted) : c.create();
    }

    private static boolean takes(ClaimedProperty c, Flaw planted) {
        return c.flawType().filter(t -> t.isInstance(planted)).isPresent();
    }

    /** A {@code @Claim} method and the property it built. */
    private record Built(ClaimedProperty claimed, Property property) {}
}
