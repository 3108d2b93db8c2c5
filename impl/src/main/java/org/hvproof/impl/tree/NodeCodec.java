package org.hvproof.impl.tree;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeNode;

/**
 * The layout of a node in its page, in little-endian 8-byte words, for a tree of order {@code
 * ORDER} ({@link BPlusTree#order}): a full node takes {@link BPlusTree#nodeWords} words, so the
 * page-sized order {@link BPlusTree#PAGE_SIZED} (255) fills 511 of a 4 KiB page's 512.
 *
 * <pre>
 * word 0            header: MAGIC in bits 63..32, kind in bits 15..8 (1 leaf, 2 interior), count in bits 7..0
 * leaf              word 1 + 2i: key i (a guest-physical page number); word 2 + 2i: its entry
 *                   (bit 0: the page stores a node; bits 15..8: the mapping's action request code, 0 = none)
 * interior          words 1 .. count-1: separators; words 1 + ORDER .. ORDER + count: children's pages
 * </pre>
 *
 * A page whose header does not parse decodes to nothing: the walk and the abstraction treat it
 * as "no node here", never as an exception.
 */
final class NodeCodec {
    static final long MAGIC = 0x5452_4545L; // "TREE"
    static final int LEAF = 1;
    static final int INTERIOR = 2;
    static final long NODE_PAGE_BIT = 1L;
    /** Words of a node page: the most a node of any order may occupy. */
    static final int PAGE_WORDS = BPlusTree.PAGE_BYTES / BPlusTree.WORD_BYTES;

    static {
        if (BPlusTree.PAGE_SIZED.nodeWords() > PAGE_WORDS || BPlusTree.MAX_ORDER > 0xff) {
            throw new ExceptionInInitializerError("a page-sized node does not fit its page or its header");
        }
    }

    private NodeCodec() {}

    /** The word of an interior node of order {@code order} where its first child's page is. */
    static int childrenAt(int order) {
        return 1 + order;
    }

    /** Words a node of either kind can occupy in a tree of order {@code order}: the header and 2 * order more. */
    static int words(int order) {
        return 1 + 2 * order;
    }

    static long header(int kind, int count) {
        return (MAGIC << 32) | ((long) kind << 8) | count;
    }

    /** The kind a header names, or 0 when the word is not a valid header of a node of order {@code order}. */
    static int kind(long header, int order) {
        int kind = (int) ((header >>> 8) & 0xff);
        int count = count(header);
        if ((header >>> 32) != MAGIC
                || (kind != LEAF && kind != INTERIOR)
                || count > order
                || (kind == INTERIOR && count < 1)
                || (header & 0xffff_0000L) != 0) {
            return 0;
        }
        return kind;
    }

    static int count(long header) {
        return (int) (header & 0xff);
    }

    static long entryWord(TreeNode.Entry e) {
        Optional<AlertAction> mapping = e.mapping();
        return (e.nodePage() ? NODE_PAGE_BIT : 0)
                | (mapping.isPresent() ? (long) mapping.get().requestCode() << 8 : 0);
    }

    /** Entries by their word's low 16 bits (null: malformed), so decoding allocates none. */
    private static final TreeNode.Entry[] ENTRY_OF_WORD = entriesOfWords();

    private static TreeNode.Entry[] entriesOfWords() {
        TreeNode.Entry[] out = new TreeNode.Entry[1 << 16];
        for (int word = 0; word < out.length; word++) {
            out[word] = parseEntry(word);
        }
        return out;
    }

    /** The entry a word encodes, or null when the word is malformed. */
    static TreeNode.Entry entry(long word) {
        return (word & ~0xffffL) != 0 ? null : ENTRY_OF_WORD[(int) word];
    }

    private static TreeNode.Entry parseEntry(long word) {
        if ((word & ~0xff01L) != 0) {
            return null;
        }
        long code = (word >>> 8) & 0xff;
        Optional<AlertAction> mapping = code == 0 ? Optional.empty() : AlertAction.fromRequestCode(code);
        if (code != 0 && mapping.isEmpty()) {
            return null;
        }
        return new TreeNode.Entry((word & NODE_PAGE_BIT) != 0, mapping);
    }

    /**
     * Writes the words of {@code node} into {@code words[0 .. words(order))}, in page order: every
     * word a node of either kind can use, the unused ones zero, so no stale word of an earlier node
     * survives.
     */
    static void encode(TreeNode node, int order, long[] words) {
        Arrays.fill(words, 0, words(order), 0L);
        if (node instanceof TreeNode.Leaf leaf) {
            words[0] = header(LEAF, leaf.size());
            for (int i = 0; i < leaf.size(); i++) {
                words[1 + 2 * i] = leaf.keys().get(i);
                words[2 + 2 * i] = entryWord(leaf.entries().get(i));
            }
        } else {
            TreeNode.Interior in = (TreeNode.Interior) node;
            words[0] = header(INTERIOR, in.size());
            for (int i = 0; i < in.separators().size(); i++) {
                words[1 + i] = in.separators().get(i);
            }
            for (int i = 0; i < in.size(); i++) {
                words[childrenAt(order) + i] = in.children().get(i);
            }
        }
    }

    /** Decodes the node of order {@code order} in host frame {@code frame}, or null when it holds no valid node. */
    static TreeNode decode(HostMemory memory, long frame, int order) {
        // A node occupies the first words(order) words of its page; the rest of the page is never read.
        Scratch s = SCRATCH.get();
        int words = words(order);
        memory.read(frame << 12, s.bytes, 0, 8 * words);
        for (int i = 0; i < words; i++) {
            s.words[i] = (long) LONG_LE.get(s.bytes, 8 * i);
        }
        return decode(s.words, order);
    }

    /** A node's words, and their bytes: room for a node of any order. */
    private static final class Scratch {
        final long[] words = new long[PAGE_WORDS];
        final byte[] bytes = new byte[8 * PAGE_WORDS];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Little-endian 8-byte words of a byte array, as host memory stores them. */
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Decodes the node of order {@code order} whose words are {@code words} (in page order), or null
     * when they hold no valid node.
     */
    static TreeNode decode(long[] words, int order) {
        long header = words[0];
        int kind = kind(header, order);
        int count = count(header);
        if (kind == LEAF) {
            Long[] keys = new Long[count];
            TreeNode.Entry[] entries = new TreeNode.Entry[count];
            for (int i = 0; i < count; i++) {
                TreeNode.Entry e = entry(words[2 + 2 * i]);
                if (e == null) {
                    return null;
                }
                keys[i] = words[1 + 2 * i];
                entries[i] = e;
            }
            return new TreeNode.Leaf(List.of(keys), List.of(entries));
        }
        if (kind == INTERIOR) {
            Long[] seps = new Long[count - 1];
            Long[] kids = new Long[count];
            for (int i = 0; i < count - 1; i++) {
                seps[i] = words[1 + i];
            }
            for (int i = 0; i < count; i++) {
                kids[i] = words[childrenAt(order) + i];
            }
            return new TreeNode.Interior(List.of(seps), List.of(kids));
        }
        return null;
    }
}
