package org.hvproof.properties.report;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One share of a run: shard {@code index} of {@code count} ({@code ./hvproof check --shard 2/3}).
 * The unit of work is a whole Alloy command or a whole property, never part of one: each property
 * runs with the seed it derives from the run seed and its name, so it draws exactly the traces it
 * draws in an unsharded run, and the shards merged equal the unsharded run on the same seed. Work is
 * dealt round-robin over the work items' keys in sorted order (the key of a command is
 * {@code spec :: command}, of a property its name), so the split is deterministic, the same on every
 * machine, and the shares differ by at most one command and one property.
 *
 * @param index 1-based, at most {@code count}
 * @param count how many shards the run is split into, at least 1
 */
public record Shard(int index, int count) {
    /** The whole run, unsharded. */
    public static final Shard WHOLE = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("a shard is I/N with 1 <= I <= N, got " + index + "/" + count);
        }
    }

    /**
     * Parses {@code I/N}, as {@code --shard} takes it.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not of the form I/N (such as 2/3)");
        }
        int index;
        int count;
        try {
            index = Integer.parseInt(parts[0].trim());
            count = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not of the form I/N (such as 2/3)");
        }
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("I must be between 1 and N, and N at least 1");
        }
        return new Shard(index, count);
    }

    /** True for the whole run (1/1). */
    public boolean whole() {
        return count == 1;
    }

    /** The command's key, as shards deal Alloy commands. */
    public static String key(AlloyCheck a) {
        return a.spec() + " :: " + a.command();
    }

    /**
     * The items of {@code items} that belong to this shard: the distinct keys are sorted, the k-th
     * (from 0) goes to shard {@code k mod count + 1}; items with equal keys go together.
     */
    public <T> List<T> select(List<T> items, Function<T, String> key) {
        return items.stream().filter(owns(items, key)).toList();
    }

    /** Whether an item of {@code items} belongs to this shard, as {@link #select} decides it. */
    public <T> Predicate<T> owns(List<T> items, Function<T, String> key) {
        if (whole()) {
            return t -> true;
        }
        List<String> sorted = List.copyOf(items.stream().map(key).collect(Collectors.toCollection(TreeSet::new)));
        Map<String, Integer> rank = new java.util.HashMap<>();
        for (int k = 0; k < sorted.size(); k++) {
            rank.put(sorted.get(k), k);
        }
        return t -> rank.get(key.apply(t)) % count == index - 1;
    }

    /** {@code I/N}. */
    @Override
    public String toString() {
        return index + "/" + count;
    }
}
