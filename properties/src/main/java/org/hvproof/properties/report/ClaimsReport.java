package org.hvproof.properties.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The claims report in its three forms: the table printed at the end of a run, claims.json for
 * machines, and index.html for people reading a CI artifact.
 */
public final class ClaimsReport {
    private final List<ClaimResult> results;
    private final String settings;

    /**
     * @param results  one result per catalogued claim, in catalogue order
     * @param settings a one-line description of the run (seed, tries, solver) shown in every form
     */
    public ClaimsReport(List<ClaimResult> results, String settings) {
        this.results = List.copyOf(results);
        this.settings = settings;
    }

    public List<ClaimResult> results() {
        return results;
    }

    /** True when every claim holds; the main command exits non-zero otherwise. */
    public boolean allHold() {
        return results.stream().allMatch(r -> r.verdict() == ClaimVerdict.HOLDS);
    }

    /** The claims table: claim, Alloy verdict and time, properties with tries, overall verdict. */
    public String table() {
        StringBuilder out = new StringBuilder();
        String format = "%-8s %-11s %-26s %-34s %s%n";
        out.append(String.format(Locale.ROOT, format, "claim", "mechanism", "alloy", "properties", "verdict"));
        out.append("-".repeat(92)).append('\n');
        for (ClaimResult r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    r.claim().id(),
                    r.claim().mechanism(),
                    alloyCell(r),
                    propertyCell(r),
                    r.verdict().word().toUpperCase(Locale.ROOT)));
        }
        long holds =
                results.stream().filter(r -> r.verdict() == ClaimVerdict.HOLDS).count();
        long violated = results.stream()
                .filter(r -> r.verdict() == ClaimVerdict.VIOLATED)
                .count();
        long unchecked = results.stream()
                .filter(r -> r.verdict() == ClaimVerdict.UNCHECKED)
                .count();
        out.append("-".repeat(92)).append('\n');
        out.append(String.format(
                Locale.ROOT,
                "%d claims: %d hold, %d violated, %d unchecked   (%s)%n",
                results.size(),
                holds,
                violated,
                unchecked,
                settings));
        return out.toString();
    }

    /** What went wrong, claim by claim: failed commands with their counterexample, failed properties with their report. */
    public String failures() {
        StringBuilder out = new StringBuilder();
        for (ClaimResult r : results) {
            if (r.verdict() == ClaimVerdict.HOLDS) {
                continue;
            }
            out.append("== ")
                    .append(r.claim().id())
                    .append(' ')
                    .append(r.verdict().word())
                    .append(": ")
                    .append(r.claim().statement())
                    .append('\n');
            if (r.verdict() == ClaimVerdict.UNCHECKED) {
                if (r.alloy().stream().noneMatch(a -> a.check() && a.expect() == 0)) {
                    out.append("   no Alloy check (expect 0) is tagged with ")
                            .append(r.claim().id())
                            .append('\n');
                }
                if (r.properties().isEmpty()) {
                    out.append("   no property carries @Claim(\"")
                            .append(r.claim().id())
                            .append("\")\n");
                }
            }
            for (AlloyCheck a : r.alloy()) {
                if (!a.asExpected()) {
                    out.append("   alloy ")
                            .append(a.spec())
                            .append(" :: ")
                            .append(a.command())
                            .append(": expected ")
                            .append(expectWord(a))
                            .append(", found ")
                            .append(a.outcome())
                            .append('\n')
                            .append(indent(a.detail()))
                            .append('\n');
                }
            }
            for (PropertyCheck p : r.properties()) {
                if (!p.passed()) {
                    out.append("   property ")
                            .append(p.name())
                            .append(" failed\n")
                            .append(indent(p.report()))
                            .append('\n');
                }
            }
        }
        return out.toString();
    }

    /** Writes claims.json and index.html into {@code dir}, creating it. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("claims.json"), json(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("index.html"), html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the claims report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** claims.json: {@code {"claims":[{id, mechanism, statement, verdict, alloy:[...], properties:[...]}]}}. */
    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("settings", settings);
        ArrayNode claims = root.putArray("claims");
        for (ClaimResult r : results) {
            ObjectNode c = claims.addObject();
            c.put("id", r.claim().id());
            c.put("mechanism", r.claim().mechanism());
            c.put("statement", r.claim().statement());
            c.put("verdict", r.verdict().word());
            ArrayNode alloy = c.putArray("alloy");
            for (AlloyCheck a : r.alloy()) {
                ObjectNode n = alloy.addObject();
                n.put("spec", a.spec());
                n.put("command", a.command());
                n.put("expect", a.expect());
                n.put("outcome", a.outcome());
                n.put("asExpected", a.asExpected());
                n.put("millis", a.millis());
            }
            ArrayNode props = c.putArray("properties");
            for (PropertyCheck p : r.properties()) {
                ObjectNode n = props.addObject();
                n.put("name", p.name());
                n.put("tries", p.tries());
                n.put("steps", p.steps());
                n.put("verdict", p.passed() ? "passed" : "failed");
                n.put("seed", p.seed());
                if (p.replay() == null) {
                    n.putNull("replay");
                } else {
                    n.put("replay", p.replay());
                }
                n.put("millis", p.millis());
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** index.html: the same table, colour-coded, with failure details folded under each claim. */
    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hvproof claims</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}")
                .append(".holds{background:#e6f4ea}.violated{background:#fce8e6}.unchecked{background:#fef7e0}")
                .append("pre{white-space:pre-wrap;font-size:12px;max-width:100em}</style></head><body>\n")
                .append("<h1>hvproof claims</h1>\n<p>")
                .append(escape(settings))
                .append("</p>\n")
                .append("<table><tr><th>claim</th><th>mechanism</th><th>statement</th><th>Alloy</th>")
                .append("<th>properties</th><th>verdict</th></tr>\n");
        for (ClaimResult r : results) {
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
        String failures = failures();
        if (!failures.isEmpty()) {
            h.append("<h2>Failures</h2>\n<pre>").append(escape(failures)).append("</pre>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
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

    private static String expectWord(AlloyCheck a) {
        if (a.expect() < 0) {
            return "an 'expect' clause";
        }
        if (a.check()) {
            return a.expect() == 0 ? "no counterexample" : "a counterexample";
        }
        return a.expect() == 1 ? "an instance" : "no instance";
    }

    private static String indent(String text) {
        return text.isEmpty() ? "" : "      " + text.strip().replace("\n", "\n      ");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
