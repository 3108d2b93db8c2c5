package org.hvproof.properties.report;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.hvproof.specs.AlloyRunner;
import org.hvproof.specs.CommandOutcome;
import org.hvproof.specs.Outcome;
import org.hvproof.specs.RunListener;

/** The Alloy backend: hvproof's own runner over the spec directories, one progress line per command. */
final class SpecsAlloyBackend implements AlloyBackend {

    @Override
    public List<AlloyCheck> run(
            List<Path> specs,
            String solver,
            Duration timeout,
            java.util.Set<String> claimIds,
            Consumer<String> progress) {
        return run(specs, solver, timeout, claimIds, Shard.WHOLE, progress);
    }

    @Override
    public List<AlloyCheck> run(
            List<Path> specs,
            String solver,
            Duration timeout,
            java.util.Set<String> claimIds,
            Shard shard,
            Consumer<String> progress) {
        RunListener listener = new RunListener() {
            @Override
            public void commandFinished(CommandOutcome o) {
                progress.accept(String.format(
                        Locale.ROOT,
                        "%-4s %-16s %-44s %-15s %6d ms  %s",
                        o.asExpected() ? "ok" : "FAIL",
                        o.spec(),
                        o.command(),
                        o.outcome().name().toLowerCase(Locale.ROOT),
                        o.millis(),
                        String.join(",", o.claimIds())));
                if (o.outcome() == Outcome.TIMEOUT) {
                    progress.accept("     " + o.problem());
                }
            }

            @Override
            public void warning(Path spec, String message) {
                if (message.endsWith(AlloyRunner.NO_COMMANDS)) {
                    progress.accept("warning " + message);
                }
            }
        };
        AlloyRunner runner = new AlloyRunner(solver, listener, timeout);
        progress.accept("solver " + runner.solver() + ", time limit per command "
                + (timeout.isZero() ? "none" : AlloyRunner.describe(timeout)));
        List<org.hvproof.specs.SpecCommand> all = runner.plan(specs);
        List<org.hvproof.specs.SpecCommand> wanted = all.stream()
                .filter(c -> c.claimIds().isEmpty() || c.claimIds().stream().anyMatch(claimIds::contains))
                .toList();
        if (wanted.size() < all.size()) {
            progress.accept((all.size() - wanted.size()) + " of " + all.size()
                    + " commands skipped: they speak only for claims not selected");
        }
        if (!shard.whole()) {
            List<org.hvproof.specs.SpecCommand> mine = shard.select(wanted, c -> c.spec() + " :: " + c.command());
            progress.accept("shard " + shard + ": " + mine.size() + " of " + wanted.size() + " commands");
            wanted = mine;
        }
        java.util.Map<String, String> locations = new java.util.HashMap<>();
        for (org.hvproof.specs.SpecCommand c : wanted) {
            locations.put(c.spec() + " :: " + c.command(), c.location());
        }
        return runner.executeAll(wanted).stream()
                .map(o -> toCheck(o, locations.get(o.spec() + " :: " + o.command())))
                .toList();
    }

    private static AlloyCheck toCheck(CommandOutcome o, String location) {
        String detail = !o.error().isEmpty() ? o.error() : !o.asExpected() ? o.problem() + "\n" + o.rendering() : "";
        return new AlloyCheck(
                o.spec(),
                o.command(),
                o.check(),
                o.expect(),
                o.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                o.asExpected(),
                o.millis(),
                o.claimIds(),
                detail,
                location);
    }
}
