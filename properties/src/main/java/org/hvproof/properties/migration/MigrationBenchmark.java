package org.hvproof.properties.migration;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.hvproof.impl.migration.MigrationImplFlaw;
import org.hvproof.impl.migration.MigrationSystem;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationReport;
import org.hvproof.model.migration.MigrationStrategy;

/**
 * The migration benchmark: a 1 GiB guest (lazily backed: only pages written are stored) with a
 * passthrough NIC and a 1 MiB DMA buffer, migrated at QEMU's settings (128 MiB/s, 300 ms downtime
 * limit) under two workloads whose rates are in simulated time: write-heavy (the VM dirties pages
 * of a 64 MiB working set at 10,000 pages/s) and DMA-heavy (the NIC receives 4 KiB at 2,000
 * requests/s into the buffer, with completions, and the VM writes 100 pages/s). Each workload
 * runs three times on the same actions: without migration (the reference), migrated with the
 * buffer copy, and migrated without it ({@code NO_BUFFER_COPY}); it prints each migration's
 * rounds, pages sent and downtime, and how many pages of the destination differ from the
 * reference (the pages lost). Run: {@code java ... MigrationBenchmark}.
 */
public final class MigrationBenchmark {
    /** 1 GiB of 4 KiB data pages. */
    static final int GUEST_PAGES = 1 << 18;
    /** 1 MiB of DMA buffer. */
    static final int BUFFER_PAGES = 256;
    /** The write-heavy workload's working set: 64 MiB from page 4096 on. */
    static final int HOT_FIRST = 4096;

    static final int HOT_PAGES = 16384;

    private MigrationBenchmark() {}

    /** One workload: pages written and receives per simulated second. */
    record Workload(String name, long writesPerSecond, long receivesPerSecond) {}

    /** One run's outcome. */
    record Outcome(
            Workload workload, String how, MigrationReport report, long lostPages, long touchedPages, double seconds) {}

    /** Prints the benchmark's table on standard output. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        benchmark(out);
        out.flush();
    }

    /** The two workloads at QEMU's settings, with and without the copy, as a table on {@code out}. */
    public static void benchmark(PrintWriter out) {
        MigrationConfig config = settings(
                GUEST_PAGES, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        List<Outcome> outcomes = new ArrayList<>();
        header(out, config);
        for (Workload w : List.of(new Workload("write-heavy", 10_000, 0), new Workload("DMA-heavy", 100, 2_000))) {
            outcomes.addAll(run(config, w));
        }
        table(out, outcomes);
    }

    /**
     * One workload drawn from {@code seed} (write and receive rates, embodiment, strategy) on a
     * guest of {@code pages} data pages, migrated with and without the copy, as a table on {@code out}.
     */
    public static void generated(PrintWriter out, long seed, int pages) {
        SplittableRandom r = new SplittableRandom(seed);
        MigrationConfig config =
                settings(pages, MigrationEmbodiment.values()[r.nextInt(2)], MigrationStrategy.values()[r.nextInt(2)]);
        Workload w = new Workload("seed " + seed, r.nextInt(20_001), r.nextInt(4_001));
        header(out, config);
        out.printf(
                Locale.ROOT,
                "workload: %d page writes/s, %d 4 KiB receives/s; %s, %s%n",
                w.writesPerSecond(),
                w.receivesPerSecond(),
                config.embodiment(),
                config.strategy());
        table(out, run(config, w));
    }

    /** A guest of {@code pages} data pages at QEMU's migration settings. */
    static MigrationConfig settings(int pages, MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return new MigrationConfig(
                pages,
                BUFFER_PAGES,
                64,
                MigrationConfig.PAGE_BYTES,
                MigrationConfig.DEFAULT_BANDWIDTH,
                MigrationConfig.DEFAULT_DOWNTIME_LIMIT_MICROS,
                MigrationConfig.DEFAULT_ROUND_LIMIT,
                embodiment,
                strategy);
    }

    private static void header(PrintWriter out, MigrationConfig config) {
        out.printf(
                Locale.ROOT,
                "migration: %d MiB guest, %d KiB DMA buffer, %d MiB/s, downtime limit %d ms, round limit %d%n",
                (long) config.dataPages() * 4 / 1024,
                config.bufferPages() * 4,
                config.bandwidth() >> 20,
                config.downtimeLimitMicros() / 1000,
                config.roundLimit());
    }

    private static void table(PrintWriter out, List<Outcome> outcomes) {
        out.printf(
                Locale.ROOT,
                "%n%-14s %-16s %6s %-34s %8s %12s %10s %6s %9s%n",
                "workload",
                "migration",
                "rounds",
                "pages per pre-copy round",
                "final",
                "pages sent",
                "downtime",
                "lost",
                "wall s");
        for (Outcome o : outcomes) {
            MigrationReport r = o.report();
            out.printf(
                    Locale.ROOT,
                    "%-14s %-16s %6d %-34s %8d %12d %7.1f ms %6d %9.1f%n",
                    o.workload().name(),
                    o.how(),
                    r.rounds(),
                    abbreviated(r.pagesPerRound()),
                    r.finalPages(),
                    r.totalPages(),
                    r.downtimeMicros() / 1000.0,
                    o.lostPages(),
                    o.seconds());
        }
        out.println("\nlost: pages of the destination that differ from the unmigrated run's after the same actions"
                + " (of the pages the workload touched); the copy's migration must lose none.");
    }

    /** The workload migrated with the copy (recording its actions), then replayed without the copy and unmigrated. */
    static List<Outcome> run(MigrationConfig config, Workload w) {
        long t0 = System.nanoTime();
        MigrationSystem withCopy = new MigrationSystem(config);
        List<MigrationAction> actions = new ArrayList<>();
        TreeSet<Long> touched = new TreeSet<>();
        SplittableRandom random = new SplittableRandom(20261203L);
        Driver driver = new Driver(withCopy, actions, touched, random, w);
        driver.workFor(50_000); // the VM runs a while before the migration starts
        driver.apply(new MigrationAction.StartMigration(config.totalPages()));
        long before = 0;
        while (!withCopy.migrated() && actions.size() < 10_000_000) {
            driver.apply(new MigrationAction.MigrationRound());
            long took = withCopy.elapsedMicros() - before;
            before = withCopy.elapsedMicros();
            if (!withCopy.migrated()) {
                driver.workFor(took);
            }
        }
        driver.workFor(50_000); // and a while on the destination
        double copySeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        MigrationSystem lossy = new MigrationSystem(config, MigrationImplFlaw.NO_BUFFER_COPY);
        actions.forEach(lossy::apply);
        double lossySeconds = (System.nanoTime() - t1) / 1e9;
        MigrationSystem reference = new MigrationSystem(config);
        for (MigrationAction a : actions) {
            if (!(a instanceof MigrationAction.StartMigration || a instanceof MigrationAction.MigrationRound)) {
                reference.apply(a);
            }
        }
        List<Outcome> out = new ArrayList<>();
        out.add(new Outcome(
                w,
                "with buffer copy",
                withCopy.report().orElseThrow(),
                lost(withCopy, reference, touched),
                touched.size(),
                copySeconds));
        Optional<MigrationReport> lossyReport = lossy.report();
        out.add(new Outcome(
                w,
                "without copy",
                lossyReport.orElseThrow(),
                lost(lossy, reference, touched),
                touched.size(),
                lossySeconds));
        return out;
    }

    private static long lost(MigrationSystem migrated, MigrationSystem reference, TreeSet<Long> touched) {
        long n = 0;
        for (long p : touched) {
            if (!Arrays.equals(migrated.vmPage(p), reference.vmPage(p))) {
                n++;
            }
        }
        return n;
    }

    private static String abbreviated(List<Long> pages) {
        if (pages.size() <= 6) {
            return pages.toString();
        }
        return "[" + pages.get(0) + ", " + pages.get(1) + ", " + pages.get(2) + ", ... " + pages.get(pages.size() - 1)
                + "]";
    }

    /** Applies the workload's actions to the migrated run and records them. */
    private static final class Driver {
        private final MigrationSystem sys;
        private final List<MigrationAction> actions;
        private final TreeSet<Long> touched;
        private final SplittableRandom random;
        private final Workload w;
        private double writeDebt;
        private double receiveDebt;
        private long tail;
        private int nextBuffer;

        Driver(
                MigrationSystem sys,
                List<MigrationAction> actions,
                TreeSet<Long> touched,
                SplittableRandom random,
                Workload w) {
            this.sys = sys;
            this.actions = actions;
            this.touched = touched;
            this.random = random;
            this.w = w;
            touched.add(0L);
            for (long p = 1; p <= BUFFER_PAGES; p++) {
                touched.add(p);
            }
        }

        void apply(MigrationAction a) {
            actions.add(a);
            sys.apply(a);
        }

        /** The workload's share of {@code micros} simulated microseconds, interleaved. */
        void workFor(long micros) {
            writeDebt += w.writesPerSecond() * micros / 1e6;
            receiveDebt += w.receivesPerSecond() * micros / 1e6;
            while (writeDebt >= 1 || receiveDebt >= 1) {
                if (writeDebt >= 1) {
                    long page = w.receivesPerSecond() == 0
                            ? HOT_FIRST % sys.config().dataPages()
                                    + random.nextInt(Math.min(
                                            HOT_PAGES,
                                            sys.config().dataPages()
                                                    - HOT_FIRST % sys.config().dataPages()))
                            : BUFFER_PAGES + 1 + random.nextInt(sys.config().dataPages() - BUFFER_PAGES - 1);
                    touched.add(page);
                    byte[] b = new byte[64];
                    random.nextBytes(b);
                    apply(new MigrationAction.GuestWrite(page, random.nextInt(4096 - 64), Bytes.of(b)));
                    writeDebt--;
                }
                if (receiveDebt >= 1) {
                    long page = 1 + nextBuffer;
                    nextBuffer = (nextBuffer + 1) % BUFFER_PAGES;
                    apply(new MigrationAction.Submit(page * 4096, 4096, 1));
                    apply(new MigrationAction.Doorbell(++tail));
                    apply(new MigrationAction.DeviceStep(2048));
                    apply(new MigrationAction.DeviceStep(2048));
                    apply(new MigrationAction.CompletionInterrupt());
                    receiveDebt--;
                }
            }
        }
    }
}
