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

    /**
     * The calculator as a command: {@code STATE_BYTES BANDWIDTH_BYTES_PER_US LATENCY_US HOLD_UP_US
     * PANIC_US} prints whether the failover fits and by how much; {@code table} prints the budget
     * table for realistic figures. Bad arguments print an error and exit 2, never a stack trace.
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs as {@link #main} would and returns the exit status: 0 fits (or the table), 1 does not fit, 2 bad input. */
    public static int run(String[] args, java.io.PrintStream out) {
        if (args.length == 1 && args[0].equals("table")) {
            out.print(table());
            return 0;
        }
        if (args.length != 5) {
            out.println("usage: STATE_BYTES BANDWIDTH_BYTES_PER_US LATENCY_US HOLD_UP_US PANIC_US | table");
            return 2;
        }
        long[] v = new long[5];
        for (int i = 0; i < 5; i++) {
            try {
                v[i] = Long.parseLong(args[i].strip());
            } catch (NumberFormatException e) {
                out.println("error: not a whole number: " + args[i]);
                return 2;
            }
        }
        FailoverBudget b = calculate(v[0], v[1], v[2], v[3], v[4]);
        out.println(describe(b));
        return !b.valid() ? 2 : b.fits() ? 0 : 1;
    }

    /**
     * The budget for state sizes against 10, 25 and 100 Gb/s links and hold-up times, with a 20 ms
     * panic handler and 50 µs latency: the margin in milliseconds (negative: short), as a Markdown table.
     */
    public static String table() {
        long[] gib = {1, 4, 16, 64};
        long[] gbps = {10, 25, 100};
        long[] holdUpMs = {500, 2_000, 10_000};
        long panic = 20_000;
        long latency = 50;
        StringBuilder sb = new StringBuilder("| state | hold-up |");
        for (long g : gbps) {
            sb.append(' ').append(g).append(" Gb/s |");
        }
        sb.append("\n|---|---|---|---|---|\n");
        for (long size : gib) {
            for (long h : holdUpMs) {
                sb.append("| ").append(size).append(" GiB | ").append(h).append(" ms |");
                for (long g : gbps) {
                    long bandwidth = g * 1000 / 8; // bytes per microsecond
                    FailoverBudget b = calculate(size << 30, bandwidth, latency, h * 1000, panic);
                    sb.append(' ')
                            .append(b.fits() ? "fits, " : "short, ")
                            .append(String.format("%+.1f ms", b.marginMicros() / 1000.0))
                            .append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
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
