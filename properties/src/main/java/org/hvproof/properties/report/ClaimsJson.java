package org.hvproof.properties.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * claims.json: {@code {"gate": "passes"|"fails", "settings": {seed, tries, solver, alloyTimeoutSeconds,
 * replay, catalogue, specs, claims, millis}, "claims": [{id, mechanism, statement, verdict, alloy: [...],
 * properties: [...]}], "stray": [{spec, command, expect, outcome, asExpected, millis, detail}]}}.
 * {@code verdict} is holds, violated, timeout or unchecked; {@code gate} is the exit code's verdict, so
 * a failed command tagged with no claim ({@code stray}) fails it while every claim holds. {@code tries}
 * and {@code replay} are null when the run used each property's default and replayed nothing.
 */
final class ClaimsJson implements ReportRenderer {

    @Override
    public String render(ClaimsReport report) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("gate", report.gate());
        settings(root.putObject("settings"), report.settings());
        ArrayNode claims = root.putArray("claims");
        for (ClaimResult r : report.results()) {
            ObjectNode c = claims.addObject();
            c.put("id", r.claim().id());
            c.put("mechanism", r.claim().mechanism());
            c.put("statement", r.claim().statement());
            c.put("verdict", r.verdict().word());
            ArrayNode alloy = c.putArray("alloy");
            for (AlloyCheck a : r.alloy()) {
                command(alloy.addObject(), a);
            }
            ArrayNode props = c.putArray("properties");
            for (PropertyCheck p : r.properties()) {
                ObjectNode n = props.addObject();
                n.put("name", p.name());
                n.put("tries", p.tries());
                n.put("steps", p.steps());
                n.put("verdict", p.passed() ? "passed" : "failed");
                n.put("seed", p.seed());
                n.put("replay", p.replay());
                n.put("millis", p.millis());
            }
        }
        ArrayNode stray = root.putArray("stray");
        for (AlloyCheck a : report.stray()) {
            command(stray.addObject(), a).put("detail", a.detail());
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode command(ObjectNode n, AlloyCheck a) {
        n.put("spec", a.spec());
        n.put("command", a.command());
        n.put("expect", a.expect());
        n.put("outcome", a.outcome());
        n.put("asExpected", a.asExpected());
        n.put("millis", a.millis());
        return n;
    }

    private static void settings(ObjectNode n, RunSettings s) {
        n.put("seed", s.seed());
        n.put("tries", s.tries());
        n.put("solver", s.solver());
        n.put("alloyTimeoutSeconds", s.alloyTimeoutSeconds());
        n.put("replay", s.replay());
        n.put("catalogue", s.catalogue());
        s.specs().forEach(n.putArray("specs")::add);
        s.claims().forEach(n.putArray("claims")::add);
        n.put("millis", s.millis());
    }
}
