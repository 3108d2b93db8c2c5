package org.hvproof.properties.report;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Runs the Alloy commands of the given spec directories and files that speak for the selected claims. */
public interface AlloyBackend {
    /**
     * @param specs    directories (searched for .als files) and single .als files
     * @param solver   the SAT solver's name, or null for the default
     * @param timeout  the time limit per command (zero: none); a command still running then is an
     *                 outcome {@code timeout}, never as expected
     * @param claimIds the selected claims: commands tagged only with other claims are skipped; commands
     *                 tagged with none (and specs that do not parse) always run
     * @param progress receives one line per finished command
     */
    List<AlloyCheck> run(
            List<Path> specs,
            String solver,
            Duration timeout,
            java.util.Set<String> claimIds,
            Consumer<String> progress);

    /**
     * Solves only {@code shard}'s share of the commands (whole commands, dealt by {@code spec ::
     * command} as {@link Shard#select} says). This default solves every command and keeps the shard's:
     * right for fakes, wasteful for a real backend, which overrides it.
     */
    default List<AlloyCheck> run(
            List<Path> specs,
            String solver,
            Duration timeout,
            java.util.Set<String> claimIds,
            Shard shard,
            Consumer<String> progress) {
        return shard.select(run(specs, solver, timeout, claimIds, progress), Shard::key);
    }
}
