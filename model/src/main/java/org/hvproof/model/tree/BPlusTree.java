package org.hvproof.model.tree;

/**
 * The B+-tree's shape limits: its order (the node capacity) and what follows from it. The
 * hypervisor's tree takes {@link #PAGE_SIZED}, as many keys as its node encoding fits in one
 * 4 KiB node page; the properties take {@link #SMALL}, so that short traces split, borrow and
 * merge often.
 *
 * @param order most keys in a leaf, most children of an interior node
 */
public record BPlusTree(int order) {
    /** Bytes of a node page. */
    public static final int PAGE_BYTES = 4096;
    /** Bytes of one word of the node encoding (little-endian, as the hypervisor stores it). */
    public static final int WORD_BYTES = 8;
    /** Words before a node's keys: one header word (magic, kind, count). */
    public static final int HEADER_WORDS = 1;
    /**
     * Words per key of a full node: a leaf's key and its entry, or an interior node's child and the
     * separator before it (one separator fewer than children, so a full interior node takes one
     * word fewer than a full leaf).
     */
    public static final int WORDS_PER_KEY = 2;
    /** The header counts keys or children in one byte. */
    public static final int MAX_ORDER = 255;

    /** The order the properties use: four, so splits, borrows and merges come within a few requests. */
    public static final BPlusTree SMALL = new BPlusTree(4);
    /** The order of a node that fills a 4 KiB page: {@link #fillingPage} of {@link #PAGE_BYTES}. */
    public static final BPlusTree PAGE_SIZED = fillingPage(PAGE_BYTES);

    /** Rejects orders without a sensible minimum fill (below 4) and orders the header cannot count. */
    public BPlusTree {
        if (order < 4 || order > MAX_ORDER) {
            throw new IllegalArgumentException("a B+-tree order is 4 to " + MAX_ORDER + ", not " + order);
        }
    }

    /**
     * The greatest order whose full node fits {@code pageBytes}: the header word and
     * {@link #WORDS_PER_KEY} words per key, at most {@link #MAX_ORDER} (the header's count byte).
     * For 4096 bytes: 511 words hold 255 keys.
     */
    public static BPlusTree fillingPage(int pageBytes) {
        int words = pageBytes / WORD_BYTES;
        return new BPlusTree(Math.min((words - HEADER_WORDS) / WORDS_PER_KEY, MAX_ORDER));
    }

    /** Fewest keys in a non-root leaf, fewest children of a non-root interior node. */
    public int min() {
        return order / 2;
    }

    /** Words a node of this order can occupy in its page: the header and {@link #WORDS_PER_KEY} per key. */
    public int nodeWords() {
        return HEADER_WORDS + WORDS_PER_KEY * order;
    }

    /**
     * The greatest depth (edges from root to leaf) a B+-tree of {@code keys} keys can have: at
     * depth h the root has two children or more and every other node at least {@link #min}, so
     * there are at least {@code 2 * min^(h-1)} leaves of at least {@link #min} keys each.
     */
    public int depthBound(long keys) {
        int h = 0;
        long fewestKeys = 2L * min(); // at depth 1
        while (fewestKeys <= keys) {
            h++;
            fewestKeys *= min();
        }
        return h;
    }
}
