package org.hvproof.specs;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spellings of a claim id in a spec. A command's name carries its claim: {@code
 * TRACE_1_oneNotificationPerTracedPage} speaks for {@code TRACE-1} ({@link #ofName}). A command
 * of the model's own invariants, {@code model_<name>}, names the claims it supports in a
 * {@code -- Supports TRACE-1, TRACE-2: ...} comment directly above it or above its assert
 * ({@link #supportedAbove}). Both read the comment block directly above a line: the
 * contiguous {@code --} or {@code //} comment lines, or one {@code /* ... *}{@code /} block,
 * ending on the line just above. A blank line or a line of code ends the block, so a comment
 * further up never leaks onto a command below it.
 */
public final class ClaimIds {

    /** A claim id: upper-case letters, a hyphen, digits, as a whole word. */
    public static final Pattern CLAIM_ID = Pattern.compile("\\b[A-Z]+-\\d+\\b");

    /** The claim part of an Alloy name: {@code TRACE_1_} at its start. */
    public static final Pattern NAME_CLAIM = Pattern.compile("^([A-Z]+)_(\\d+)_");

    /** How the names of commands of the model's own invariants begin. */
    public static final String MODEL_PREFIX = "model_";

    /** A {@code Supports} tag: the word, then the ids up to a colon or the end of the line. */
    private static final Pattern SUPPORTS = Pattern.compile("\\bSupports\\b([^:\\n]*)");

    private ClaimIds() {}

    /** The claim an Alloy name spells, {@code TRACE_1_x} giving {@code TRACE-1}; empty for any other name. */
    public static Optional<String> ofName(String name) {
        Matcher m = NAME_CLAIM.matcher(name);
        return m.find() ? Optional.of(m.group(1) + "-" + m.group(2)) : Optional.empty();
    }

    /** The ids of every {@code Supports} tag in {@code text}, in order of first appearance. */
    public static Set<String> supportedIn(String text) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = SUPPORTS.matcher(text);
        while (m.find()) {
            ids.addAll(in(m.group(1)));
        }
        return ids;
    }

    /** The ids of the {@code Supports} tags in the comment block directly above 1-based {@code line}. */
    public static Set<String> supportedAbove(List<String> lines, int line) {
        return supportedIn(commentAbove(lines, line));
    }

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
