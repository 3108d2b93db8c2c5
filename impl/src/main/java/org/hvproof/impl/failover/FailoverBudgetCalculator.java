package org.hvproof.impl.failover;

import org.hvproof.model.failover.FailoverBudget;
import org.hvproof.model.failover.FailoverCode;

/**
 * The budget calculator (FT-4): given the checkpoint's size, the link's bandwidth and latency,
 * the battery's hold-up time and the panic handler's time, whether a failover fits and by how
 * much. The failover takes the panic handler's time, then the checkpoint's serialisation
 * (rounded up to whole microseconds), then the last chunk's flight and its acknowledgement's
 * flight back; the margin is what the hold-up time leaves over, in microseconds and in the bytes
 * the link carries in that time. Bad figures give a budget carrying an error code, never an
 * exception.
 */
public final class FailoverBudgetCalculator {
    /** Largest state this calculator accepts: 1 PiB. */
    public static final long MAX_STATE_BYTES = 1L << 50;
    /** Largest bandwidth (bytes per microsecond) and times (microseconds) accepted, as the model's limits. */
    public static final long MAX_BANDWIDTH = 10_000_000L;

    public static final long MAX_MICROS = 100_000_000_000L;

    private FailoverBudgetCalculator() {}

    /** The budget of the figures; an error code for any that is zero, negative or absurd. */
    public static FailoverBudget calculate(long stateBytes, long bandwidth, long latency, long holdUp, long panic) {
        if (stateBytes <= 0 || stateBytes > MAX_STATE_BYTES) {
            return FailoverBudget.refused(FailoverCode.BAD_SIZE);
        }
        if (bandwidth <= 0 || bandwidth > MAX_BANDWIDTH) {
            return FailoverBudget.refused(FailoverCode.BAD_BANDWIDTH);
        }
        if (latency < 0 || latency > MAX_MICROS || panic < 0 || panic > MAX_MICROS) {
            return FailoverBudget.refused(FailoverCode.BAD_TIME);
        }
        if (holdUp <= 0 || holdUp > MAX_MICROS) {
            return FailoverBudget.refused(FailoverCode.BAD_HOLD_UP);
        }
        long serialise = stateBytes / bandwidth + (stateBytes % bandwidth == 0 ? 0 : 1);
        long required = panic + serialise + latency + latency;
        long margin = holdUp - required;
        return new FailoverBudget(null, margin >= 0, required, margin, Math.multiplyExact(margin, bandwidth));
    }

    /** The budget as the hosts compute it with {@code flaw}. */
    static FailoverBudget calculate(
            long stateBytes, long bandwidth, long latency, long holdUp, long panic, FailoverImplFlaw flaw) {
        // BUDGET_IGNORES_PANIC_TIME: the panic handler's time is left out.
        return calculate(
                stateBytes, bandwidth, latency, holdUp, flaw == FailoverImplFlaw.BUDGET_IGNORES_PANIC_TIME ? 0 : panic);
    }

    /** A one-line report of a budget: fits or not, by how much; or the error. */
    public static String describe(FailoverBudget b) {
        if (!b.valid()) {
            return "error " + b.error();
        }
        return (b.fits() ? "fits" : "does not fit") + ": needs " + b.requiredMicros() + " µs, margin "
                + b.marginMicros() + " µs (" + b.marginBytes() + " bytes)";
    }
}
