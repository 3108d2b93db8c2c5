package org.hvproof.properties.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How index.html draws a failure under its claim: a failed property's minimal trace as a step
 * timeline (vCPU, action, observations, what the step changed, the whole state folded, the violated
 * check marked at its step, the replay command), a failed Alloy command's counterexample state by
 * state as a table of its relations (rows) per state (columns), changed cells marked. The engine's
 * console text stays one click away.
 */
final class FailureHtml {
    private FailureHtml() {}

    /** The styles of the timeline and the Alloy state tables. */
    static final String STYLE = "table.timeline,table.alloy{margin:.4em 0}"
            + "table.timeline td,table.alloy td{font-family:ui-monospace,monospace;font-size:12px}"
            + "tr.failing{background:#fce8e6;outline:2px solid #b3261e}.del{color:#b3261e}.add{color:#0b6b2b}"
            + ".violation{color:#b3261e;font-weight:bold}td.changed{background:#fff3c4}"
            + "code{background:#f1f1f1;padding:1px 4px}table.timeline td:nth-child(2){white-space:nowrap}"
            // a failure sits inside its evidence item, which is marked bold red: its tables are plain text
            + "li.bad .failure,li.bad table.alloy,li.bad .failure th,li.bad table.alloy th{color:#202124;"
            + "font-weight:normal}li.bad th{font-weight:bold}li.bad .violation{color:#b3261e;font-weight:bold}"
            + "li.bad .add{color:#0b6b2b}li.bad .del{color:#b3261e}";

    /** A failed property: its timeline when the engine explained the trace, else its console text. */
    static void property(StringBuilder h, PropertyCheck p) {
        FailureTimeline t = p.timeline();
        if (t == null) {
            h.append("<pre>").append(IndexHtml.escape(p.report().strip())).append("</pre>");
            return;
        }
        h.append("<div class=\"failure\"><p class=\"violation\">&#x2717; ")
                .append(IndexHtml.escape(t.check()))
                .append(" violated ")
                .append(t.failingStep() == 0 ? "in the initial state" : "at step " + t.failingStep())
                .append("</p>\n<table class=\"timeline\"><tr><th>step</th><th>vCPU</th><th>action</th>")
                .append("<th>observed</th><th>what the step changed</th></tr>\n");
        for (FailureTimeline.Step s : t.steps()) {
            boolean failing = s.number() == t.failingStep();
            h.append(failing ? "<tr class=\"failing\">" : "<tr>")
                    .append("<td class=\"num\">")
                    .append(s.number())
                    .append("</td><td>")
                    .append(IndexHtml.escape(s.vcpu()))
                    .append("</td><td>")
                    .append(s.number() == 0 ? "<i>initial state</i>" : IndexHtml.escape(s.action()));
            if (failing) {
                h.append("<div class=\"violation\">&#x2717; ")
                        .append(IndexHtml.escape(t.check()))
                        .append(": ")
                        .append(IndexHtml.escape(seen(t)))
                        .append("</div>");
            }
            h.append("</td><td>").append(IndexHtml.escape(s.observations())).append("</td><td>");
            for (String d : s.diff()) {
                String cls = d.startsWith("- ") ? "del" : d.startsWith("+ ") ? "add" : "same";
                h.append("<div class=\"")
                        .append(cls)
                        .append("\">")
                        .append(IndexHtml.escape(d))
                        .append("</div>");
            }
            h.append("<details><summary>whole state</summary><pre>")
                    .append(IndexHtml.escape(s.state()))
                    .append("</pre></details></td></tr>\n");
        }
        h.append("</table>\n<p>Replay: <code class=\"replay\">")
                .append(IndexHtml.escape(t.replay()))
                .append("</code></p>\n<details><summary>console report</summary><pre>")
                .append(IndexHtml.escape(p.report().strip()))
                .append("</pre></details></div>");
    }

    /** What the check saw: its message without the {@code "<check> violated: "} it starts with. */
    static String seen(FailureTimeline t) {
        String prefix = t.check() + " violated: ";
        return t.message().startsWith(prefix) ? t.message().substring(prefix.length()) : t.message();
    }

    /**
     * A failed Alloy command: what went wrong, then its counterexample (or instance) as a table with a
     * row per signature or relation and a column for the static part and one per state, a cell marked
     * where the state changed it. Text that is no rendered solution (a parse error) stays as it is.
     */
    static void alloy(StringBuilder h, AlloyCheck a) {
        AlloyStates states = AlloyStates.parse(a.detail());
        if (states.columns().isEmpty()) {
            h.append("<pre>").append(IndexHtml.escape(a.detail().strip())).append("</pre>");
            return;
        }
        if (!states.preamble().isBlank()) {
            h.append("<p class=\"violation\">")
                    .append(IndexHtml.escape(states.preamble().strip()))
                    .append("</p>");
        }
        h.append("<table class=\"alloy\"><tr><th>relation</th>");
        for (String c : states.columns()) {
            h.append("<th>").append(IndexHtml.escape(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (String row : states.rows()) {
            h.append("<tr><td>").append(IndexHtml.escape(row)).append("</td>");
            String previous = null;
            for (int i = 0; i < states.columns().size(); i++) {
                String v = states.value(i, row);
                boolean changed = i > 0 && states.isState(i) && previous != null && v != null && !v.equals(previous);
                h.append(changed ? "<td class=\"changed\">" : "<td>")
                        .append(v == null ? "" : IndexHtml.escape(v))
                        .append("</td>");
                if (states.isState(i) && v != null) {
                    previous = v;
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>");
    }

    /**
     * A solution as the specs' renderer writes it: a preamble (what went wrong, the trace's length),
     * a {@code static:} section and {@code state i:} sections of {@code name = {tuples}} lines.
     *
     * @param preamble the text before the first section
     * @param columns  the section titles, in order ({@code static}, {@code state 0}, ...)
     * @param cells    per section, each name's value
     */
    record AlloyStates(String preamble, List<String> columns, List<Map<String, String>> cells) {
        static AlloyStates parse(String text) {
            StringBuilder preamble = new StringBuilder();
            List<String> columns = new ArrayList<>();
            List<Map<String, String>> cells = new ArrayList<>();
            for (String line : text.split("\n")) {
                String l = line.strip();
                if (l.equals("static:") || (l.startsWith("state ") && l.endsWith(":"))) {
                    columns.add(l.substring(0, l.length() - 1));
                    cells.add(new LinkedHashMap<>());
                } else if (!columns.isEmpty() && l.contains(" = ")) {
                    int eq = l.indexOf(" = ");
                    cells.get(cells.size() - 1).put(l.substring(0, eq), l.substring(eq + 3));
                } else if (columns.isEmpty()) {
                    preamble.append(line).append('\n');
                }
            }
            return new AlloyStates(preamble.toString(), columns, cells);
        }

        /** Every name of any section, in order of first appearance. */
        List<String> rows() {
            List<String> out = new ArrayList<>();
            for (Map<String, String> c : cells) {
                for (String k : c.keySet()) {
                    if (!out.contains(k)) {
                        out.add(k);
                    }
                }
            }
            return out;
        }

        String value(int column, String row) {
            return cells.get(column).get(row);
        }

        boolean isState(int column) {
            return columns.get(column).startsWith("state ");
        }
    }
}
