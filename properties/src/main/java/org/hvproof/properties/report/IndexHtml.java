package org.hvproof.properties.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * index.html, one self-contained file (no script, no network): the gate's verdict and a summary
 * (claims holding, violated, timed out, unchecked; per mechanism; seed, tries, solver, run time),
 * then one row per claim with its evidence folded ({@code <details>}), unfolded for a claim that
 * does not hold; each failed command or property shows its counterexample or shrunk trace under
 * its claim. Failed commands tagged with no claim (each fails the gate) come last. Each claim links to
 * its row in CLAIMS.md and each Alloy command to its line in its spec, relative to where the file is
 * written.
 */
final class IndexHtml implements ReportRenderer {

    /** Where the file is written (links are relative to it), or null: links relative to the project root. */
    private final Path reportDir;
    /** The project root the report's paths are relative to, or null (the working directory). */
    private final Path home;

    IndexHtml(Path reportDir, Path home) {
        this.reportDir = reportDir == null ? null : reportDir.toAbsolutePath().normalize();
        this.home = (home == null ? Path.of("") : home).toAbsolutePath().normalize();
    }

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;max-width:110em}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;"
            + "text-align:left}.holds{background:#e6f4ea}.violated{background:#fce8e6}"
            + ".unchecked{background:#fef7e0}.timeout{background:#f3e8fd}.gate{font-weight:bold;font-size:120%}"
            + "summary{cursor:pointer}ul{margin:.3em 0;padding-left:1.2em}.bad{color:#b3261e;font-weight:bold}"
            + "pre{white-space:pre-wrap;font-size:12px;background:#f8f8f8;padding:.5em;border:1px solid #ddd}"
            + ".num{text-align:right}" + FailureHtml.STYLE;

    @Override
    public String render(ClaimsReport report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hvproof claims: ")
                .append(report.gate())
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style></head><body>\n<h1>hvproof claims</h1>\n<p class=\"gate ")
                .append(report.passes() ? "holds" : "violated")
                .append("\">gate: ")
                .append(report.gate())
                .append(gateReason(report))
                .append("</p>\n");
        summary(h, report);
        h.append("<h2>Claims</h2>\n<table><tr><th>claim</th><th>mechanism</th><th>statement</th>")
                .append("<th>evidence</th><th>verdict</th></tr>\n");
        for (ClaimResult r : report.results()) {
            claimRow(h, r, report.settings().catalogue());
        }
        h.append("</table>\n");
        if (!report.stray().isEmpty()) {
            h.append("<h2 id=\"stray\">Failed outside any claim</h2>\n")
                    .append("<p>These commands are tagged with no claim; each fails the gate.</p>\n<table>")
                    .append("<tr><th>command</th><th>outcome</th><th>detail</th></tr>\n");
            for (AlloyCheck a : report.stray()) {
                h.append("<tr class=\"violated\"><td>")
                        .append(escape(a.spec() + " :: " + a.command()))
                        .append("</td><td>")
                        .append(escape(a.outcome() + " (expect " + a.expect() + ")"))
                        .append("</td><td>");
                FailureHtml.alloy(h, a);
                h.append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The counts by verdict, the same per mechanism, and the run's settings. */
    private static void summary(StringBuilder h, ClaimsReport report) {
        h.append("<p id=\"summary\">")
                .append(report.results().size())
                .append(" claims: ")
                .append(counts(report.results()))
                .append(". ")
                .append(escape(report.settings().summary()))
                .append("</p>\n<table><tr><th>mechanism</th><th>claims</th><th>hold</th><th>violated</th>")
                .append("<th>timeout</th><th>unchecked</th><th>Alloy commands</th><th>property tries</th></tr>\n");
        Map<String, List<ClaimResult>> byMechanism = new LinkedHashMap<>();
        for (ClaimResult r : report.results()) {
            byMechanism
                    .computeIfAbsent(r.claim().mechanism(), k -> new ArrayList<>())
                    .add(r);
        }
        byMechanism.forEach((mechanism, results) -> {
            boolean allHold = results.stream().allMatch(r -> r.verdict() == ClaimVerdict.HOLDS);
            h.append("<tr class=\"")
                    .append(allHold ? "holds" : "violated")
                    .append("\"><td>")
                    .append(escape(mechanism))
                    .append("</td><td class=\"num\">")
                    .append(results.size());
            for (ClaimVerdict v :
                    List.of(ClaimVerdict.HOLDS, ClaimVerdict.VIOLATED, ClaimVerdict.TIMEOUT, ClaimVerdict.UNCHECKED)) {
                h.append("</td><td class=\"num\">")
                        .append(results.stream().filter(r -> r.verdict() == v).count());
            }
            h.append("</td><td class=\"num\">")
                    .append(results.stream().mapToInt(r -> r.alloy().size()).sum())
                    .append("</td><td class=\"num\">")
                    .append(results.stream().mapToLong(ClaimResult::tries).sum())
                    .append("</td></tr>\n");
        });
        h.append("</table>\n");
    }

    private static String counts(List<ClaimResult> results) {
        StringBuilder s = new StringBuilder();
        for (ClaimVerdict v : ClaimVerdict.values()) {
            long n = results.stream().filter(r -> r.verdict() == v).count();
            if (n > 0 || v == ClaimVerdict.HOLDS || v == ClaimVerdict.VIOLATED) {
                s.append(s.isEmpty() ? "" : ", ")
                        .append(n)
                        .append(' ')
                        .append(v == ClaimVerdict.HOLDS ? "hold" : v.word());
            }
        }
        return s.toString();
    }

    private void claimRow(StringBuilder h, ClaimResult r, String catalogue) {
        String cls = r.verdict().word();
        boolean holds = r.verdict() == ClaimVerdict.HOLDS;
        long alloyOk = r.alloy().stream().filter(AlloyCheck::asExpected).count();
        long propsOk = r.properties().stream().filter(PropertyCheck::passed).count();
        h.append("<tr class=\"")
                .append(cls)
                .append("\" id=\"")
                .append(escape(r.claim().id()))
                .append("\"><td><a href=\"#")
                .append(escape(r.claim().id()))
                .append("\">")
                .append(escape(r.claim().id()))
                .append("</a></td><td>")
                .append(escape(r.claim().mechanism()))
                .append("</td><td>")
                .append(escape(r.claim().statement()))
                .append("<br><small>")
                .append(escape(r.claim().source()))
                .append(" &middot; ")
                .append(link(catalogue, r.claim().line(), "catalogue"))
                .append(specLinks(r))
                .append("</small></td><td><details")
                .append(holds ? "" : " open")
                .append("><summary>Alloy ")
                .append(alloyOk)
                .append('/')
                .append(r.alloy().size())
                .append(" as expected")
                .append(r.alloy().isEmpty() || r.hasMustFailTwin() ? "" : " (no must-fail twin)")
                .append(", properties ")
                .append(propsOk)
                .append('/')
                .append(r.properties().size())
                .append(" passed")
                .append(r.isLinked() ? "" : " (not linked to its model)")
                .append("</summary>\n<ul>");
        if (r.alloy().isEmpty() && r.properties().isEmpty()) {
            h.append("<li class=\"bad\">no evidence: no Alloy command or property names ")
                    .append(escape(r.claim().id()))
                    .append("</li>");
        }
        for (AlloyCheck a : r.alloy()) {
            boolean bad = !a.asExpected();
            h.append(bad ? "<li class=\"bad\">" : "<li>")
                    .append(escape(a.spec() + " :: " + a.command() + " (" + (a.check() ? "check" : "run") + ", expect "
                            + a.expect() + "): " + a.outcome() + ", " + a.millis() + " ms"));
            if (!a.location().isEmpty()) {
                h.append(" ").append(link(a.location()));
            }
            if (bad && !a.detail().isBlank()) {
                FailureHtml.alloy(h, a);
            }
            h.append("</li>\n");
        }
        for (PropertyCheck p : r.properties()) {
            h.append(p.passed() ? "<li>" : "<li class=\"bad\">")
                    .append(escape(p.name() + ": " + (p.passed() ? "passed" : "FAILED") + ", " + p.tries() + " tries, "
                            + p.steps() + " steps, seed " + p.seed() + ", " + p.millis() + " ms"));
            if (!p.passed()) {
                FailureHtml.property(h, p);
            }
            h.append("</li>\n");
        }
        h.append("</ul></details></td><td>").append(cls).append("</td></tr>\n");
    }

    /** Why the gate fails, when it does: the claims that do not hold, the commands outside any claim. */
    private static String gateReason(ClaimsReport report) {
        if (!report.settings().shard().whole() && report.passes()) {
            return " (shard " + report.settings().shard()
                    + ": none of its evidence failed; merge every shard for the verdict)";
        }
        if (report.passes()) {
            return " (every claim holds)";
        }
        long notHolding = report.results().size() - report.count(ClaimVerdict.HOLDS);
        String stray = report.stray().isEmpty()
                ? ""
                : ConsoleTable.strayCount(report) + " outside any claim (<a href=\"#stray\">below</a>)";
        return " (" + (notHolding == 0 ? "" : notHolding + " claim(s) do not hold" + (stray.isEmpty() ? "" : "; "))
                + stray + ")";
    }

    /** A link to {@code file:line:col} (as Alloy locations read), shown as {@code file:line}. */
    private String link(String location) {
        String[] parts = location.split(":");
        if (parts.length >= 2 && parts[parts.length - 1].matches("\\d+") && parts[parts.length - 2].matches("\\d+")) {
            String file = String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2));
            return link(file, Integer.parseInt(parts[parts.length - 2]), "spec");
        }
        return escape(location);
    }

    /** A link to line {@code line} of {@code file} (relative to the project root), shown as {@code name:line}. */
    private String link(String file, int line, String cls) {
        Path target = home.resolve(file).normalize();
        String href = reportDir == null
                ? home.relativize(target).toString()
                : reportDir.relativize(target).toString();
        String shown = (target.startsWith(home) ? home.relativize(target) : target.getFileName()) + ":" + line;
        return "<a class=\"" + cls + "\" href=\"" + escape(href.replace('\\', '/') + "#L" + line) + "\">"
                + escape(shown) + "</a>";
    }

    /** The spec lines of the claim's Alloy checks (expect 0), for the statement cell. */
    private String specLinks(ClaimResult r) {
        StringBuilder out = new StringBuilder();
        for (AlloyCheck a : r.alloy()) {
            if (a.check() && a.expect() == 0 && !a.location().isEmpty()) {
                out.append(" &middot; ").append(link(a.location()));
            }
        }
        return out.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
