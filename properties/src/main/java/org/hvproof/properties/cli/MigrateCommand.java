package org.hvproof.properties.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.properties.migration.MigrationBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvproof migrate}: migrates a VM with a passthrough NIC under a workload drawn from the
 * seed (or, with {@code --benchmark}, the write-heavy and DMA-heavy workloads on 1 GiB) with and
 * without the buffer copy, and prints each migration's report and the pages it lost against the
 * unmigrated run. Figures, not a verdict: the claims are {@code check --claim MIG}'s business.
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description =
                "Migrates a VM with a passthrough device under a generated workload and prints the migration report.")
final class MigrateCommand implements Callable<Integer> {
    @Option(
            names = "--seed",
            paramLabel = "SEED",
            description = "Draws the workload, embodiment and strategy. Default: 20261203.")
    long seed = 20261203L;

    @Option(
            names = "--pages",
            paramLabel = "PAGES",
            description = "The guest's 4 KiB data pages (258 to 262144). Default: 262144 (1 GiB).")
    int pages = MigrationConfig.MAX_DATA_PAGES;

    @Option(names = "--benchmark", description = "The write-heavy and DMA-heavy workloads on 1 GiB instead.")
    boolean benchmark;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (pages < 258 || pages > MigrationConfig.MAX_DATA_PAGES) {
            throw new BadInput("--pages must be 258 to " + MigrationConfig.MAX_DATA_PAGES + ", was " + pages);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (benchmark) {
            MigrationBenchmark.benchmark(out);
        } else {
            MigrationBenchmark.generated(out, seed, pages);
        }
        out.flush();
        return HvproofCommand.EXIT_OK;
    }
}
