package org.hvproof.properties.report;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.hvproof.properties.Mechanisms;

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
                "%d claims: %d hold, %d violated, %s%d unchecked%s   (%s)%n",
                report.results().size(),
                report.count(ClaimVerdict.HOLDS),
                report.count(ClaimVerdict.VIOLATED),
                report.count(ClaimVerdict.TIMEOUT) == 0 ? "" : report.count(ClaimVerdict.TIMEOUT) + " timed out, ",
                report.count(ClaimVerdict.UNCHECKED),
                report.stray().isEmpty() ? "" : "; " + strayCount(report) + " outside any claim",
                report.settings().summary()));
        out.append(unlinked(report));
        if (!report.settings().shard().whole()) {
            out.append("shard ")
                    .append(report.settings().shard())
                    .append(": a share of the run; ")
                    .append(
                            report.passes()
                                    ? "none of its evidence failed. `hvproof merge` over every shard decides the claims\n"
                                    : "some of its evidence failed (below)\n");
        } else if (report.allHold() && !report.passes()) {
            out.append("every claim holds, but the gate fails: ")
                    .append(strayCount(report))
                    .append(" outside any claim (below)\n");
        }
        String failures = Failures.of(report);
        if (!failures.isEmpty()) {
            out.append('\n').append(failures);
        }
        if (!report.stray().isEmpty()) {
            out.append(failures.isEmpty() ? "\n" : "").append("== failed outside any claim (tagged with none):\n");
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

    /**
     * The line that says which claims are not linked (no spec conformance property accepted their
     * model's traces) and whether that fails them yet; empty when every claim is linked.
     */
    static String unlinked(ClaimsReport report) {
        List<ClaimResult> unlinked =
                report.results().stream().filter(r -> !r.isLinked()).toList();
        if (unlinked.isEmpty()) {
            return "";
        }
        String mechanisms =
                unlinked.stream().map(r -> r.claim().mechanism()).distinct().collect(Collectors.joining(", "));
        List<String> missing = Mechanisms.unlinkedClaims();
        return String.format(
                Locale.ROOT,
                "%d of %d claims not linked (%s): no spec conformance property accepted their model's traces, so"
                        + " their Alloy checks and their properties may describe different things; %s%n",
                unlinked.size(),
                report.results().size(),
                mechanisms,
                missing.isEmpty()
                        ? "HOLDS requires the link, so they are UNCHECKED"
                        : "HOLDS does not require the link until every claim has one (missing: "
                                + String.join(", ", missing) + ")");
    }

    /** {@code 1 failed command} or {@code 3 failed commands}. */
    static String strayCount(ClaimsReport report) {
        int n = report.stray().size();
        return n + (n == 1 ? " failed command" : " failed commands");
    }

    private static String alloyCell(ClaimResult r) {
        if (r.alloy().isEmpty()) {
            return "none";
        }
        long bad =
                r.alloy().stream().filter(a -> !a.asExpected() && !a.timedOut()).count();
        long late = r.alloy().stream().filter(AlloyCheck::timedOut).count();
        long checks =
                r.alloy().stream().filter(a -> a.check() && a.expect() == 0).count();
        String state = bad > 0 ? bad + " FAILED" : late > 0 ? late + " TIMEOUT" : checks == 0 ? "no check" : "ok";
        return String.format(
                Locale.ROOT,
                "%s %d cmd %.1fs%s",
                state,
                r.alloy().size(),
                r.alloyMillis() / 1000.0,
                r.hasMustFailTwin() ? "" : " no twin");
    }

    private static String propertyCell(ClaimResult r) {
        if (r.properties().isEmpty()) {
            return "none";
        }
        long failed = r.properties().stream().filter(p -> !p.passed()).count();
        String state = failed > 0 ? failed + " FAILED" : "ok";
        return String.format(
                Locale.ROOT,
                "%s %d prop %d tries%s",
                state,
                r.properties().size(),
                r.tries(),
                r.isLinked() ? "" : " not linked");
    }
}
