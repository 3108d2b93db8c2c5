package org.hvproof.properties.report;

import java.util.Set;

/**
 * One Alloy command's result as the claims report sees it.
 *
 * @param spec      the .als file name
 * @param command   the command's label
 * @param check     true for a {@code check}, false for a {@code run}
 * @param expect    the command's {@code expect} (0 or 1; -1 when missing, which is an error)
 * @param outcome   what the solver found: holds, counterexample, instance, no-instance, error, or
 *                  timeout (no answer within the time limit)
 * @param asExpected whether the outcome matches the expectation
 * @param millis    solving time
 * @param claimIds  the claims the command is tagged with
 * @param detail    the counterexample, instance or error text; empty when there is none
 * @param location  {@code FILE:LINE:COL} of the command in its spec; empty when unknown (read back from
 *                  claims.json, or built by hand)
 */
public record AlloyCheck(
        String spec,
        String command,
        boolean check,
        int expect,
        String outcome,
        boolean asExpected,
        long millis,
        Set<String> claimIds,
        String detail,
        String location) {
    public AlloyCheck {
        claimIds = Set.copyOf(claimIds);
        detail = detail == null ? "" : detail;
        location = location == null ? "" : location;
    }

    /** A result whose place in its spec is not known. */
    public AlloyCheck(
            String spec,
            String command,
            boolean check,
            int expect,
            String outcome,
            boolean asExpected,
            long millis,
            Set<String> claimIds,
            String detail) {
        this(spec, command, check, expect, outcome, asExpected, millis, claimIds, detail, "");
    }

    /** The outcome word of a command that gave no answer within its time limit. */
    public static final String TIMEOUT = "timeout";

    /** True when the solver gave no answer within the time limit: neither holds nor fails. */
    public boolean timedOut() {
        return TIMEOUT.equals(outcome);
    }
}
