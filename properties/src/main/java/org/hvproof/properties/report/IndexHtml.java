package org.hvproof.properties.report;

/**
 * index.html: the gate's verdict, the claims table colour-coded by verdict, the failures folded in
 * below it, then any failed command tagged with no claim (which fails the gate on its own).
 */
final class IndexHtml implements ReportRenderer {

    @Override
    public String render(ClaimsReport report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hvproof claims</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}")
                .append(".holds{background:#e6f4ea}.violated{background:#fce8e6}.unchecked{background:#fef7e0}")
                .append(".timeout{background:#f3e8fd}.gate{font-weight:bold}")
                .append("pre{white-space:pre-wrap;font-size:12px;max-width:100em}</style></head><body>\n")
                .append("<h1>hvproof claims</h1>\n<p class=\"gate ")
                .append(report.passes() ? "holds" : "violated")
                .append("\">gate: ")
                .append(report.gate())
                .append(gateReason(report))
                .append("</p>\n<p>")
                .append(escape(report.settings().summary()))
                .append("</p>\n")
                .append("<table><tr><th>claim</th><th>mechanism</th><th>statement</th><th>Alloy</th>")
                .append("<th>properties</th><th>verdict</th></tr>\n");
        for (ClaimResult r : report.results()) {
            String cls = r.verdict().word();
            h.append("<tr class=\"")
                    .append(cls)
                    .append("\"><td id=\"")
                    .append(r.claim().id())
                    .append("\">")
                    .append(r.claim().id())
                    .append("</td><td>")
                    .append(r.claim().mechanism())
                    .append("</td><td>")
                    .append(escape(r.claim().statement()))
                    .append("</td><td>");
            for (AlloyCheck a : r.alloy()) {
                h.append(escape(a.spec() + " :: " + a.command() + " — " + a.outcome() + " (expect " + a.expect() + ", "
                                + a.millis() + " ms)"))
                        .append("<br>");
            }
            h.append("</td><td>");
            for (PropertyCheck p : r.properties()) {
                h.append(escape(p.name() + " — " + (p.passed() ? "passed" : "failed") + ", " + p.tries() + " tries, "
                                + p.steps() + " steps, seed " + p.seed()))
                        .append("<br>");
            }
            h.append("</td><td>").append(cls).append("</td></tr>\n");
        }
        h.append("</table>\n");
        String failures = Failures.of(report);
        if (!failures.isEmpty()) {
            h.append("<h2>Failures</h2>\n<pre>").append(escape(failures)).append("</pre>\n");
        }
        if (!report.stray().isEmpty()) {
            h.append("<h2 id=\"stray\">Failed outside any claim</h2>\n")
                    .append("<p>These commands are tagged with no claim; each fails the gate.</p>\n<table>")
                    .append("<tr><th>command</th><th>outcome</th><th>detail</th></tr>\n");
            for (AlloyCheck a : report.stray()) {
                h.append("<tr class=\"violated\"><td>")
                        .append(escape(a.spec() + " :: " + a.command()))
                        .append("</td><td>")
                        .append(escape(a.outcome() + " (expect " + a.expect() + ")"))
                        .append("</td><td><pre>")
                        .append(escape(a.detail().strip()))
                        .append("</pre></td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
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

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
