package org.hvproof.properties.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hvproof.properties.Mechanisms;
import org.hvproof.properties.bench.Throughput;
import org.hvproof.properties.bench.TlbThroughput;
import org.hvproof.properties.bench.TreeScale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvproof bench}: checked steps per second per mechanism ({@link Throughput}), warm, with
 * refinement and every invariant checked after every step. It prints figures and asserts none:
 * speed depends on the machine, so it is never a verdict.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measures checked trace steps per second for each mechanism (correct implementation).")
final class BenchCommand implements Callable<Integer> {
    @Option(
            names = "--mechanism",
            paramLabel = "NAME",
            description = "A mechanism to measure; repeatable. Default: all.")
    List<String> mechanisms = new ArrayList<>();

    @Option(
            names = "--warmup",
            paramLabel = "SECONDS",
            description = "Warm-up per mechanism, not counted. Default: 10.")
    double warmup = 10;

    @Option(names = "--seconds", paramLabel = "SECONDS", description = "Measured time per mechanism. Default: 20.")
    double seconds = 20;

    @Option(names = "--seed", paramLabel = "SEED", description = "The first round's run seed. Default: 20261125.")
    long seed = Throughput.DEFAULT_SEED;

    @Option(
            names = "--tlb",
            description = "Instead: guest accesses per second through the machine with translation caches on and"
                    + " off, the same generated workload in one run (TlbThroughput).")
    boolean tlb;

    @Option(
            names = "--tree-scale",
            description = "Instead: the protected-page tree at real scale (page-sized nodes), its look-up beside"
                    + " TreeMap.floorEntry in one run, with build time and heap (TreeScale).")
    boolean treeScale;

    @Option(
            names = "--mappings",
            paramLabel = "N",
            description = "With --tree-scale: mappings to build. Default: 1000000.")
    int mappings = TreeScale.DEFAULT_MAPPINGS;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String m : mechanisms) {
            if (Mechanisms.named(m).isEmpty()) {
                throw new BadInput("--mechanism " + m + " is not a mechanism; one of "
                        + String.join(
                                ", ",
                                Mechanisms.ALL.stream()
                                        .map(Mechanisms.Mechanism::name)
                                        .toList()));
            }
        }
        if (!(warmup >= 0) || !(seconds > 0) || Double.isInfinite(warmup) || Double.isInfinite(seconds)) {
            throw new BadInput("--warmup must be 0 or more seconds and --seconds more than 0, finite");
        }
        if (!treeScale && mappings != TreeScale.DEFAULT_MAPPINGS) {
            throw new BadInput("--mappings sizes the --tree-scale benchmark only; add --tree-scale");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (treeScale) {
            if (mappings < 1) {
                throw new BadInput("--mappings must be 1 or more");
            }
            out.printf(
                    Locale.ROOT,
                    "protected-page tree at real scale beside TreeMap, %s, max heap %d MiB%n",
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    Runtime.getRuntime().maxMemory() >> 20);
            TreeScale.measure(mappings, seed, out);
            return HvproofCommand.EXIT_OK;
        }
        if (tlb) {
            out.printf(
                    Locale.ROOT,
                    "guest accesses per second, translation caches on and off, %s; warm-up %.0f s, measured %.0f s%n",
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    warmup,
                    seconds);
            TlbThroughput.measure(warmup, seconds, 20_000, seed, out);
            return HvproofCommand.EXIT_OK;
        }
        out.printf(
                Locale.ROOT,
                "checked steps per second, %d available processors, %s; warm-up %.0f s, measured %.0f s per mechanism%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                warmup,
                seconds);
        Throughput.measureAll(mechanisms, new Throughput.Plan(warmup, seconds, 1000, seed), out);
        return HvproofCommand.EXIT_OK;
    }
}
