package org.hvproof.properties.tree;

import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the protected-page tree, drawing from the current model state: protect
 * requests mostly in a small region (so ranges meet, overlap and fill leaves until they split,
 * depth 2 and more) and sometimes over the node pool (pages that are both node pages and mapped);
 * unprotect requests over runs of mapped pages (so nodes merge and the tree is torn down); hostile
 * requests (unaligned, empty, negative, out of range, overflowing, huge, unknown action,
 * overlapping, not protected); writes from three vCPUs, user or kernel, to mapped pages, node
 * pages, untraced pages (among them the page below the pool, where a flawed tree keeps its base
 * pointer), crossing a page boundary, and outside the tree's memory.
 */
public final class TreeActions {
    private static final long PAGE = 4096;
    private static final TreeConfig CFG = TreeTrace.CONFIG;
    /** Where most protections go: small, so they meet. */
    private static final int HOT_PAGES = 48;

    private TreeActions() {}

    /** The kinds of action, with fixed weights so that a trace's choices keep their meaning as it shrinks. */
    private enum Kind {
        PROTECT(5),
        PROTECT_OVER_NODES(0.8),
        UNPROTECT(2.5),
        HOSTILE_REQUEST(1.2),
        WRITE_MAPPED(3),
        WRITE_NODE(2),
        WRITE_UNTRACED(2),
        CROSSING_WRITE(1),
        HOSTILE_WRITE(0.3);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    /** The next action for the trace's state; a kind that does not apply yet becomes a protection. */
    public static Gen<Action<TreeTrace>> next(TreeTrace trace) {
        TreeState s = trace.state();
        SortedMap<Long, AlertAction> mapped = s.mappings();
        List<Long> mappedPages = List.copyOf(mapped.keySet());
        List<Long> nodePages = List.copyOf(s.nodePages());
        List<Long> traced = List.copyOf(s.traced());
        long pointerPage = trace.guestPointerPage();
        return KINDS.flatMap(kind -> switch (kind) {
                    case PROTECT -> protect();
                    case PROTECT_OVER_NODES -> nodePages.isEmpty() ? protect() : protectOver(nodePages);
                    case UNPROTECT -> mappedPages.isEmpty() ? protect() : unprotect(mappedPages);
                    case HOSTILE_REQUEST -> hostileRequest(mappedPages);
                    case WRITE_MAPPED -> mappedPages.isEmpty() ? protect() : writeTo(mappedPages);
                    case WRITE_NODE -> nodePages.isEmpty() ? protect() : writeTo(nodePages);
                    case WRITE_UNTRACED -> writeUntraced(pointerPage);
                    case CROSSING_WRITE -> traced.isEmpty() ? protect() : crossingWrite(traced);
                    case HOSTILE_WRITE -> hostileWrite();
                })
                .map(TreeActions::asStep);
    }

    private static Action<TreeTrace> asStep(TreeSystemAction a) {
        return Action.of(a.toString(), (trace, ctx) -> trace.apply(a, ctx));
    }

    private static final Gen<Long> ACTION_CODES =
            Gens.elements((long) AlertAction.RECORD_AND_ALLOW.requestCode(), (long) AlertAction.BLOCK.requestCode());

    private static Gen<TreeSystemAction> protect() {
        Gen<Long> start = Gens.frequency(
                Gens.weighted(8, Gens.longs(0, HOT_PAGES)), Gens.weighted(1, Gens.longs(0, CFG.guestPages() - 1)));
        Gen<Long> count = Gens.frequency(Gens.weighted(3, Gens.longs(1, 8, 1)), Gens.weighted(1, Gens.longs(1, 24, 1)));
        return Gens.combine(start, count, ACTION_CODES, (first, n, code) -> {
            long pages = Math.min(n, CFG.guestPages() - first);
            return (TreeSystemAction) new TreeSystemAction.Protect(first * PAGE, pages * PAGE, code);
        });
    }

    /** A protection starting at a node page: makes pages that are both node pages and mapped. */
    private static Gen<TreeSystemAction> protectOver(List<Long> nodePages) {
        return Gens.combine(Gens.elements(nodePages), Gens.longs(1, 3, 1), ACTION_CODES, (first, n, code) -> {
            long pages = Math.min(n, CFG.guestPages() - first);
            return (TreeSystemAction) new TreeSystemAction.Protect(first * PAGE, pages * PAGE, code);
        });
    }

    /** Unprotects a run of mapped pages starting at one of them, no longer than the run. */
    private static Gen<TreeSystemAction> unprotect(List<Long> mapped) {
        return Gens.elements(mapped).flatMap(first -> {
            long run = 1;
            while (mapped.contains(first + run) && run < 16) {
                run++;
            }
            return Gens.longs(1, run, run)
                    .map(n -> (TreeSystemAction) new TreeSystemAction.Unprotect(first * PAGE, n * PAGE));
        });
    }

    private static Gen<TreeSystemAction> hostileRequest(List<Long> mapped) {
        long anyMapped = mapped.isEmpty() ? 5 : mapped.get(0);
        long end = CFG.guestPages() * PAGE;
        List<TreeSystemAction> fixed = List.of(
                new TreeSystemAction.Protect(3 * PAGE + 8, PAGE, 1), // unaligned start
                new TreeSystemAction.Protect(3 * PAGE, PAGE + 1, 2), // unaligned length
                new TreeSystemAction.Protect(3 * PAGE, 0, 1), // empty
                new TreeSystemAction.Protect(3 * PAGE, -PAGE, 1), // negative length
                new TreeSystemAction.Protect(-PAGE, PAGE, 1), // negative start
                new TreeSystemAction.Protect(end, PAGE, 1), // past the end
                new TreeSystemAction.Protect(end - PAGE, 2 * PAGE, 2), // crosses the end
                new TreeSystemAction.Protect(Long.MAX_VALUE & ~(PAGE - 1), PAGE, 1), // far out
                new TreeSystemAction.Protect(PAGE, Long.MAX_VALUE & ~(PAGE - 1), 1), // huge length
                new TreeSystemAction.Protect(0, (CFG.maxPagesPerRequest() + 1) * PAGE, 1), // one page too many
                new TreeSystemAction.Protect(7 * PAGE, PAGE, 0), // the tree-node action
                new TreeSystemAction.Protect(7 * PAGE, PAGE, 3), // unknown action
                new TreeSystemAction.Protect(7 * PAGE, PAGE, -1), // unknown action
                new TreeSystemAction.Protect(anyMapped * PAGE, PAGE, 1), // overlaps
                new TreeSystemAction.Unprotect((anyMapped + 1) * PAGE, 2 * PAGE), // partly protected
                new TreeSystemAction.Unprotect(40 * PAGE, PAGE), // maybe not protected
                new TreeSystemAction.Unprotect(3 * PAGE + 1, PAGE), // unaligned
                new TreeSystemAction.Unprotect(end, Long.MIN_VALUE)); // hostile both
        return Gens.elements(fixed);
    }

    private static Gen<Integer> vcpus() {
        return Gens.integers(0, TreeTrace.VCPUS - 1);
    }

    private static final Gen<Privilege> PRIVILEGES = Gens.elements(Privilege.values());
    private static final Gen<Long> IPS = Gens.elements(0x40_1000L, 0xffff_8000_0010_2000L, 0x7fff_0000_0123L);
    private static final Gen<Integer> LENGTHS = Gens.frequency(
            Gens.weighted(3, Gens.constant(8)),
            Gens.weighted(2, Gens.integers(1, 16, 1)),
            Gens.weighted(0.3, Gens.constant(4096)));

    private static Gen<TreeSystemAction> writeAt(Gen<Long> gpa, Gen<Integer> length) {
        return Gens.combine(
                List.of(vcpus(), PRIVILEGES, IPS, gpa, length),
                v -> new TreeSystemAction.Write(
                        (Integer) v.get(0), (Privilege) v.get(1), (Long) v.get(2), (Long) v.get(3), (Integer)
                                v.get(4)));
    }

    /** A write inside one of {@code pages}, at its start or anywhere, not crossing. */
    private static Gen<TreeSystemAction> writeTo(List<Long> pages) {
        Gen<Long> offset = Gens.frequency(Gens.weighted(2, Gens.constant(0L)), Gens.weighted(3, Gens.longs(0, 4079)));
        return writeAt(Gens.combine(Gens.elements(pages), offset, (p, o) -> p * PAGE + o), Gens.integers(1, 16, 8));
    }

    private static Gen<TreeSystemAction> writeUntraced(long pointerPage) {
        List<Long> named = List.of(0L, 1L, pointerPage, CFG.guestPages() - 1, (long) HOT_PAGES + 1);
        Gen<Long> page = Gens.frequency(
                Gens.weighted(2, Gens.elements(named)),
                Gens.weighted(2, Gens.longs(0, HOT_PAGES)),
                Gens.weighted(1, Gens.longs(0, CFG.guestPages() - 1)));
        Gen<Long> offset = Gens.frequency(Gens.weighted(2, Gens.constant(0L)), Gens.weighted(1, Gens.longs(0, 4080)));
        return writeAt(Gens.combine(page, offset, (p, o) -> p * PAGE + o), LENGTHS);
    }

    /** A write that starts near the end of a traced page and runs into the next one (or starts before it). */
    private static Gen<TreeSystemAction> crossingWrite(List<Long> traced) {
        return Gens.combine(Gens.elements(traced), Gens.booleans(), Gens.integers(1, 8, 4), (p, intoNext, back) -> {
                    long gpa = intoNext ? (p + 1) * PAGE - back : p * PAGE - back;
                    return Math.max(gpa, 0);
                })
                .flatMap(gpa -> writeAt(Gens.constant(gpa), Gens.integers(9, 16, 16)));
    }

    /** Writes outside the tree's memory: into the guest's page-table pool, past RAM, or crossing out of the tree's pages. */
    private static Gen<TreeSystemAction> hostileWrite() {
        long end = CFG.guestPages() * PAGE;
        return writeAt(Gens.elements(end - 4, end + 16, end + 300 * PAGE, 1L << 39), Gens.constant(8));
    }
}
