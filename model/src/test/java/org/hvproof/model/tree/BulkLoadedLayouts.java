package org.hvproof.model.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A chooser of legal layouts that shares nothing with the implementation's incremental splits
 * and merges: it bulk-loads a fresh B+-tree for the mappings, its nodes on the lowest pool pages,
 * keys spread evenly over as few leaves as hold them. Node pages are keys too, so it looks for
 * the number of node pages n whose keys (the mapped pages and those n pages) need exactly n nodes.
 */
final class BulkLoadedLayouts {
    private BulkLoadedLayouts() {}

    /** A legal layout for {@code mappings} on the lowest pool pages, or empty when the pool cannot hold one. */
    static Optional<TreeLayout> forMappings(TreeConfig config, SortedMap<Long, AlertAction> mappings) {
        return onPages(config.shape(), config.pool().pages().boxed().toList(), mappings);
    }

    /** A layout for {@code mappings} whose nodes take the first of {@code pages}, or empty when too few. */
    static Optional<TreeLayout> onPages(BPlusTree shape, List<Long> pages, SortedMap<Long, AlertAction> mappings) {
        if (mappings.isEmpty()) {
            return Optional.of(TreeLayout.EMPTY);
        }
        int keys = mappings.size();
        for (int n = 1; n <= pages.size(); n++) {
            if (!mappings.containsKey(pages.get(n - 1))) {
                keys++;
            }
            if (nodesFor(keys, shape.order()) == n) {
                SortedSet<Long> nodePages = new TreeSet<>(pages.subList(0, n));
                SortedSet<Long> all = new TreeSet<>(mappings.keySet());
                all.addAll(nodePages);
                return Optional.of(build(mappings, nodePages, List.copyOf(all), shape.order()));
            }
        }
        return Optional.empty();
    }

    /** Nodes of a tree whose leaves and interior nodes are as full as an even spread allows. */
    private static int nodesFor(int keys, int order) {
        int level = ceil(keys, order);
        int total = level;
        while (level > 1) {
            level = ceil(level, order);
            total += level;
        }
        return total;
    }

    private static TreeLayout build(
            SortedMap<Long, AlertAction> mappings, SortedSet<Long> nodePages, List<Long> keys, int order) {
        List<Long> pages = new ArrayList<>(nodePages);
        SortedMap<Long, TreeNode> nodes = new TreeMap<>();
        List<Long> level = new ArrayList<>();
        List<Long> firstKeys = new ArrayList<>();
        for (List<Long> part : spread(keys, ceil(keys.size(), order))) {
            long page = pages.remove(0);
            List<TreeNode.Entry> entries = part.stream()
                    .map(k -> new TreeNode.Entry(nodePages.contains(k), Optional.ofNullable(mappings.get(k))))
                    .toList();
            nodes.put(page, new TreeNode.Leaf(part, entries));
            level.add(page);
            firstKeys.add(part.get(0));
        }
        while (level.size() > 1) {
            List<Long> up = new ArrayList<>();
            List<Long> upFirst = new ArrayList<>();
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                indices.add(i);
            }
            for (List<Integer> group : spread(indices, ceil(level.size(), order))) {
                long page = pages.remove(0);
                List<Long> children = group.stream().map(level::get).toList();
                List<Long> separators = group.subList(1, group.size()).stream()
                        .map(firstKeys::get)
                        .toList();
                nodes.put(page, new TreeNode.Interior(separators, children));
                up.add(page);
                upFirst.add(firstKeys.get(group.get(0)));
            }
            level = up;
            firstKeys = upFirst;
        }
        return new TreeLayout(HypervisorCell.pointingAt(level.get(0)), nodes);
    }

    /** {@code items} in {@code parts} consecutive runs whose lengths differ by one at most. */
    private static <T> List<List<T>> spread(List<T> items, int parts) {
        List<List<T>> out = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < parts; i++) {
            int size = items.size() / parts + (i < items.size() % parts ? 1 : 0);
            out.add(List.copyOf(items.subList(at, at + size)));
            at += size;
        }
        return out;
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
