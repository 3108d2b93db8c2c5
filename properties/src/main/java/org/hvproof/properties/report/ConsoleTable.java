package org.hvproof.properties.report;

import java.util.Locale;

/**
 * The console form: one row per claim (Alloy verdict and time, properties with tries, overall
 * verdict), a count line with the run's settings, then what failed and any stray failed command.
 */
final class ConsoleTable implements ReportRenderer {
    private static final String ROW = "%-8s %-11s %-26s %-34s %s%n";
    private static final String RULE = "-".repeat(92) + "\n";

    @Override
    public String render(ClaimsReport report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, ROW, "claim", "mechanism", "alloy", "properties", "verdict"));
        out.append(RULE);
        for (ClaimResult r : report.results()) {
            out.append(String.format(
                    Locale.ROOT,
                    ROW,
                    r.claim().id(),
                    r.claim().mechanism(),
                    alloyCell(r),
                    propertyCell(r),
                    r.verdict().word().toUpperCase(Locale.ROOT)));
        }
        out.append(RULE);
        out.append(String.format(
                Locale.ROOT,
                "%d claims: %d hold, %d violated, %d unchecked   (%s)%n",
                report.results().size(),
                report.count(ClaimVerdict.HOLDS),
                report.count(ClaimVerdict.VIOLATED),
                report.count(ClaimVerdict.UNCHECKED),
                report.settings().summary()));
        String failures = Failures.of(report);
        if (!failures.isEmpty()) {
            out.append('\n').append(failures);
        }
        for (AlloyCheck a : report.stray()) {
            out.append("== ")
                    .append(a.spec())
                    .append(" :: ")
                    .append(a.command())
                    .append(": ")
                    .append(a.outcome())
                    .append(
                            a.detail().isEmpty()
                                    ? ""
                                    : "\n      " + a.detail().strip().replace("\n", "\n      "))
                    .append('\n');
        }
        return out.toString();
    }

    private static String alloyCell(ClaimResult r) {
        if (r.alloy().isEmpty()) {
            return "none";
        }
        long bad = r.alloy().stream().filter(a -> !a.asExpected()).count();
        long checks =
                r.alloy().stream().filter(a -> a.check() && a.expect() == 0).count();
        String state = bad > 0 ? bad + " FAILED" : checks == 0 ? "no check" : "ok";
        return String.format(Locale.ROOT, "%s %d cmd %.1fs", state, r.alloy().size(), r.alloyMillis() / 1000.0);
    }

    private static String propertyCell(ClaimResult r) {
        if (r.properties().isEmpty()) {
            return "none";
        }
        long failed = r.properties().stream().filter(p -> !p.passed()).count();
        String state = failed > 0 ? failed + " FAILED" : "ok";
        return String.format(
                Locale.ROOT, "%s %d prop %d tries", state, r.properties().size(), r.tries());
    }
}
