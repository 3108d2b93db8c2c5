package org.hvproof.model.tree;

import java.util.AbstractList;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedSet;

/**
 * An immutable sorted set of page numbers, kept as one ascending {@code long[]}: the tree's state
 * holds several such sets and is compared and rebuilt after every checked step, so equality of two
 * of them is one array comparison and a union or difference one merge, where a {@code TreeSet}
 * would walk and box node by node. It is a {@link SortedSet} in natural order that equals (and
 * hashes like) any other set of the same pages, so it reads like the {@code TreeSet} it replaces.
 */
public final class PageSet extends AbstractSet<Long> implements SortedSet<Long> {
    /** No page. */
    public static final PageSet EMPTY = new PageSet(new long[0]);

    private final long[] pages;
    private int hash;

    private PageSet(long[] ascending) {
        this.pages = ascending;
    }

    /** The pages of {@code pages} (a PageSet is returned as it is). */
    public static PageSet copyOf(Collection<Long> pages) {
        if (pages instanceof PageSet p) {
            return p;
        }
        long[] out = new long[pages.size()];
        int n = 0;
        for (Long p : pages) {
            out[n++] = p; // a null page throws, as TreeSet would
        }
        return of(Arrays.copyOf(out, n));
    }

    /** The pages in {@code pages}, in any order, duplicates dropped; the array is not kept. */
    public static PageSet of(long... pages) {
        long[] a = pages.clone();
        if (strictlyAscending(a)) {
            // Already a page set's order (as the abstraction reads bits and tables): one pass, no sort.
            return ofAscending(a);
        }
        Arrays.sort(a);
        return new PageSet(dedupe(a, a.length));
    }

    private static boolean strictlyAscending(long[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** The pages {@code [first, first + count)}. */
    public static PageSet range(long first, long count) {
        long[] a = new long[(int) count];
        for (int i = 0; i < a.length; i++) {
            a[i] = first + i;
        }
        return new PageSet(a);
    }

    /** Trusted: {@code ascending} strictly ascending and never changed afterwards. */
    static PageSet ofAscending(long[] ascending) {
        return ascending.length == 0 ? EMPTY : new PageSet(ascending);
    }

    private static long[] dedupe(long[] sorted, int length) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (n == 0 || sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }

    /** The pages, ascending; trusted callers only, never to be changed. */
    long[] ascendingArray() {
        return pages;
    }

    /** Whether {@code page} is in the set. */
    public boolean contains(long page) {
        return Arrays.binarySearch(pages, page) >= 0;
    }

    /** The index of {@code page} among the pages in ascending order, or -1 when it is not in the set. */
    public int indexOf(long page) {
        int i = Arrays.binarySearch(pages, page);
        return i >= 0 ? i : -1;
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof Long l && contains(l.longValue());
    }

    /** The {@code i}-th smallest page. */
    public long page(int i) {
        return pages[i];
    }

    @Override
    public int size() {
        return pages.length;
    }

    @Override
    public Iterator<Long> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < pages.length;
            }

            @Override
            public Long next() {
                if (i >= pages.length) {
                    throw new NoSuchElementException();
                }
                return pages[i++];
            }
        };
    }

    /** The pages in ascending order as an unmodifiable list, without copying. */
    public List<Long> asList() {
        return new AbstractList<>() {
            @Override
            public Long get(int index) {
                return pages[index];
            }

            @Override
            public int size() {
                return pages.length;
            }
        };
    }

    /** The pages in this set or in {@code other}. */
    public PageSet union(PageSet other) {
        if (other.pages.length == 0 || other == this) {
            return this;
        }
        if (pages.length == 0) {
            return other;
        }
        long[] a = pages;
        long[] b = other.pages;
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            if (a[i] < b[j]) {
                out[n++] = a[i++];
            } else if (a[i] > b[j]) {
                out[n++] = b[j++];
            } else {
                out[n++] = a[i++];
                j++;
            }
        }
        while (i < a.length) {
            out[n++] = a[i++];
        }
        while (j < b.length) {
            out[n++] = b[j++];
        }
        return ofAscending(n == out.length ? out : Arrays.copyOf(out, n));
    }

    /** The pages of this set not in {@code other}. */
    public PageSet minus(PageSet other) {
        if (other.pages.length == 0 || pages.length == 0) {
            return this;
        }
        long[] b = other.pages;
        long[] out = new long[pages.length];
        int n = 0;
        int j = 0;
        for (long p : pages) {
            while (j < b.length && b[j] < p) {
                j++;
            }
            if (j == b.length || b[j] != p) {
                out[n++] = p;
            }
        }
        return n == pages.length ? this : ofAscending(Arrays.copyOf(out, n));
    }

    /** The pages {@code [first, first + count)} not in {@code other}: {@code range(first, count).minus(other)}. */
    public static PageSet rangeMinus(long first, long count, PageSet other) {
        long[] b = other.pages;
        long[] out = new long[(int) count];
        int n = 0;
        int j = 0;
        for (long p = first; p < first + count; p++) {
            while (j < b.length && b[j] < p) {
                j++;
            }
            if (j == b.length || b[j] != p) {
                out[n++] = p;
            }
        }
        return ofAscending(n == out.length ? out : Arrays.copyOf(out, n));
    }

    /** Whether every page of this set lies in {@code [first, first + count)}. */
    public boolean within(long first, long count) {
        return pages.length == 0 || (pages[0] >= first && pages[pages.length - 1] < first + count);
    }

    /** Whether this set and {@code other} share a page. */
    public boolean intersects(PageSet other) {
        int i = 0;
        int j = 0;
        while (i < pages.length && j < other.pages.length) {
            if (pages[i] < other.pages[j]) {
                i++;
            } else if (pages[i] > other.pages[j]) {
                j++;
            } else {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        if (c instanceof PageSet other) {
            return other.minus(this).isEmpty();
        }
        return super.containsAll(c);
    }

    @Override
    public Comparator<? super Long> comparator() {
        return null;
    }

    @Override
    public PageSet subSet(Long fromElement, Long toElement) {
        if (fromElement > toElement) {
            throw new IllegalArgumentException("fromElement > toElement");
        }
        return slice(lowerBound(fromElement), lowerBound(toElement));
    }

    @Override
    public PageSet headSet(Long toElement) {
        return slice(0, lowerBound(toElement));
    }

    @Override
    public PageSet tailSet(Long fromElement) {
        return slice(lowerBound(fromElement), pages.length);
    }

    @Override
    public Long first() {
        if (pages.length == 0) {
            throw new NoSuchElementException();
        }
        return pages[0];
    }

    @Override
    public Long last() {
        if (pages.length == 0) {
            throw new NoSuchElementException();
        }
        return pages[pages.length - 1];
    }

    /** The index of the first page {@code >= page}. */
    private int lowerBound(long page) {
        int i = Arrays.binarySearch(pages, page);
        return i >= 0 ? i : -i - 1;
    }

    private PageSet slice(int from, int to) {
        return from == 0 && to == pages.length ? this : ofAscending(Arrays.copyOfRange(pages, from, to));
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof PageSet other) {
            return Arrays.equals(pages, other.pages);
        }
        return super.equals(o);
    }

    /** The sum of the pages' {@code Long} hashes, as every {@code Set<Long>} hashes; computed once. */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            for (long p : pages) {
                h += Long.hashCode(p);
            }
            hash = h;
        }
        return h;
    }
}
