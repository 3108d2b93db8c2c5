package org.hvproof.properties.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;

/**
 * The property backend: finds every {@code @Claim} method of the suites, keeps those naming a
 * selected claim, runs each property with the run's tries and seed, and turns its result into a
 * {@link PropertyCheck}. A method of the wrong shape (see {@link ClaimedProperty}) is an error
 * naming the method, not a silently skipped claim; a method taking the mechanism's flaw enum runs
 * with its {@code NONE}.
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
        List<ClaimedProperty> selected = discover().stream()
                .filter(c -> c.claimIds().stream().anyMatch(claimIds::contains))
                .toList();
        List<PropertyCheck> out = new ArrayList<>();
        int i = 0;
        for (ClaimedProperty c : selected) {
            i++;
            Property property = c.create();
            Settings overrides = Settings.none().withQuiet(true);
            if (tries != null) {
                overrides = overrides.withTries(tries);
            }
            if (seed != null) {
                // One run seed, but a different stream per property, so properties that share a
                // trace generator explore different traces. The result records the seed used.
                overrides = overrides.withSeed(
                        seed ^ (0x9E3779B97F4A7C15L * property.name().hashCode()));
            }
            if (replay != null) {
                overrides = overrides.withReplay(replay);
            }
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
                    r.report()));
        }
        return out;
    }
}
