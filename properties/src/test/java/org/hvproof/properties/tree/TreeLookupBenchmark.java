package org.hvproof.properties.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.impl.tree.TreeSystem;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;

/**
 * Look-up cost per notification against tree size, beside {@code java.util.TreeMap.floorEntry}
 * over the same mappings and the same queries in the same run. Not a test: a plain main.
 *
 * <p>For each size, {@code n} distinct pages out of {@code [0, 2n)} are protected one page per
 * request in random order (the tree's node pages, about 2.2 per mapped page at this fill, come
 * from a pool above them), then every notification is handled for a random mapped page: the
 * walk alone ({@code lookup}) and the whole handler ({@code onTracedWrite}: walk and alert),
 * both reading the serialized nodes from host memory. Every node page is a 4 KiB host frame: run with {@code -Xmx12g} for the million.
 *
 * <pre>
 * mvn -B -o -q -pl properties test-compile
 * java -Xmx12g -cp properties/target/test-classes:properties/target/classes:$(cat properties/target/hvproof.classpath) \
 *     org.hvproof.properties.tree.TreeLookupBenchmark [sizes...]
 * </pre>
 */
public final class TreeLookupBenchmark {
    private static final int QUERIES = 1 << 20;

    private TreeLookupBenchmark() {}

    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a.replace("_", "")));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000, 10_000, 100_000, 1_000_000);
        }
        System.out.printf(
                Locale.ROOT,
                "%9s %6s %7s %8s %10s %12s %12s %9s %9s%n",
                "mappings",
                "depth",
                "nodes",
                "visited",
                "build s",
                "walk ns",
                "handler ns",
                "TreeMap ns",
                "ratio");
        for (int n : sizes) {
            run(n);
        }
    }

    private static void run(int n) {
        long mappedSpan = 2L * n;
        // Node pages are keys too, allocated lowest first, so their own leaves fill in key order
        // (half full): the pool needs about 2.2 pages per mapped page at this fill.
        int pool = (int) (n * 5L / 2 + 256);
        TreeConfig cfg = new TreeConfig(mappedSpan + pool, mappedSpan, pool, 64);
        TreeSystem sys = new TreeSystem(cfg, 1, TreeImplFlaw.NONE);
        ProtectedPageTree tree = sys.tree();
        Random rnd = new Random(42 + n);
        List<Long> span = new ArrayList<>();
        for (long p = 0; p < mappedSpan; p++) {
            span.add(p);
        }
        Collections.shuffle(span, rnd);
        List<Long> pages = span.subList(0, n);
        TreeMap<Long, AlertAction> reference = new TreeMap<>();
        long t0 = System.nanoTime();
        for (long p : pages) {
            AlertAction a = (p & 1) == 0 ? AlertAction.BLOCK : AlertAction.RECORD_AND_ALLOW;
            RequestCode code = tree.protect(p << 12, 4096, a.requestCode());
            if (code != RequestCode.OK) {
                throw new IllegalStateException("protect " + p + ": " + code);
            }
            reference.put(p, a);
        }
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long[] queries = new long[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = pages.get(rnd.nextInt(n));
        }
        VirtualCpu cpu = sys.machine().vcpus().get(0);
        long sink = 0;
        long visited = 0;
        int maxVisited = 0;
        // warm up all three
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < QUERIES / 4; i++) {
                sink += tree.lookup(queries[i]).nodesVisited();
                sink += reference.floorEntry(queries[i]).getKey();
                sink += tree.onTracedWrite(cpu, new Notification(new VCpu(0), new GuestPhysicalPage(queries[i]), 0, 8))
                        .seen()
                        .size();
            }
        }
        long w0 = System.nanoTime();
        for (long q : queries) {
            ProtectedPageTree.Lookup l = tree.lookup(q);
            visited += l.nodesVisited();
            maxVisited = Math.max(maxVisited, l.nodesVisited());
            if (l.mapping().isEmpty()) {
                throw new IllegalStateException("page " + q + " not found");
            }
        }
        double walkNs = (System.nanoTime() - w0) / (double) QUERIES;
        long h0 = System.nanoTime();
        for (long q : queries) {
            sink += tree.onTracedWrite(cpu, new Notification(new VCpu(0), new GuestPhysicalPage(q), 0, 8))
                    .seen()
                    .size();
        }
        double handlerNs = (System.nanoTime() - h0) / (double) QUERIES;
        long m0 = System.nanoTime();
        for (long q : queries) {
            sink += reference.floorEntry(q).getValue().ordinal();
        }
        double mapNs = (System.nanoTime() - m0) / (double) QUERIES;
        int nodes = sys.abstractState().nodes().size();
        System.out.printf(
                Locale.ROOT,
                "%9d %6d %7d %5.2f/%-2d %10.1f %12.0f %12.0f %9.0f %8.1fx%n",
                n,
                tree.height(),
                nodes,
                visited / (double) QUERIES,
                maxVisited,
                buildSeconds,
                walkNs,
                handlerNs,
                mapNs,
                walkNs / mapNs);
        if (sink == 42) {
            System.out.println();
        }
    }
}
