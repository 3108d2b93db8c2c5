package org.hvproof.properties.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.impl.tree.TreeSystem;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;

/**
 * The protected-page tree at real scale: a million mappings in a tree whose nodes fill their
 * 4 KiB pages ({@link BPlusTree#PAGE_SIZED}), built one protect request per page in random order,
 * then looked up beside {@code java.util.TreeMap.floorEntry} over the same mappings and the same
 * queries in the same run, rounds alternating so that a load change on a shared machine hits both
 * alike. It prints the time to build, the heap the booted machine holds with its tree (after a
 * full collection, less the heap before boot), the tree's depth and nodes, the nodes a look-up
 * reads, and the time per look-up: the walk alone ({@link ProtectedPageTree#lookup}, reading the
 * serialized nodes from host memory), the whole notification handler (walk and alert), and the
 * TreeMap's. Figures are printed, never asserted: speed depends on the machine (that a look-up
 * reads depth + 1 nodes is asserted by the tree's tests).
 */
public final class TreeScale {
    /** Mappings the benchmark builds by default. */
    public static final int DEFAULT_MAPPINGS = 1_000_000;
    /** Look-ups per timed round. */
    static final int QUERIES = 1 << 20;
    /** Timed rounds per side; the median is reported. */
    static final int ROUNDS = 5;

    /**
     * One run's figures.
     *
     * @param mappings      mapped pages
     * @param order         the tree's order (keys per full node)
     * @param depth         edges from the root to a leaf
     * @param nodes         node pages
     * @param buildSeconds  wall time of the protect requests that built the tree
     * @param buildCpuSeconds the building thread's CPU time for them (what a loaded machine inflates less)
     * @param heapBytes     heap held by the booted machine and its tree, after a full collection
     * @param nodesVisited  nodes read per look-up, on average
     * @param walkNanos     the walk per look-up (median round)
     * @param handlerNanos  the whole notification handler per look-up (median round)
     * @param treeMapNanos  {@code TreeMap.floorEntry} per look-up (median round)
     */
    public record Figure(
            int mappings,
            int order,
            int depth,
            int nodes,
            double buildSeconds,
            double buildCpuSeconds,
            long heapBytes,
            double nodesVisited,
            double walkNanos,
            double handlerNanos,
            double treeMapNanos) {
        /** The walk's time per look-up over the TreeMap's. */
        public double walkOverTreeMap() {
            return walkNanos / treeMapNanos;
        }
    }

    private TreeScale() {}

    /**
     * The tree for {@code mappings} mappings of order {@code shape}: pages {@code [0, 2 * mappings)}
     * may be mapped, the node pool above them. Node pages are keys too and every non-root node
     * holds at least {@link BPlusTree#min} keys or children, so a tree of n mappings needs fewer
     * than {@code n / (min - 2)} node pages; the pool has twice that and 256 more. At a minimum
     * fill of two that bound is none, and a tree built in random order takes about one node page
     * per mapped page: the pool has three per mapped page.
     */
    public static TreeConfig config(int mappings, BPlusTree shape) {
        long span = 2L * mappings;
        long nodes = shape.min() > 2 ? 2L * mappings / (shape.min() - 2) : 3L * mappings;
        int pool = (int) (nodes + 256);
        return new TreeConfig(span + pool, span, pool, 64, shape);
    }

    /** Builds, measures and prints one run of {@code mappings} mappings in a page-sized tree. */
    public static Figure measure(int mappings, long seed, PrintWriter out) {
        return measure(mappings, BPlusTree.PAGE_SIZED, QUERIES, ROUNDS, seed, out);
    }

    /** Builds, measures and prints one run; {@code queries} look-ups a round, {@code rounds} rounds a side. */
    public static Figure measure(int mappings, BPlusTree shape, int queries, int rounds, long seed, PrintWriter out) {
        if (mappings < 1 || queries < 1 || rounds < 1) {
            throw new IllegalArgumentException("mappings, queries and rounds must be 1 or more");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] pages = distinctPages(mappings, rnd);
        long heapBefore = usedHeap();
        TreeSystem sys = new TreeSystem(config(mappings, shape), 1, TreeImplFlaw.NONE);
        ProtectedPageTree tree = sys.tree();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (long p : pages) {
            RequestCode code = tree.protect(p << 12, 4096, action(p).requestCode());
            if (code != RequestCode.OK) {
                throw new IllegalStateException("protect of page " + p + " refused: " + code);
            }
        }
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        double buildCpuSeconds = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        long heapBytes = usedHeap() - heapBefore;
        TreeMap<Long, AlertAction> reference = new TreeMap<>();
        for (long p : pages) {
            reference.put(p, action(p));
        }
        long[] queried = new long[queries];
        for (int i = 0; i < queries; i++) {
            queried[i] = pages[rnd.nextInt(mappings)];
        }
        VirtualCpu cpu = sys.machine().vcpus().get(0);
        long sink = 0;
        for (int r = 0; r < 3; r++) { // warm up all three
            sink += walk(tree, queried) + handler(tree, cpu, queried) + floor(reference, queried);
        }
        double[] walk = new double[rounds];
        double[] handler = new double[rounds];
        double[] map = new double[rounds];
        long visited = 0;
        for (int r = 0; r < rounds; r++) {
            long w0 = System.nanoTime();
            visited = walk(tree, queried);
            long w1 = System.nanoTime();
            sink += floor(reference, queried);
            long m1 = System.nanoTime();
            sink += handler(tree, cpu, queried);
            long h1 = System.nanoTime();
            walk[r] = (w1 - w0) / (double) queries;
            map[r] = (m1 - w1) / (double) queries;
            handler[r] = (h1 - m1) / (double) queries;
        }
        Figure f = new Figure(
                mappings,
                shape.order(),
                tree.height(),
                nodeCount(sys),
                buildSeconds,
                buildCpuSeconds,
                heapBytes,
                visited / (double) queries,
                median(walk),
                median(handler),
                median(map));
        print(f, out);
        if (sink == 42) {
            out.println();
        }
        return f;
    }

    /** {@code n} distinct pages of {@code [0, 2n)}, in random order. */
    private static long[] distinctPages(int n, SplittableRandom rnd) {
        long[] span = new long[2 * n];
        for (int i = 0; i < span.length; i++) {
            span[i] = i;
        }
        for (int i = span.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = span[i];
            span[i] = span[j];
            span[j] = t;
        }
        return Arrays.copyOf(span, n);
    }

    private static AlertAction action(long page) {
        return (page & 1) == 0 ? AlertAction.BLOCK : AlertAction.RECORD_AND_ALLOW;
    }

    /** Walks for every query; the nodes read in all. */
    private static long walk(ProtectedPageTree tree, long[] queries) {
        long visited = 0;
        for (long q : queries) {
            ProtectedPageTree.Lookup l = tree.lookup(q);
            if (l.mapping().isEmpty()) {
                throw new IllegalStateException("page " + q + " not found");
            }
            visited += l.nodesVisited();
        }
        return visited;
    }

    private static long handler(ProtectedPageTree tree, VirtualCpu cpu, long[] queries) {
        long seen = 0;
        for (long q : queries) {
            seen += tree.onTracedWrite(cpu, new Notification(new VCpu(0), new GuestPhysicalPage(q), 0, 8))
                    .seen()
                    .size();
        }
        return seen;
    }

    private static long floor(TreeMap<Long, AlertAction> map, long[] queries) {
        long sum = 0;
        for (long q : queries) {
            sum += map.floorEntry(q).getValue().ordinal();
        }
        return sum;
    }

    /** Node pages: the pool pages not free. */
    private static int nodeCount(TreeSystem sys) {
        return sys.config().poolSize() - sys.tree().freeBits().cardinality();
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Heap in use after full collections (a few, until it stops shrinking). */
    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            if (used >= best) {
                break;
            }
            best = used;
        }
        return best;
    }

    /** Prints one figure as a table: the targets are a walk within 1.0x of TreeMap, under 1 GB of heap, under 30 s to build. */
    static void print(Figure f, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%9s %5s %5s %6s %9s %8s %10s %9s %8s %10s %10s %6s%n",
                "mappings",
                "order",
                "depth",
                "nodes",
                "visited",
                "build s",
                "build cpu s",
                "heap MiB",
                "walk ns",
                "handler ns",
                "TreeMap ns",
                "walk/TreeMap");
        out.printf(
                Locale.ROOT,
                "%9d %5d %5d %6d %9.2f %8.1f %10.1f %9.0f %8.0f %10.0f %10.0f %11.2fx%n",
                f.mappings(),
                f.order(),
                f.depth(),
                f.nodes(),
                f.nodesVisited(),
                f.buildSeconds(),
                f.buildCpuSeconds(),
                f.heapBytes() / (1024.0 * 1024.0),
                f.walkNanos(),
                f.handlerNanos(),
                f.treeMapNanos(),
                f.walkOverTreeMap());
        out.flush();
    }

    /** {@code java ... TreeScale [mappings]}: one run, a million mappings by default. */
    public static void main(String[] args) {
        int mappings = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : DEFAULT_MAPPINGS;
        measure(mappings, Throughput.DEFAULT_SEED, new PrintWriter(System.out, true));
    }
}
