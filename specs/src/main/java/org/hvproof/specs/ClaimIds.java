package org.hvproof.specs;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads claim ids ({@code TRACE-1}, {@code TREE-2}, ...) from the comment block directly
 * above a line of a spec: the contiguous {@code --} or {@code //} comment lines, or one
 * {@code /* ... *}{@code /} block, ending on the line just above. A blank line or a line of
 * code ends the block, so a comment further up never leaks onto a command below it.
 */
public final class ClaimIds {

    /** A claim id: upper-case letters, a hyphen, digits, as a whole word. */
    public static final Pattern CLAIM_ID = Pattern.compile("\\b[A-Z]+-\\d+\\b");

    private ClaimIds() {}

    /** Every claim id in {@code text}, in order of first appearance. */
    public static Set<String> in(String text) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = CLAIM_ID.matcher(text);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    /** Claim ids in the comment block directly above 1-based {@code line} of {@code lines}. */
    public static Set<String> above(List<String> lines, int line) {
        return in(commentAbove(lines, line));
    }

    /** The comment block directly above 1-based {@code line}, joined by newlines; empty if none. */
    static String commentAbove(List<String> lines, int line) {
        StringBuilder block = new StringBuilder();
        int i = Math.min(line - 2, lines.size() - 1);
        while (i >= 0) {
            String text = lines.get(i).strip();
            if (text.startsWith("--") || text.startsWith("//")) {
                block.insert(0, text + "\n");
                i--;
            } else if (text.endsWith("*/")) {
                int start = i;
                while (start >= 0 && !lines.get(start).contains("/*")) {
                    start--;
                }
                if (start < 0) {
                    break;
                }
                for (int j = i; j >= start; j--) {
                    block.insert(0, lines.get(j).strip() + "\n");
                }
                i = start - 1;
            } else {
                break;
            }
        }
        return block.toString();
    }
}
