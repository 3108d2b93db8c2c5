package org.hvproof.model.failover;

/**
 * Whether a failover fits the battery (FT-4), and by how much: the time it needs from the failure
 * to the signal ({@code requiredMicros}: the panic handler's time, the checkpoint's bytes over the
 * bandwidth, the last chunk's flight and its acknowledgement's flight), the hold-up time left over
 * ({@code marginMicros}, negative when short) and the bytes that margin carries at the bandwidth
 * ({@code marginBytes}: how much larger the state could be, or how much too large it is). A
 * budget of bad figures carries its {@code error} code and no verdict ({@link #valid()} is false).
 */
public record FailoverBudget(
        FailoverCode error, boolean fits, long requiredMicros, long marginMicros, long marginBytes) {

    /** The budget as the claim states it (the model's formula); figures already checked. */
    public static FailoverBudget spec(long stateBytes, long bandwidth, long latency, long holdUp, long panic) {
        long transfer = (stateBytes + bandwidth - 1) / bandwidth;
        long required = panic + transfer + 2 * latency;
        long margin = holdUp - required;
        return new FailoverBudget(null, margin >= 0, required, margin, margin * bandwidth);
    }

    /** A refusal: bad figures, no verdict. */
    public static FailoverBudget refused(FailoverCode error) {
        return new FailoverBudget(error, false, 0, 0, 0);
    }

    /** Whether the figures were good (no error). */
    public boolean valid() {
        return error == null;
    }

    @Override
    public String toString() {
        return !valid()
                ? "budget refused: " + error
                : "budget " + (fits ? "fits" : "does not fit") + ": needs " + requiredMicros + " us, margin "
                        + marginMicros + " us (" + marginBytes + " bytes)";
    }
}
