package org.hvproof.specs;

import java.util.List;

/**
 * Formats outcomes as aligned one-line rows: spec, command, expectation, outcome, scope,
 * solver, milliseconds and a verdict ({@code ok}, {@code MISMATCH}, {@code ERROR}, {@code TIMEOUT}).
 */
public final class OutcomeTable {

    private static final String[] HEADER = {"spec", "command", "expect", "outcome", "scope", "solver", "ms", "verdict"};

    private OutcomeTable() {}

    /** The header, a rule and one row per outcome, columns sized to fit. */
    public static String format(List<CommandOutcome> outcomes) {
        int[] widths = new int[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            widths[c] = HEADER[c].length();
        }
        for (CommandOutcome outcome : outcomes) {
            String[] cells = cells(outcome);
            for (int c = 0; c < cells.length; c++) {
                widths[c] = Math.max(widths[c], cells[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(row(HEADER, widths)).append('\n');
        int total = 0;
        for (int width : widths) {
            total += width + 2;
        }
        out.append("-".repeat(Math.max(total - 2, 0))).append('\n');
        for (CommandOutcome outcome : outcomes) {
            out.append(row(cells(outcome), widths)).append('\n');
        }
        return out.toString();
    }

    /** One outcome as a row with the given column widths (see {@link #format(List)}). */
    public static String line(CommandOutcome outcome) {
        return row(cells(outcome), new int[] {14, 44, 9, 14, 22, 8, 7, 8});
    }

    /** {@code ok}, {@code MISMATCH} (ran, wrong outcome), {@code ERROR} (did not run) or {@code TIMEOUT} (no answer in time). */
    public static String verdict(CommandOutcome outcome) {
        if (outcome.outcome() == Outcome.ERROR || outcome.outcome() == Outcome.TIMEOUT) {
            return outcome.outcome().name();
        }
        return outcome.asExpected() ? "ok" : "MISMATCH";
    }

    private static String[] cells(CommandOutcome o) {
        return new String[] {
            o.spec(),
            o.command(),
            o.expectation(),
            o.outcome().name(),
            o.scope(),
            o.solver(),
            Long.toString(o.millis()),
            verdict(o)
        };
    }

    private static String row(String[] cells, int[] widths) {
        StringBuilder row = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            boolean numeric = c == 6;
            String cell = cells[c];
            String pad = " ".repeat(Math.max(widths[c] - cell.length(), 0));
            row.append(numeric ? pad + cell : cell + (c == cells.length - 1 ? "" : pad));
            if (c < cells.length - 1) {
                row.append("  ");
            }
        }
        return row.toString();
    }
}
