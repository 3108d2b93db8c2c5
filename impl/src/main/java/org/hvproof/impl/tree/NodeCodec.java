package org.hvproof.impl.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeNode;

/**
 * The layout of a node in its page, in little-endian 8-byte words.
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
    static final int CHILDREN_AT = 1 + BPlusTree.ORDER;
    static final long NODE_PAGE_BIT = 1L;
    /** Words a node of either kind can occupy: the header and 2 * ORDER more. */
    static final int WORDS = 1 + 2 * BPlusTree.ORDER;

    private NodeCodec() {}

    /** One word to write: index in the page and value. */
    record Word(int index, long value) {}

    static long header(int kind, int count) {
        return (MAGIC << 32) | ((long) kind << 8) | count;
    }

    /** The kind a header names, or 0 when the word is not a valid header. */
    static int kind(long header) {
        int kind = (int) ((header >>> 8) & 0xff);
        int count = count(header);
        if ((header >>> 32) != MAGIC
                || (kind != LEAF && kind != INTERIOR)
                || count > BPlusTree.ORDER
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
        return (e.nodePage() ? NODE_PAGE_BIT : 0)
                | ((long) e.mapping().map(AlertAction::requestCode).orElse(0) << 8);
    }

    /** The entry a word encodes, or null when the word is malformed. */
    static TreeNode.Entry entry(long word) {
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

    /** The words of a node, in page order. */
    static List<Word> encode(TreeNode node) {
        List<Word> out = new ArrayList<>(1 + 2 * BPlusTree.ORDER);
        if (node instanceof TreeNode.Leaf leaf) {
            out.add(new Word(0, header(LEAF, leaf.size())));
            for (int i = 0; i < leaf.size(); i++) {
                out.add(new Word(1 + 2 * i, leaf.keys().get(i)));
                out.add(new Word(2 + 2 * i, entryWord(leaf.entries().get(i))));
            }
        } else {
            TreeNode.Interior in = (TreeNode.Interior) node;
            out.add(new Word(0, header(INTERIOR, in.size())));
            for (int i = 0; i < in.separators().size(); i++) {
                out.add(new Word(1 + i, in.separators().get(i)));
            }
            for (int i = 0; i < in.size(); i++) {
                out.add(new Word(CHILDREN_AT + i, in.children().get(i)));
            }
        }
        return out;
    }

    /** Decodes the node whose words {@code word} reads, or null when the page holds no valid node. */
    static TreeNode decode(LongUnaryOperator word) {
        long header = word.applyAsLong(0);
        int kind = kind(header);
        int count = count(header);
        if (kind == LEAF) {
            List<Long> keys = new ArrayList<>(count);
            List<TreeNode.Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                TreeNode.Entry e = entry(word.applyAsLong(2 + 2 * i));
                if (e == null) {
                    return null;
                }
                keys.add(word.applyAsLong(1 + 2 * i));
                entries.add(e);
            }
            return new TreeNode.Leaf(keys, entries);
        }
        if (kind == INTERIOR) {
            List<Long> seps = new ArrayList<>(count);
            List<Long> kids = new ArrayList<>(count);
            for (int i = 0; i < count - 1; i++) {
                seps.add(word.applyAsLong(1 + i));
            }
            for (int i = 0; i < count; i++) {
                kids.add(word.applyAsLong(CHILDREN_AT + i));
            }
            return new TreeNode.Interior(seps, kids);
        }
        return null;
    }
}
