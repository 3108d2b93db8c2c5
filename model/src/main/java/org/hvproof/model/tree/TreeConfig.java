package org.hvproof.model.tree;

/**
 * Fixed parameters of one tree: guest memory size, the pool of guest pages the hypervisor
 * takes node pages from, the largest request it accepts, and the node capacity (the B+-tree's
 * order).
 */
public record TreeConfig(long guestPages, long poolFirst, int poolSize, int maxPagesPerRequest, BPlusTree shape) {
    public TreeConfig {
        if (shape == null
                || guestPages <= 0
                || poolFirst < 0
                || poolSize <= 0
                || poolFirst + poolSize > guestPages
                || maxPagesPerRequest <= 0) {
            throw new IllegalArgumentException("bad tree config: " + guestPages + " pages, pool [" + poolFirst + ", +"
                    + poolSize + "), max " + maxPagesPerRequest + " per request, " + shape);
        }
    }

    /**
     * A tree of the default order, {@link BPlusTree#PAGE_SIZED}: a node fills its 4 KiB page
     * (255 keys), as the hypervisor's tree is meant to run.
     */
    public TreeConfig(long guestPages, long poolFirst, int poolSize, int maxPagesPerRequest) {
        this(guestPages, poolFirst, poolSize, maxPagesPerRequest, BPlusTree.PAGE_SIZED);
    }

    /**
     * A small guest: 1024 pages, node pool at pages 768..1023, at most 64 pages a request.
     * Node pages are keys too, and an order-4 tree filled in key order keeps leaves half full,
     * so the pool needs about as many pages as are mapped.
     */
    public static TreeConfig small() {
        return new TreeConfig(1024, 768, 256, 64, BPlusTree.SMALL);
    }

    public PageRange pool() {
        return new PageRange(poolFirst, poolSize);
    }
}
