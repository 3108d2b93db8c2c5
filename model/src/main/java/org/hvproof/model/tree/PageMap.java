package org.hvproof.model.tree;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;

/**
 * An immutable sorted map from page numbers to values, kept as a {@link PageSet} of keys and an
 * array of the values aligned with them: the tree's state holds its mappings and its nodes in such
 * maps and is compared and rebuilt after every checked step, so equality is one array comparison
 * of the keys and one identity-first pass over the values, and a request's new mappings one merge.
 * It is a {@link SortedMap} in natural key order that equals (and hashes like) any other map of the
 * same entries, so it reads like the {@code TreeMap} it replaces. Null values are refused.
 *
 * @param <V> the values
 */
public final class PageMap<V> extends AbstractMap<Long, V> implements SortedMap<Long, V> {
    private static final PageMap<?> EMPTY = new PageMap<>(PageSet.EMPTY, new Object[0]);

    private final PageSet keys;
    private final Object[] values;
    private int hash;

    private PageMap(PageSet keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** No entry. */
    @SuppressWarnings("unchecked")
    public static <V> PageMap<V> empty() {
        return (PageMap<V>) EMPTY;
    }

    /** The entries of {@code map} (a PageMap is returned as it is). */
    @SuppressWarnings("unchecked")
    public static <V> PageMap<V> copyOf(Map<Long, ? extends V> map) {
        if (map instanceof PageMap<?> p) {
            return (PageMap<V>) p;
        }
        Builder<V> b = new Builder<>();
        map.forEach(b::put);
        return b.build();
    }

    /** Collects entries in any order; a later entry for a key replaces an earlier one. */
    public static final class Builder<V> {
        private long[] keys = new long[16];
        private Object[] values = new Object[16];
        private int size;
        private boolean ascending = true;

        /** Adds (or replaces) the entry of {@code key}. */
        public Builder<V> put(long key, V value) {
            Objects.requireNonNull(value, "value");
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, 2 * size);
                values = Arrays.copyOf(values, 2 * size);
            }
            if (size > 0 && keys[size - 1] >= key) {
                ascending = false;
            }
            keys[size] = key;
            values[size] = value;
            size++;
            return this;
        }

        /** The map of the entries put so far. */
        public PageMap<V> build() {
            if (size == 0) {
                return empty();
            }
            if (ascending) {
                return new PageMap<>(PageSet.ofAscending(Arrays.copyOf(keys, size)), Arrays.copyOf(values, size));
            }
            // Stable sort of the indices by key, so the last entry put for a key wins.
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> keys[i]));
            long[] k = new long[size];
            Object[] v = new Object[size];
            int n = 0;
            for (int idx : order) {
                if (n > 0 && k[n - 1] == keys[idx]) {
                    v[n - 1] = values[idx];
                } else {
                    k[n] = keys[idx];
                    v[n] = values[idx];
                    n++;
                }
            }
            return new PageMap<>(PageSet.ofAscending(Arrays.copyOf(k, n)), Arrays.copyOf(v, n));
        }
    }

    /** This map with every page of {@code [first, first + count)} mapped to {@code value}. */
    public PageMap<V> with(long first, long count, V value) {
        Objects.requireNonNull(value, "value");
        Builder<V> b = new Builder<>();
        int i = 0;
        int n = keys.size();
        while (i < n && keys.page(i) < first) {
            b.put(keys.page(i), value(i));
            i++;
        }
        for (long p = first; p < first + count; p++) {
            b.put(p, value);
        }
        while (i < n && keys.page(i) < first + count) {
            i++;
        }
        while (i < n) {
            b.put(keys.page(i), value(i));
            i++;
        }
        return b.build();
    }

    /** This map without the pages of {@code [first, first + count)}. */
    public PageMap<V> without(long first, long count) {
        Builder<V> b = new Builder<>();
        for (int i = 0; i < keys.size(); i++) {
            long p = keys.page(i);
            if (p < first || p >= first + count) {
                b.put(p, value(i));
            }
        }
        return b.size == keys.size() ? this : b.build();
    }

    @SuppressWarnings("unchecked")
    private V value(int i) {
        return (V) values[i];
    }

    /** The key of the {@code i}-th entry in key order. */
    public long keyAt(int i) {
        return keys.page(i);
    }

    /** The value of the {@code i}-th entry in key order. */
    public V valueAt(int i) {
        return value(i);
    }

    /** The value of {@code page}, or null. */
    public V get(long page) {
        int i = Arrays.binarySearch(keysArray(), page);
        return i >= 0 ? value(i) : null;
    }

    private long[] keysArray() {
        return keys.ascendingArray();
    }

    @Override
    public V get(Object key) {
        return key instanceof Long l ? get(l.longValue()) : null;
    }

    /** Whether {@code page} has an entry. */
    public boolean containsKey(long page) {
        return keys.contains(page);
    }

    @Override
    public boolean containsKey(Object key) {
        return keys.contains(key);
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean isEmpty() {
        return values.length == 0;
    }

    /** The keys, as a {@link PageSet} (no copy). */
    @Override
    public PageSet keySet() {
        return keys;
    }

    /** The values in key order, unmodifiable (no copy). */
    @Override
    public Collection<V> values() {
        return new AbstractList<>() {
            @Override
            public V get(int index) {
                return value(index);
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    @Override
    public Set<Map.Entry<Long, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<Long, V>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < values.length;
                    }

                    @Override
                    public Map.Entry<Long, V> next() {
                        if (i >= values.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<Long, V> e = new SimpleImmutableEntry<>(keys.page(i), value(i));
                        i++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    @Override
    public void forEach(BiConsumer<? super Long, ? super V> action) {
        for (int i = 0; i < values.length; i++) {
            action.accept(keys.page(i), value(i));
        }
    }

    @Override
    public Comparator<? super Long> comparator() {
        return null;
    }

    @Override
    public PageMap<V> subMap(Long fromKey, Long toKey) {
        if (fromKey > toKey) {
            throw new IllegalArgumentException("fromKey > toKey");
        }
        return slice(fromKey, toKey);
    }

    @Override
    public PageMap<V> headMap(Long toKey) {
        return slice(Long.MIN_VALUE, toKey);
    }

    @Override
    public PageMap<V> tailMap(Long fromKey) {
        Builder<V> b = new Builder<>();
        for (int i = 0; i < values.length; i++) {
            if (keys.page(i) >= fromKey) {
                b.put(keys.page(i), value(i));
            }
        }
        return b.build();
    }

    private PageMap<V> slice(long from, long to) {
        Builder<V> b = new Builder<>();
        for (int i = 0; i < values.length; i++) {
            if (keys.page(i) >= from && keys.page(i) < to) {
                b.put(keys.page(i), value(i));
            }
        }
        return b.build();
    }

    @Override
    public Long firstKey() {
        return keys.first();
    }

    @Override
    public Long lastKey() {
        return keys.last();
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof PageMap<?> other) {
            if (!keys.equals(other.keys)) {
                return false;
            }
            for (int i = 0; i < values.length; i++) {
                if (!Objects.equals(values[i], other.values[i])) {
                    return false;
                }
            }
            return true;
        }
        return super.equals(o);
    }

    /** As every {@code Map} hashes: the sum of {@code key.hashCode() ^ value.hashCode()}; computed once. */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            for (int i = 0; i < values.length; i++) {
                h += Long.hashCode(keys.page(i)) ^ values[i].hashCode();
            }
            hash = h;
        }
        return h;
    }
}
