package org.hvproof.impl.tree;

import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.PageSet;

/**
 * Edits: one request's write-back copy of the tree, where inserts and removes split, borrow and
 * merge nodes; nodes are read from memory on first touch and changed here. Nothing is written
 * while the edit is computed, so a request that fails half-way is dropped with {@link #abort} and
 * changes nothing; a computed edit is {@linkplain #seal sealed} and committed one micro-step at a
 * time ({@link TreeCommitStep}, {@link #runNext}), or all at once ({@link #commit}).
 *
 * <p>Nodes are held as their words say them ({@link NodeCodec}): keys, separators and children
 * as longs, leaf entries as their entry words, changed in place; a request allocates no node
 * object per page it maps.
 */
final class TreeEdit {
    /** The pool has no page left for a split: the request is refused as a whole. */
    static final class PoolExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoolExhausted() {
            super(null, null, false, false);
        }
    }

    /** A node page that does not decode: only a tree whose base pointer the guest could write gets here. */
    static final class CorruptNode extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptNode() {
            super(null, null, false, false);
        }
    }

    /** Entry word of a page that stores a node (bit 0 of a leaf entry). */
    static final long NODE_PAGE = NodeCodec.NODE_PAGE_BIT;
    /** The bits of an entry word that hold the mapping's action request code. */
    static final long MAPPING = 0xff00L;

    /** Pools up to this many pages index their touched nodes by pool page in an array; larger ones hash them. */
    private static final int INDEXED_POOL = 4096;

    /**
     * A node of this edit, mutable: a leaf's {@code count} keys and their entry words, or an
     * interior node's {@code count - 1} separators (in {@code keys}) and {@code count} children
     * (in {@code values}).
     */
    private static final class Node {
        final long page;
        boolean leaf;
        int count;
        final long[] keys;
        final long[] values;
        /** Changed in this edit: written by the commit. */
        boolean dirty;
        /** Freed in this edit: scrubbed by the commit, and no node any more. */
        boolean freed;

        /** A node at {@code page} with {@code room} slots: one past full (before its split) and more. */
        Node(long page, int room) {
            this.page = page;
            this.keys = new long[room];
            this.values = new long[room];
        }

        /** Keys for a leaf, children for an interior node: what the fanout limits count. */
        int size() {
            return count;
        }

        /** The child whose key range holds {@code key}: after the last separator at or below it (by bisection). */
        int childIndex(long key) {
            int lo = 0;
            int hi = count - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (keys[mid] <= key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The index of {@code key} among a leaf's keys, or {@code -(insertion point) - 1}. */
        int find(long key) {
            return Arrays.binarySearch(keys, 0, count, key);
        }
    }

    private final TreeRootCell cell;
    private final NodePagePool pool;
    private final NodeMemory memory;
    private final TracingService tracing;
    private final TreeImplFlaw flaw;
    /** The views whose nested page tables carry the tree's traces. */
    private final List<ViewId> views;
    /** Whether the tree traces its mapped pages too (alone), or node pages only (as a protection store). */
    private final boolean tracesMappings;
    /** The tree's order, the fewest keys or children of a non-root node, and a node's room. */
    private final int order;

    private final int min;
    private final int room;

    private long root;
    private int levels;
    private long mapped;

    /** The nodes touched (read or changed) by this edit, in the order first touched. */
    private Node[] touched = new Node[16];

    private int touchedSize;
    /**
     * Per pool page: its node in {@link #touched}, or null (null for a large pool, which uses
     * {@link #poolNodesByPage}); pages outside the pool are searched for.
     */
    private final Node[] poolNodes;

    private final Map<Long, Node> poolNodesByPage;

    private final long poolFirst;
    private final int poolSize;

    /** Pool pages taken in this edit (given back on abort) and freed (given back by the commit). */
    private long[] taken = new long[8];

    private int takenSize;
    private long[] freedNow = new long[8];
    private int freedSize;

    /** Node pages allocated or freed, awaiting their entry and their trace: page, allocated, by a split. */
    private long[] pendingPages = new long[8];

    private byte[] pendingKinds = new byte[8];
    private int pendingFirst;
    private int pendingSize;

    private static final byte FREED = 0;
    private static final byte ALLOCATED = 1;
    private static final byte ALLOCATED_BY_SPLIT = 2;

    /** Trace changes in order; for a page, the last one wins and takes its place in the order. */
    private long[] tracePages = new long[16];

    private boolean[] traceValues = new boolean[16];
    private int traceSize;

    /** Scratch: a node's words. */
    private final long[] words;

    /** One more mapped page ({@code +1}) or one fewer ({@code -1}). */
    void countMapped(int delta) {
        mapped += delta;
    }

    /** Mapped pages, as this edit counts them. */
    long mapped() {
        return mapped;
    }

    /** Sets whether {@code page} carries the tree's trace after the commit; the last call for a page wins. */
    void trace(long page, boolean traced) {
        if (traceSize == tracePages.length) {
            tracePages = Arrays.copyOf(tracePages, 2 * traceSize);
            traceValues = Arrays.copyOf(traceValues, 2 * traceSize);
        }
        tracePages[traceSize] = page;
        traceValues[traceSize] = traced;
        traceSize++;
    }

    /** The node at {@code page}: the edit's copy, else read from memory (a page that holds none is corrupt). */
    private Node node(long page) {
        Node n = touchedNode(page);
        if (n != null) {
            if (n.freed) {
                throw new CorruptNode();
            }
            return n;
        }
        n = new Node(page, room);
        if (!memory.readWords(page, words) || !decode(words, n, order)) {
            throw new CorruptNode();
        }
        remember(n);
        return n;
    }

    private Node touchedNode(long page) {
        long i = page - poolFirst;
        if (i >= 0 && i < poolSize) {
            return poolNodes != null ? poolNodes[(int) i] : poolNodesByPage.get(page);
        }
        for (int k = 0; k < touchedSize; k++) {
            if (touched[k].page == page) {
                return touched[k];
            }
        }
        return null;
    }

    private void remember(Node n) {
        if (touchedSize == touched.length) {
            touched = Arrays.copyOf(touched, 2 * touchedSize);
        }
        touched[touchedSize++] = n;
        long i = n.page - poolFirst;
        if (i >= 0 && i < poolSize) {
            if (poolNodes != null) {
                poolNodes[(int) i] = n;
            } else {
                poolNodesByPage.put(n.page, n);
            }
        }
    }

    /** A fresh, empty node of this edit at {@code page} (a page just taken from the pool). */
    private Node fresh(long page, boolean leaf) {
        Node n = touchedNode(page);
        if (n == null) {
            n = new Node(page, room);
            remember(n);
        }
        n.freed = false;
        n.dirty = true;
        n.leaf = leaf;
        n.count = 0;
        return n;
    }

    /** Reads {@code words} into {@code n} as {@link NodeCodec#decode(long[])} does; false when they hold no valid node. */
    private static boolean decode(long[] words, Node n, int order) {
        long header = words[0];
        int kind = NodeCodec.kind(header, order);
        int count = NodeCodec.count(header);
        if (kind == NodeCodec.LEAF) {
            for (int i = 0; i < count; i++) {
                long e = words[2 + 2 * i];
                if (NodeCodec.entry(e) == null) {
                    return false;
                }
                n.keys[i] = words[1 + 2 * i];
                n.values[i] = e;
            }
        } else if (kind == NodeCodec.INTERIOR) {
            for (int i = 0; i < count - 1; i++) {
                n.keys[i] = words[1 + i];
            }
            for (int i = 0; i < count; i++) {
                n.values[i] = words[NodeCodec.childrenAt(order) + i];
            }
        } else {
            return false;
        }
        n.leaf = kind == NodeCodec.LEAF;
        n.count = count;
        return true;
    }

    /** Writes {@code n}'s words into {@code out} as {@link NodeCodec#encode} lays a node out. */
    private static void encode(Node n, int order, long[] out) {
        Arrays.fill(out, 0, NodeCodec.words(order), 0L);
        if (n.leaf) {
            out[0] = NodeCodec.header(NodeCodec.LEAF, n.count);
            for (int i = 0; i < n.count; i++) {
                out[1 + 2 * i] = n.keys[i];
                out[2 + 2 * i] = n.values[i];
            }
        } else {
            out[0] = NodeCodec.header(NodeCodec.INTERIOR, n.count);
            for (int i = 0; i < n.count - 1; i++) {
                out[1 + i] = n.keys[i];
            }
            for (int i = 0; i < n.count; i++) {
                out[NodeCodec.childrenAt(order) + i] = n.values[i];
            }
        }
    }

    private void changed(Node n) {
        if (n.count > order + 1) {
            throw new CorruptNode(); // only a corrupt tree overfills a node past its split
        }
        n.dirty = true;
    }

    /** The entry word for {@code key} (0: none). */
    long get(long key) {
        long at = root;
        int guard = 0;
        while (at != TreeRootCell.NONE && guard++ < TreeWalk.MAX_WALK) {
            Node n = node(at);
            if (!n.leaf) {
                at = n.values[n.childIndex(key)];
            } else {
                int i = n.find(key);
                return i >= 0 ? n.values[i] : 0;
            }
        }
        return 0;
    }

    void putOrDelete(long key, long entry) {
        if (entry == 0) {
            delete(key);
        } else {
            put(key, entry);
        }
    }

    void settle() {
        while (pendingSize > 0) {
            long page = pendingPages[pendingFirst];
            byte kind = pendingKinds[pendingFirst];
            pendingFirst++;
            pendingSize--;
            if (kind != FREED) {
                put(page, get(page) | NODE_PAGE);
                // FLAW SPLIT_NODE_UNTRACED: a split's new sibling is left untraced.
                if (!(kind == ALLOCATED_BY_SPLIT && flaw == TreeImplFlaw.SPLIT_NODE_UNTRACED)) {
                    trace(page, true);
                }
            } else {
                long e = get(page) & ~NODE_PAGE;
                putOrDelete(page, e);
                // FLAW FREED_NODE_STAYS_TRACED: the freed page keeps its trace.
                if (((e & MAPPING) == 0 || !tracesMappings) && flaw != TreeImplFlaw.FREED_NODE_STAYS_TRACED) {
                    trace(page, false);
                }
            }
        }
        pendingFirst = 0;
    }

    private void pend(long page, byte kind) {
        if (pendingFirst + pendingSize == pendingPages.length) {
            pendingPages = Arrays.copyOf(pendingPages, 2 * pendingPages.length);
            pendingKinds = Arrays.copyOf(pendingKinds, 2 * pendingKinds.length);
        }
        pendingPages[pendingFirst + pendingSize] = page;
        pendingKinds[pendingFirst + pendingSize] = kind;
        pendingSize++;
    }

    void tearDown() {
        long[] all = new long[8];
        int size = 0;
        if (root != TreeRootCell.NONE) {
            long[] stack = new long[8];
            int top = 0;
            stack[top++] = root;
            while (top > 0) {
                long page = stack[--top];
                if (size == all.length) {
                    all = Arrays.copyOf(all, 2 * size);
                }
                all[size++] = page;
                if (size > 64 * room * TreeWalk.MAX_WALK) {
                    throw new CorruptNode(); // a cycle: only a corrupt tree has one
                }
                Node n = node(page);
                if (!n.leaf) {
                    for (int i = 0; i < n.count; i++) {
                        if (top == stack.length) {
                            stack = Arrays.copyOf(stack, 2 * top);
                        }
                        stack[top++] = n.values[i];
                    }
                }
            }
        }
        Arrays.sort(all, 0, size);
        for (int i = 0; i < size; i++) {
            long page = all[i];
            if (flaw != TreeImplFlaw.FREED_NODE_STAYS_TRACED) {
                trace(page, false);
            }
            addFreed(page);
            free(page);
        }
        root = TreeRootCell.NONE;
        levels = -1;
    }

    /** Marks {@code page}'s node freed in this edit (touched, so it is scrubbed on commit). */
    private void free(long page) {
        Node n = touchedNode(page);
        if (n == null) {
            n = new Node(page, room);
            remember(n);
        }
        n.freed = true;
        n.dirty = false;
    }

    private void addFreed(long page) {
        if (freedSize == freedNow.length) {
            freedNow = Arrays.copyOf(freedNow, 2 * freedSize);
        }
        freedNow[freedSize++] = page;
    }

    private long allocate(boolean bySplit) {
        long page = pool.take();
        if (page == TreeRootCell.NONE) {
            throw new PoolExhausted();
        }
        if (takenSize == taken.length) {
            taken = Arrays.copyOf(taken, 2 * takenSize);
        }
        taken[takenSize++] = page;
        pend(page, bySplit ? ALLOCATED_BY_SPLIT : ALLOCATED);
        return page;
    }

    private void release(long page) {
        free(page);
        addFreed(page);
        pend(page, FREED);
    }

    void abort() {
        for (int i = 0; i < takenSize; i++) {
            pool.giveBack(taken[i]);
        }
    }

    // ---- the commit, in micro-steps ---------------------------------------------------------

    /** The micro-steps run so far. */
    private final EnumSet<TreeCommitStep> done = EnumSet.noneOf(TreeCommitStep.class);

    /** Sealed: the edit is computed and its commit may run. */
    private boolean sealed;

    /** The pages whose trace the commit adds (not held before) and withdraws (held before), by the last call for each. */
    private PageSet adds = PageSet.EMPTY;

    private PageSet removes = PageSet.EMPTY;
    /** Pool pages taken (not freed again) and freed by this edit. */
    private PageSet takenPages = PageSet.EMPTY;

    private PageSet freedPages = PageSet.EMPTY;
    /** Taken pages a notified write touched since the edit was sealed: written again at {@link TreeCommitStep#PUBLISH}. */
    private final BitSet rewrite = new BitSet();

    /**
     * Ends the edit's computation: the trace changes that win (the last call for a page) are
     * split into the traces it adds and withdraws, against what the tree holds in the default
     * view now; from here on only {@link #run} changes anything.
     */
    void seal() {
        BitSet later = new BitSet();
        boolean[] wins = new boolean[traceSize];
        for (int i = traceSize - 1; i >= 0; i--) {
            long page = tracePages[i];
            if (page < 0 || page > Integer.MAX_VALUE) {
                wins[i] = true;
                for (int j = i + 1; j < traceSize; j++) {
                    wins[i] &= tracePages[j] != page;
                }
            } else if (!later.get((int) page)) {
                later.set((int) page);
                wins[i] = true;
            }
        }
        long[] added = new long[traceSize];
        long[] removed = new long[traceSize];
        int a = 0;
        int r = 0;
        for (int i = 0; i < traceSize; i++) {
            if (!wins[i]) {
                continue;
            }
            boolean held = tracing.holds(ViewId.DEFAULT, ProtectedPageTree.OWNER, new GuestPhysicalPage(tracePages[i]));
            if (traceValues[i] && !held) {
                added[a++] = tracePages[i];
            } else if (!traceValues[i] && held) {
                removed[r++] = tracePages[i];
            }
        }
        winners = wins;
        adds = PageSet.of(Arrays.copyOf(added, a));
        removes = PageSet.of(Arrays.copyOf(removed, r));
        PageSet freed = PageSet.of(Arrays.copyOf(freedNow, freedSize));
        freedPages = freed;
        takenPages = PageSet.of(Arrays.copyOf(taken, takenSize)).minus(freed);
        sealed = true;
    }

    /** Per entry of the trace changes: whether it is the last call for its page. */
    private boolean[] winners = new boolean[0];

    /**
     * The micro-steps in the order this variant runs them: {@link TreeCommitStep}'s order, but
     * for the two flaws that reorder it.
     */
    List<TreeCommitStep> order() {
        return switch (flaw) {
            // FLAW NODE_WRITTEN_BEFORE_TRACED: the taken pages are written before they are traced.
            case NODE_WRITTEN_BEFORE_TRACED ->
                List.of(
                        TreeCommitStep.WRITE_TAKEN,
                        TreeCommitStep.TRACE_TAKEN,
                        TreeCommitStep.PUBLISH,
                        TreeCommitStep.SCRUB_FREED,
                        TreeCommitStep.UNTRACE_FREED);
            // FLAW FREED_NODE_UNTRACED_BEFORE_PUBLISH: freed pages lose their trace and go back
            // to the pool while the published tree still names them.
            case FREED_NODE_UNTRACED_BEFORE_PUBLISH ->
                List.of(
                        TreeCommitStep.TRACE_TAKEN,
                        TreeCommitStep.WRITE_TAKEN,
                        TreeCommitStep.UNTRACE_FREED,
                        TreeCommitStep.PUBLISH,
                        TreeCommitStep.SCRUB_FREED);
            // FLAW FREED_NODE_SCRUBBED_BEFORE_PUBLISH: freed nodes are scrubbed while the
            // published tree still names them.
            case FREED_NODE_SCRUBBED_BEFORE_PUBLISH ->
                List.of(
                        TreeCommitStep.TRACE_TAKEN,
                        TreeCommitStep.WRITE_TAKEN,
                        TreeCommitStep.SCRUB_FREED,
                        TreeCommitStep.PUBLISH,
                        TreeCommitStep.UNTRACE_FREED);
            default -> List.of(TreeCommitStep.values());
        };
    }

    /** The next micro-step, or empty when the commit is done. */
    Optional<TreeCommitStep> next() {
        for (TreeCommitStep step : order()) {
            if (!done.contains(step)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /** Whether micro-step {@code step} has run. */
    boolean hasRun(TreeCommitStep step) {
        return done.contains(step);
    }

    /** Runs the next micro-step and returns it. */
    TreeCommitStep runNext() {
        if (!sealed) {
            throw new IllegalStateException("the edit is not sealed");
        }
        TreeCommitStep step = next().orElseThrow(() -> new IllegalStateException("the commit is done"));
        switch (step) {
            case TRACE_TAKEN -> setTraces(true);
            case WRITE_TAKEN -> writeNodes(true);
            case PUBLISH -> {
                writeNodes(false);
                // FLAW TAKEN_NODE_NOT_WRITTEN_AGAIN: a taken page a notified write touched keeps the guest's bytes.
                for (int i = rewrite.nextSetBit(0);
                        i >= 0 && flaw != TreeImplFlaw.TAKEN_NODE_NOT_WRITTEN_AGAIN;
                        i = rewrite.nextSetBit(i + 1)) {
                    writeNode(touchedNode(poolFirst + i));
                }
                cell.store(root, levels, mapped);
            }
            case SCRUB_FREED -> {
                for (int i = 0; i < touchedSize; i++) {
                    if (touched[i].freed) {
                        memory.scrub(touched[i].page);
                    }
                }
            }
            case UNTRACE_FREED -> {
                setTraces(false);
                for (int i = 0; i < freedSize; i++) {
                    pool.giveBack(freedNow[i]);
                }
            }
        }
        done.add(step);
        return step;
    }

    /** Seals the edit and runs its whole commit at once. */
    void commit() {
        seal();
        while (next().isPresent()) {
            runNext();
        }
    }

    /** Writes the changed nodes of the taken pages ({@code taken}), or of the pages the published tree has. */
    private void writeNodes(boolean taken) {
        for (int i = 0; i < touchedSize; i++) {
            Node n = touched[i];
            if (!n.freed && n.dirty && takenPages.contains(n.page) == taken) {
                writeNode(n);
            }
        }
    }

    private void writeNode(Node n) {
        encode(n, order, words);
        memory.write(n.page, words);
    }

    /** Applies the winning trace changes that set ({@code traced}) or withdraw the tree's trace, in their order. */
    private void setTraces(boolean traced) {
        for (int i = 0; i < traceSize; i++) {
            if (winners[i] && traceValues[i] == traced) {
                setTrace(tracePages[i], traced);
            }
        }
    }

    /**
     * A notified write touched {@code page}: if the edit took it for a node, it is written again
     * at {@link TreeCommitStep#PUBLISH} (a write that then did not go ahead costs one more write).
     */
    void written(long page) {
        if (sealed && !done.contains(TreeCommitStep.PUBLISH) && takenPages.contains(page)) {
            rewrite.set((int) (page - poolFirst));
        }
    }

    /**
     * The traces this commit has set but not published yet (before {@link TreeCommitStep#PUBLISH})
     * and those the published tree no longer needs but that are not withdrawn yet (after it):
     * the pages a write to which lands unseen, as the published tree says.
     */
    PageSet unpublishedTraces() {
        PageSet out = PageSet.EMPTY;
        if (done.contains(TreeCommitStep.TRACE_TAKEN) && !done.contains(TreeCommitStep.PUBLISH)) {
            out = out.union(adds);
        }
        if (done.contains(TreeCommitStep.PUBLISH) && !done.contains(TreeCommitStep.UNTRACE_FREED)) {
            out = out.union(removes);
        }
        return out;
    }

    /**
     * The pool pages this commit holds that the published tree does not name: taken ones before
     * {@link TreeCommitStep#PUBLISH}, freed ones after it until they are given back.
     */
    PageSet unpublishedFree() {
        if (!done.contains(TreeCommitStep.PUBLISH)) {
            return takenPages;
        }
        return done.contains(TreeCommitStep.UNTRACE_FREED) ? PageSet.EMPTY : freedPages;
    }

    /** The pool pages taken for nodes by this edit. */
    PageSet taken() {
        return takenPages;
    }

    /** The pages of the nodes this edit frees. */
    PageSet freed() {
        return freedPages;
    }

    // ---- insert -----------------------------------------------------------------------

    void put(long key, long entry) {
        if (root == TreeRootCell.NONE) {
            long page = allocate(false);
            fresh(page, true);
            root = page;
            levels = 0;
        }
        long[] split = insert(root, key, entry, 0);
        if (split != null) {
            long page = allocate(false);
            Node r = fresh(page, false);
            r.keys[0] = split[0];
            r.values[0] = root;
            r.values[1] = split[1];
            r.count = 2;
            root = page;
            levels++;
        }
    }

    /** Inserts into the subtree at {@code page}; a split returns {separator, right page}, else null. */
    private long[] insert(long page, long key, long entry, int depth) {
        if (depth > TreeWalk.MAX_WALK) {
            throw new CorruptNode();
        }
        Node n = node(page);
        if (n.leaf) {
            int i = n.find(key);
            if (i >= 0) {
                n.values[i] = entry;
                changed(n);
            } else {
                int at = -i - 1;
                insertAt(n.keys, n.count, at, key);
                insertAt(n.values, n.count, at, entry);
                n.count++;
                changed(n);
            }
            if (n.count <= order) {
                return null;
            }
            int half = n.count / 2;
            long rightPage = allocate(true);
            Node right = fresh(rightPage, true);
            int moved = n.count - half;
            System.arraycopy(n.keys, half, right.keys, 0, moved);
            System.arraycopy(n.values, half, right.values, 0, moved);
            right.count = moved;
            n.count = half;
            return new long[] {right.keys[0], rightPage};
        }
        int ci = n.childIndex(key);
        long[] s = insert(n.values[ci], key, entry, depth + 1);
        if (s == null) {
            return null;
        }
        // separators count - 1, children count
        insertAt(n.keys, n.count - 1, ci, s[0]);
        insertAt(n.values, n.count, ci + 1, s[1]);
        n.count++;
        changed(n);
        if (n.count <= order) {
            return null;
        }
        int kids = n.count;
        int leftKids = (kids + 1) / 2;
        long up = n.keys[leftKids - 1];
        long rightPage = allocate(true);
        Node right = fresh(rightPage, false);
        // right: separators leftKids .. kids - 2, children leftKids .. kids - 1
        System.arraycopy(n.keys, leftKids, right.keys, 0, kids - 1 - leftKids);
        System.arraycopy(n.values, leftKids, right.values, 0, kids - leftKids);
        right.count = kids - leftKids;
        n.count = leftKids;
        return new long[] {up, rightPage};
    }

    private static void insertAt(long[] a, int size, int at, long value) {
        System.arraycopy(a, at, a, at + 1, size - at);
        a[at] = value;
    }

    private static void removeAt(long[] a, int size, int at) {
        System.arraycopy(a, at + 1, a, at, size - at - 1);
    }

    // ---- delete -----------------------------------------------------------------------

    private void delete(long key) {
        if (root == TreeRootCell.NONE) {
            return;
        }
        remove(root, key, 0);
        Node r = node(root);
        if (!r.leaf && r.size() == 1) {
            long old = root;
            root = r.values[0];
            levels--;
            release(old);
        } else if (r.leaf && r.size() == 0) {
            long old = root;
            root = TreeRootCell.NONE;
            levels = -1;
            release(old);
        }
    }

    private boolean remove(long page, long key, int depth) {
        if (depth > TreeWalk.MAX_WALK) {
            throw new CorruptNode();
        }
        Node n = node(page);
        if (n.leaf) {
            int i = n.find(key);
            if (i < 0) {
                return false;
            }
            removeAt(n.keys, n.count, i);
            removeAt(n.values, n.count, i);
            n.count--;
            changed(n);
            return n.count < min;
        }
        int ci = n.childIndex(key);
        if (remove(n.values[ci], key, depth + 1)) {
            rebalance(n, ci);
        }
        return node(page).size() < min;
    }

    /** Child {@code ci} of {@code parent} is underfull: borrow from a sibling (left first), or merge. */
    private void rebalance(Node parent, int ci) {
        int li = ci > 0 ? ci - 1 : ci;
        long leftPage = parent.values[li];
        long rightPage = parent.values[li + 1];
        if (leftPage == rightPage || leftPage == parent.page || rightPage == parent.page) {
            throw new CorruptNode(); // a node named twice: only a corrupt tree has one
        }
        Node left = node(leftPage);
        Node right = node(rightPage);
        boolean siblingIsLeft = li != ci;
        Node sibling = siblingIsLeft ? left : right;
        if (sibling.size() > min) {
            borrow(left, right, siblingIsLeft, parent, li);
            changed(parent);
            return;
        }
        // merge the right node into the left; the right node's page is freed
        if (left.leaf && right.leaf) {
            System.arraycopy(right.keys, 0, left.keys, left.count, right.count);
            System.arraycopy(right.values, 0, left.values, left.count, right.count);
            left.count += right.count;
        } else if (!left.leaf && !right.leaf) {
            // left's separators, the parent's separator between them, right's separators
            left.keys[left.count - 1] = parent.keys[li];
            System.arraycopy(right.keys, 0, left.keys, left.count, right.count - 1);
            System.arraycopy(right.values, 0, left.values, left.count, right.count);
            left.count += right.count;
        } else {
            throw new CorruptNode(); // a leaf beside an interior node: leaves at two depths
        }
        changed(left);
        removeAt(parent.keys, parent.count - 1, li);
        removeAt(parent.values, parent.count, li + 1);
        parent.count--;
        changed(parent);
        release(rightPage);
    }

    private static void borrow(Node left, Node right, boolean fromLeft, Node parent, int li) {
        if (left.leaf && right.leaf) {
            if (fromLeft) {
                insertAt(right.keys, right.count, 0, left.keys[left.count - 1]);
                insertAt(right.values, right.count, 0, left.values[left.count - 1]);
                right.count++;
                left.count--;
            } else {
                left.keys[left.count] = right.keys[0];
                left.values[left.count] = right.values[0];
                left.count++;
                removeAt(right.keys, right.count, 0);
                removeAt(right.values, right.count, 0);
                right.count--;
            }
            left.dirty = true;
            right.dirty = true;
            parent.keys[li] = right.keys[0];
            return;
        }
        if (left.leaf || right.leaf) {
            throw new CorruptNode(); // a leaf beside an interior node: leaves at two depths
        }
        if (fromLeft) {
            insertAt(right.values, right.count, 0, left.values[left.count - 1]);
            insertAt(right.keys, right.count - 1, 0, parent.keys[li]);
            parent.keys[li] = left.keys[left.count - 2];
            right.count++;
            left.count--;
        } else {
            left.values[left.count] = right.values[0];
            left.keys[left.count - 1] = parent.keys[li];
            left.count++;
            parent.keys[li] = right.keys[0];
            removeAt(right.values, right.count, 0);
            removeAt(right.keys, right.count - 1, 0);
            right.count--;
        }
        left.dirty = true;
        right.dirty = true;
    }

    /** Starts an edit of the tree whose cell, pool and node memory these are. */
    TreeEdit(
            TreeRootCell cell,
            NodePagePool pool,
            NodeMemory memory,
            TracingService tracing,
            TreeImplFlaw flaw,
            List<ViewId> views,
            boolean tracesMappings) {
        this.views = views;
        this.tracesMappings = tracesMappings;
        this.cell = cell;
        this.pool = pool;
        this.memory = memory;
        this.tracing = tracing;
        this.flaw = flaw;
        this.root = cell.basePointer();
        this.levels = cell.height();
        this.mapped = cell.mapped();
        this.poolFirst = memory.poolFirst();
        this.poolSize = memory.poolSize();
        this.poolNodes = poolSize <= INDEXED_POOL ? new Node[poolSize] : null;
        this.poolNodesByPage = poolSize <= INDEXED_POOL ? null : new HashMap<>();
        this.order = memory.order();
        this.min = memory.shape().min();
        this.room = order + 2;
        this.words = new long[memory.nodeWords()];
    }

    /** Sets or withdraws the tree's trace of {@code page} in every view the tree covers. */
    private void setTrace(long page, boolean traced) {
        GuestPhysicalPage p = new GuestPhysicalPage(page);
        for (ViewId view : views) {
            boolean owned = tracing.holds(view, ProtectedPageTree.OWNER, p);
            if (traced && !owned) {
                tracing.addTrace(view, ProtectedPageTree.OWNER, p);
            } else if (!traced && owned) {
                tracing.removeTrace(view, ProtectedPageTree.OWNER, p);
            }
        }
    }
}
