package org.hvproof.model.tree;

import java.util.stream.LongStream;
import org.hvproof.model.common.Notation;

/** A non-empty run of guest-physical pages {@code [first, first + count)}. */
public record PageRange(long first, long count) {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;

    public PageRange {
        if (first < 0 || count <= 0 || first > Long.MAX_VALUE - count) {
            throw new IllegalArgumentException("bad page range: first=" + first + " count=" + count);
        }
    }

    /** One page. */
    public static PageRange of(long page) {
        return new PageRange(page, 1);
    }

    /** The page one past the end. */
    public long end() {
        return first + count;
    }

    public boolean contains(long page) {
        return page >= first && page < end();
    }

    public boolean overlaps(PageRange other) {
        return first < other.end() && other.first < end();
    }

    public LongStream pages() {
        return LongStream.range(first, end());
    }

    @Override
    public String toString() {
        return count == 1 ? Notation.gpp(first) : Notation.gpp(first) + ".." + Notation.hex(end() - 1);
    }
}
