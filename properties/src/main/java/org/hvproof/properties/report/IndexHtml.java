package org.hvproof.properties.report;

/** index.html: the claims table colour-coded by verdict, with the failures folded in below it. */
final class IndexHtml implements ReportRenderer {

    @Override
    public String render(ClaimsReport report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hvproof claims</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}")
                .append(".holds{background:#e6f4ea}.violated{background:#fce8e6}.unchecked{background:#fef7e0}")
                .append("pre{white-space:pre-wrap;font-size:12px;max-width:100em}</style></head><body>\n")
                .append("<h1>hvproof claims</h1>\n<p>")
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
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
