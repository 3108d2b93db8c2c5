package org.hvproof.properties.report;

import java.util.List;

/** A claim's overall verdict: it holds only when its Alloy checks and all its properties hold. */
public enum ClaimVerdict {
    /** Every Alloy command tagged with the claim met its expectation and every property passed. */
    HOLDS,
    /** Some Alloy command missed its expectation or some property failed. */
    VIOLATED,
    /**
     * Nothing failed, but some Alloy command tagged with the claim gave no answer within its time
     * limit: the claim is neither shown to hold nor to fail, and the gate fails.
     */
    TIMEOUT,
    /**
     * No Alloy {@code check}, or no property, speaks for the claim (or, once every mechanism has a
     * spec conformance property, none links the claim's spec to its model): the gate fails too.
     */
    UNCHECKED;

    /** The word used in claims.json and the table. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Decides a claim's verdict. A failure anywhere wins over a timeout, and a timeout over missing
     * evidence, so a violated claim is never reported as merely timed out or unchecked.
     */
    public static ClaimVerdict of(List<AlloyCheck> alloy, List<PropertyCheck> properties) {
        return of(alloy, properties, false);
    }

    /**
     * As {@link #of(List, List)}; with {@code linkRequired}, a claim holds only when also linked
     * ({@link ClaimResult#isLinked}): bounded design check, tested on traces, model traces accepted by
     * the spec. The report requires the link once every mechanism has a spec conformance property.
     */
    public static ClaimVerdict of(List<AlloyCheck> alloy, List<PropertyCheck> properties, boolean linkRequired) {
        boolean anyFailure = alloy.stream().anyMatch(a -> !a.asExpected() && !a.timedOut())
                || properties.stream().anyMatch(p -> !p.passed());
        if (anyFailure) {
            return VIOLATED;
        }
        if (alloy.stream().anyMatch(AlloyCheck::timedOut)) {
            return TIMEOUT;
        }
        boolean hasCheck = alloy.stream().anyMatch(a -> a.check() && a.expect() == 0);
        if (!hasCheck || properties.isEmpty() || linkRequired && !ClaimResult.isLinked(properties)) {
            return UNCHECKED;
        }
        return HOLDS;
    }
}
