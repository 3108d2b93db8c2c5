package org.hvproof.properties.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hvproof.impl.failover.FailoverBudgetCalculator;
import org.hvproof.model.failover.FailoverBudget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvproof budget}: the failover budget calculator (FT-4) with units people use: whether a
 * checkpoint of the given size crosses the link before the battery runs out, less the panic
 * handler's time, and by how much. {@code --table} prints the table for realistic figures.
 */
@Command(
        name = "budget",
        mixinStandardHelpOptions = true,
        description = "Says whether battery-backed failover fits: state size, link, hold-up and panic time.")
final class BudgetCommand implements Callable<Integer> {
    @Option(
            names = "--state-mib",
            paramLabel = "MIB",
            description = "Checkpoint size in MiB (memory and device state).")
    Long stateMib;

    @Option(names = "--link-gbps", paramLabel = "GBPS", description = "Link bandwidth in Gb/s. Default: 25.")
    long linkGbps = 25;

    @Option(
            names = "--latency-us",
            paramLabel = "US",
            description = "One-way link latency in microseconds. Default: 50.")
    long latencyMicros = 50;

    @Option(names = "--hold-up-ms", paramLabel = "MS", description = "Battery hold-up time in milliseconds.")
    Long holdUpMillis;

    @Option(
            names = "--panic-ms",
            paramLabel = "MS",
            description = "Panic handler's own time in milliseconds. Default: 20.")
    long panicMillis = 20;

    @Option(names = "--table", description = "Print the budget table for 1-64 GiB, 10/25/100 Gb/s, 0.5-10 s hold-up.")
    boolean table;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (table) {
            out.print(FailoverBudgetCalculator.table());
            out.flush();
            return HvproofCommand.EXIT_OK;
        }
        if (stateMib == null || holdUpMillis == null) {
            throw new BadInput("budget needs --state-mib and --hold-up-ms (or --table)");
        }
        FailoverBudget b;
        try {
            b = FailoverBudgetCalculator.calculate(
                    Math.multiplyExact(stateMib, 1L << 20),
                    Math.multiplyExact(linkGbps, 1000L) / 8,
                    latencyMicros,
                    Math.multiplyExact(holdUpMillis, 1000L),
                    Math.multiplyExact(panicMillis, 1000L));
        } catch (ArithmeticException e) {
            throw new BadInput("budget: a figure is too large to compute with");
        }
        if (!b.valid()) {
            throw new BadInput(
                    "budget: " + b.error() + " (sizes, bandwidth and hold-up must be positive, times not negative)");
        }
        out.printf(
                Locale.ROOT,
                "%s: needs %.1f ms of the %d ms hold-up, margin %+.1f ms (%+d MiB at %d Gb/s)%n",
                b.fits() ? "fits" : "does not fit",
                b.requiredMicros() / 1000.0,
                holdUpMillis,
                b.marginMicros() / 1000.0,
                b.marginBytes() >> 20,
                linkGbps);
        out.flush();
        return b.fits() ? HvproofCommand.EXIT_OK : HvproofCommand.EXIT_CLAIMS_FAIL;
    }
}
