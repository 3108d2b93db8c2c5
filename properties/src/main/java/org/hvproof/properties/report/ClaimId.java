package org.hvproof.properties.report;

import java.util.Map;
import java.util.regex.Pattern;

/** Claim ids ({@code TRACE-1}, {@code GI-7}) and the mechanism each prefix belongs to. */
public final class ClaimId {
    /** The shape of a claim id: an upper-case group name, a dash, a number. */
    public static final Pattern PATTERN = Pattern.compile("\\b([A-Z]+)-(\\d+)\\b");

    private static final Map<String, String> MECHANISM_BY_GROUP = Map.of(
            "TRACE", "tracing",
            "TREE", "tree",
            "GI", "integrity",
            "PD", "domains",
            "INT", "interrupts",
            "MIG", "migration",
            "FT", "failover");

    private ClaimId() {}

    /** True when {@code text} is exactly one claim id. */
    public static boolean isClaimId(String text) {
        return PATTERN.matcher(text).matches();
    }

    /** The group of an id: {@code TRACE} for {@code TRACE-1}. */
    public static String group(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? id : id.substring(0, dash);
    }

    /** The mechanism's short name for an id, or {@code "unknown"} for a group hvproof does not know. */
    public static String mechanism(String id) {
        return MECHANISM_BY_GROUP.getOrDefault(group(id), "unknown");
    }

    /**
     * True when {@code selector} selects {@code id}: the exact id, or its group as a prefix
     * ({@code TRACE} selects every {@code TRACE-n}; {@code TRACE-1} does not select {@code TRACE-10}).
     */
    public static boolean selects(String selector, String id) {
        String s = selector.trim().toUpperCase(java.util.Locale.ROOT);
        return id.equals(s) || group(id).equals(s) || (s.endsWith("-") && id.startsWith(s));
    }

    /** Orders ids by group, then numerically ({@code TRACE-2} before {@code TRACE-10}). */
    public static int compare(String a, String b) {
        int byGroup = group(a).compareTo(group(b));
        if (byGroup != 0) {
            return byGroup;
        }
        return Integer.compare(number(a), number(b));
    }

    private static int number(String id) {
        try {
            return Integer.parseInt(id.substring(id.indexOf('-') + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Integer.MAX_VALUE;
        }
    }
}
