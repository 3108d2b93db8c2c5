package org.hvproof.properties.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.Tlb;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestExecute;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.TracingAction;

/**
 * Guest accesses per second through the machine with the vCPUs' translation caches ({@link Tlb})
 * on and off, in one run: the same generated workload (reads, writes and instruction fetches of
 * the tracing guest, some of them to traced pages, some crossing a page) is replayed round after
 * round on two freshly booted, identical guests, one with caching on and one with it off,
 * alternating so that a load change on a shared machine hits both alike. Each round also checks
 * that both guests saw exactly the same observations: a cache must change the speed, never what
 * the guest sees.
 */
public final class TlbThroughput {

    /** The guest: the tracing traces' shape, guest RAM mapped by 2 MiB nested leaves. */
    static final MachineShape SHAPE = MachineShape.of(3, 512);

    /** Guest-virtual pages each vCPU maps, the first of them in the upper half. */
    static final int MAPPED_PAGES = 96;

    /** One side's figure: accesses executed, their wall and thread CPU time, and the caches' hits and misses. */
    public record Figure(boolean caching, long accesses, long nanos, long cpuNanos, long hits, long misses) {
        /** Accesses per second of wall time. */
        public double accessesPerSecond() {
            return nanos == 0 ? 0 : accesses * 1e9 / nanos;
        }

        /** Accesses per second of the measuring thread's CPU time. */
        public double accessesPerCpuSecond() {
            return cpuNanos <= 0 ? 0 : accesses * 1e9 / cpuNanos;
        }

        /** The share of page translations served from the caches. */
        public double hitRate() {
            return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        }
    }

    private TlbThroughput() {}

    /** The set-up every guest runs first: each vCPU maps its pages, and two owners trace two pages. */
    static List<TracingAction> setUp() {
        List<TracingAction> out = new ArrayList<>();
        for (int cpu = 0; cpu < SHAPE.vcpuCount(); cpu++) {
            for (int i = 0; i < MAPPED_PAGES; i++) {
                PagePermissions rights = i % 8 == 7 ? PagePermissions.ALL : PagePermissions.USER_DATA;
                out.add(new MapPage(new VCpu(cpu), virtualPage(i), new GuestPhysicalPage(dataPage(cpu, i)), rights));
            }
        }
        out.add(new AddTrace(new Owner("integrity"), new GuestPhysicalPage(dataPage(0, 3))));
        out.add(new AddTrace(new Owner("migration"), new GuestPhysicalPage(dataPage(1, 40))));
        return out;
    }

    /** The {@code i}-th mapped virtual address: two regions, one low and one in the upper half. */
    private static long virtualPage(int i) {
        return i < MAPPED_PAGES / 2 ? 0x4000_0000L + (long) i * 4096 : 0xFFFF_8000_0000_0000L + (long) i * 4096;
    }

    /** The guest-physical page {@code cpu}'s {@code i}-th virtual page maps: overlapping, so vCPUs share pages. */
    private static long dataPage(int cpu, int i) {
        return (cpu * 37L + i * 3L) % (SHAPE.pageTablePoolFirst());
    }

    /**
     * {@code count} accesses drawn from {@code seed}: reads and writes of 1 to 64 bytes (one in
     * sixteen crossing into the next page), mostly to a hot set of eight pages per vCPU, a few to
     * unmapped addresses; instruction fetches mostly from the executable pages.
     */
    static List<TracingAction> workload(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TracingAction> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            VCpu cpu = new VCpu(random.nextInt(SHAPE.vcpuCount()));
            int page = random.nextInt(10) < 8 ? random.nextInt(8) : random.nextInt(MAPPED_PAGES + 4);
            int length = 1 + random.nextInt(64);
            int offset = random.nextInt(16) == 0 ? 4096 - length / 2 - 1 : random.nextInt(4096 - length);
            long va = virtualPage(page) + offset;
            int kind = random.nextInt(10);
            if (kind < 5) {
                out.add(new GuestRead(cpu, va, length));
            } else if (kind < 9) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                out.add(new GuestWrite(cpu, va, Bytes.of(data)));
            } else {
                // Code runs mostly from the executable pages (every eighth), as a guest's does.
                int code = random.nextInt(10) < 9 ? 8 * random.nextInt(MAPPED_PAGES / 8) + 7 : page;
                out.add(new GuestExecute(cpu, virtualPage(code) + offset));
            }
        }
        return out;
    }

    /** A booted guest with caching {@code on} or off, the set-up done. */
    private static TracingSystem boot(boolean caching) {
        TracingSystem system = new TracingSystem(SHAPE, TracingImplFlaw.NONE, true);
        system.machine().setTranslationCaching(caching);
        setUp().forEach(system::apply);
        return system;
    }

    /** Accumulates one side's rounds. */
    private static final class Side {
        final boolean caching;
        long accesses;
        long nanos;
        long cpuNanos;
        long hits;
        long misses;

        Side(boolean caching) {
            this.caching = caching;
        }

        /** Runs {@code work} on a fresh guest; returns what it saw; counts the time when {@code counted}. */
        List<Object> round(List<TracingAction> work, boolean counted, ThreadMXBean threads) {
            TracingSystem system = boot(caching);
            Machine m = system.machine();
            long hits0 = 0;
            long misses0 = 0;
            for (VirtualCpu c : m.vcpus()) {
                hits0 += m.tlb(c).hits();
                misses0 += m.tlb(c).misses();
            }
            List<Object> seen = new ArrayList<>(work.size());
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (TracingAction a : work) {
                seen.add(system.apply(a));
            }
            long t1 = System.nanoTime();
            long cpu1 = threads.getCurrentThreadCpuTime();
            if (counted) {
                accesses += work.size();
                nanos += t1 - t0;
                cpuNanos += cpu1 - cpu0;
                for (VirtualCpu c : m.vcpus()) {
                    hits += m.tlb(c).hits();
                    misses += m.tlb(c).misses();
                }
                hits -= hits0;
                misses -= misses0;
            }
            return seen;
        }

        Figure figure() {
            return new Figure(caching, accesses, nanos, cpuNanos, hits, misses);
        }
    }

    /**
     * Runs rounds of {@code accessesPerRound} accesses, caching on then off, until the warm-up
     * time has passed (not counted) and then the measuring time has; prints one line per side.
     *
     * @throws IllegalStateException if the two guests ever see different observations
     */
    public static List<Figure> measure(
            double warmupSeconds, double measureSeconds, int accessesPerRound, long seed, PrintWriter out) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Side on = new Side(true);
        Side off = new Side(false);
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long end = Long.MAX_VALUE;
        for (long round = 0; System.nanoTime() < end; round++) {
            boolean counted = System.nanoTime() >= warmEnd;
            if (counted && end == Long.MAX_VALUE) {
                end = System.nanoTime() + (long) (measureSeconds * 1e9);
            }
            List<TracingAction> work = workload(seed + round, accessesPerRound);
            List<Object> withCaches = on.round(work, counted, threads);
            List<Object> without = off.round(work, counted, threads);
            if (!withCaches.equals(without)) {
                throw new IllegalStateException("with translation caches the guest saw something else than without"
                        + " (workload seed " + (seed + round) + ")");
            }
        }
        List<Figure> figures = List.of(on.figure(), off.figure());
        for (Figure f : figures) {
            out.printf(
                    Locale.ROOT,
                    "TLB %-3s %10d accesses %6.1f s %,12.0f accesses/s %,12.0f accesses/cpu-s  hit rate %5.1f%%%n",
                    f.caching() ? "on" : "off",
                    f.accesses(),
                    f.nanos() / 1e9,
                    f.accessesPerSecond(),
                    f.accessesPerCpuSecond(),
                    100 * f.hitRate());
        }
        out.printf(
                Locale.ROOT,
                "TLB on/off: %.2fx accesses per CPU-second%n",
                figures.get(0).accessesPerCpuSecond() / figures.get(1).accessesPerCpuSecond());
        out.flush();
        return figures;
    }

    /** {@code java ... TlbThroughput}: 5 s warm-up, 20 s measured, 20,000 accesses a round. */
    public static void main(String[] args) {
        measure(5, 20, 20_000, Throughput.DEFAULT_SEED, new PrintWriter(System.out, true));
    }
}
