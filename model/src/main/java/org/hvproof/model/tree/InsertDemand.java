package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The most pool pages a protect can take from a tree of a given layout: the bound below which the
 * model accepts the implementation's {@link RequestCode#POOL_EXHAUSTED}. It is computed from the
 * layout alone (the nodes, their keys and the order), for any insert that splits a node only when
 * it overflows, into two halves of at least {@link BPlusTree#min} each, takes a fresh pool page
 * for each split and each new root (and for the first leaf of an empty tree), and makes every page
 * it takes a key of the same tree. Which half a later key lands in, which free page a node takes
 * and the order of the inserts are left open, so the bound is the worst case over them.
 *
 * <p>How. Every node of the layout and the nodes its splits create during the insert form a group;
 * a leaf's group receives exactly the new keys inside the leaf's key range (splits never move a key
 * out of it), an interior node's group one child per split of its children's groups. A group of
 * {@code s} keys or children that receives {@code r} more of them splits for the first time when {@code s + r}
 * passes the order, and after that at most once for every {@code min} more: both halves of a split
 * hold at least {@code min}, so the fuller one needs {@code min} more to overflow. A root group that splits
 * gets a new root above it, which may split again. The request's own pages land in known leaves;
 * the pages the insert takes become keys too, anywhere among the free pool pages that are not
 * keys yet, so they are spread as badly as possible over the leaves whose ranges hold such pages,
 * and level by level over their ancestors. The pages taken feed the keys that take more pages:
 * the bound is the least fixed point of that count, which exists since no more new keys than
 * such pool pages can arrive.
 *
 * <p>It is zero exactly when the request's pages split no node, so a refusal of such a protect is
 * never taken. On random trees of order four (TreePoolDemandTest, against the implementation's
 * dry run) it is the very count for about two in three one-page protects that take pages; for
 * longer requests, and where many full leaves hold free pool pages, the worst case over the
 * pages a split may take runs to three times what the implementation, which takes the lowest
 * free page, needs.
 */
public final class InsertDemand {

    private InsertDemand() {}

    /** One node of the layout and the nodes its splits create during the insert. */
    private static final class Group {
        /** Keys of a leaf or children of an interior node, before the insert. */
        final int size;

        final Group parent;
        /** Keys (a leaf) or children (an interior node) the request's own pages bring. */
        long fixed;
        /** For a leaf: the pool pages in its key range a taken node can bring as a new key. */
        long room;
        /** Whether a taken node's key can reach it: it is, or is above, a leaf with room. */
        boolean reachable;

        Group(int size, Group parent) {
            this.size = size;
            this.parent = parent;
        }
    }

    /**
     * The most pool pages a protect of {@code range}, none of it mapped, can take from {@code
     * state}'s tree: its pages that store no node are new keys (a node page is a key already), and
     * a node taken from the pool adds its page as a key unless the page is mapped or in the range.
     */
    public static long mostNodesToProtect(TreeState state, PageRange range) {
        PageSet pages = PageSet.range(range.first(), range.count());
        PageSet newKeys = pages.minus(state.nodePages());
        PageSet nodeKeyPages = state.freePool().minus(state.mappings().keySet()).minus(pages);
        return mostNodes(state.config().shape(), state.layout(), newKeys, nodeKeyPages);
    }

    /**
     * The most pool pages inserting {@code newKeys} into {@code layout} can take.
     *
     * @param shape         the tree's order
     * @param layout        a legal B+-tree of that order (or none)
     * @param newKeys       the request's pages that are no key of the tree yet (mapped pages and
     *                      node pages are keys; a protect's pages are mapped by no one)
     * @param nodeKeyPages  the pages a taken node can add as a new key: the free pool pages that are
     *                      no key yet and not among {@code newKeys}
     */
    public static long mostNodes(BPlusTree shape, TreeLayout layout, PageSet newKeys, PageSet nodeKeyPages) {
        List<List<Group>> levels = groups(layout, newKeys, nodeKeyPages);
        boolean planted = layout.base().rootPage().isEmpty();
        int order = shape.order();
        int min = shape.min();
        // The request's own pages: splits level by level, bottom up, each feeding its parent.
        long fixedSplits = 0;
        for (int l = levels.size() - 1; l >= 0; l--) {
            for (Group g : levels.get(l)) {
                long splits = splits(g.size, g.fixed, order, min);
                fixedSplits += splits;
                if (g.parent != null) {
                    g.parent.fixed += splits;
                }
            }
        }
        long rootSplits = splits(levels.get(0).get(0).size, levels.get(0).get(0).fixed, order, min);
        long newKeysFromNodes = 0;
        while (true) {
            long taken = (planted ? 1 : 0) + fixedSplits + extraNodes(levels, newKeysFromNodes, rootSplits, order, min);
            long next = Math.min(taken, nodeKeyPages.size());
            if (next <= newKeysFromNodes) {
                return taken;
            }
            newKeysFromNodes = next;
        }
    }

    /**
     * The nodes {@code keys} more keys, spread as badly as possible over the leaves with room, add
     * to the splits of the request's own pages: extra splits level by level, then the new roots
     * above the root group's splits.
     */
    private static long extraNodes(List<List<Group>> levels, long keys, long rootSplits, int order, int min) {
        long total = 0;
        long arriving = keys;
        boolean leafLevel = true;
        for (int l = levels.size() - 1; l >= 0; l--) {
            arriving = worstSplits(levels.get(l), arriving, leafLevel, order, min);
            total += arriving;
            leafLevel = false;
        }
        // New roots: each level above the old root starts from one child, the group below.
        long below = rootSplits + arriving;
        while (below > 0) {
            long splits = splits(1, below, order, min);
            total += 1 + splits;
            below = splits;
        }
        return total;
    }

    /**
     * The most extra splits {@code arriving} more insertions can make among {@code level}'s
     * reachable groups, beyond those of their fixed insertions: a group splits once more after
     * its distance to the next split, then once per {@code min}; the cheapest distances first,
     * every split after them at the rate of {@code min} (the sum of the rounded-down shares is at
     * most the rounded-down total).
     */
    private static long worstSplits(List<Group> level, long arriving, boolean leafLevel, int order, int min) {
        if (arriving == 0) {
            return 0;
        }
        long[] distances = new long[level.size()];
        int n = 0;
        for (Group g : level) {
            long distance = nextSplit(g.size + g.fixed, order, min);
            if (g.reachable && (!leafLevel || g.room >= distance)) {
                distances[n++] = distance;
            }
        }
        Arrays.sort(distances, 0, n);
        long best = 0;
        long spent = 0;
        for (int k = 1; k <= n; k++) {
            spent += distances[k - 1];
            if (spent > arriving) {
                break;
            }
            best = Math.max(best, k + (arriving - spent) / min);
        }
        return best;
    }

    /** Splits of a node of {@code size} keys or children that receives {@code inserts} more. */
    static long splits(long size, long inserts, int order, int min) {
        long total = size + inserts;
        return total <= order ? 0 : 1 + (total - order - 1) / min;
    }

    /** Insertions until the next split of a group that has held {@code total} keys or children in all. */
    private static long nextSplit(long total, int order, int min) {
        return total <= order ? order + 1 - total : min - (total - order - 1) % min;
    }

    /**
     * The groups by level, the root's first: one per node of {@code layout}, each leaf with the new
     * keys and the node-key pages inside its key range; for no tree, the first leaf, of no keys.
     */
    private static List<List<Group>> groups(TreeLayout layout, PageSet newKeys, PageSet nodeKeyPages) {
        List<List<Group>> levels = new ArrayList<>();
        if (layout.base().rootPage().isEmpty()) {
            Group first = new Group(0, null);
            first.fixed = newKeys.size();
            first.room = nodeKeyPages.size();
            first.reachable = first.room > 0;
            levels.add(List.of(first));
            return levels;
        }
        record Pending(long page, long lo, long hi, Group parent) {}
        List<Pending> current =
                List.of(new Pending(layout.base().rootPage().get(), Long.MIN_VALUE, Long.MAX_VALUE, null));
        while (!current.isEmpty()) {
            List<Group> level = new ArrayList<>(current.size());
            List<Pending> below = new ArrayList<>();
            for (Pending p : current) {
                TreeNode node = layout.nodes().get(p.page());
                Group g = new Group(node.size(), p.parent());
                level.add(g);
                if (node instanceof TreeNode.Interior in) {
                    for (int i = 0; i < in.children().size(); i++) {
                        long lo = i == 0 ? p.lo() : in.separators().get(i - 1);
                        long hi = i == in.separators().size()
                                ? p.hi()
                                : in.separators().get(i);
                        below.add(new Pending(in.children().get(i), lo, hi, g));
                    }
                } else {
                    g.fixed = countIn(newKeys, p.lo(), p.hi());
                    g.room = countIn(nodeKeyPages, p.lo(), p.hi());
                    for (Group up = g; up != null && !up.reachable && g.room > 0; up = up.parent) {
                        up.reachable = true;
                    }
                }
            }
            levels.add(level);
            current = below;
        }
        return levels;
    }

    /** How many of {@code pages} lie in {@code [lo, hi)}. */
    private static long countIn(PageSet pages, long lo, long hi) {
        return lowerBound(pages, hi) - lowerBound(pages, lo);
    }

    private static int lowerBound(PageSet pages, long page) {
        int lo = 0;
        int hi = pages.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pages.page(mid) < page) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
