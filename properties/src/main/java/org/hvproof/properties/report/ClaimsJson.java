package org.hvproof.properties.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * claims.json: {@code {"gate": "passes"|"fails"|"partial", "settings": {seed, tries, solver,
 * alloyTimeoutSeconds, replay, catalogue, specs, claims, millis, shard}, "claims": [{id, mechanism,
 * statement, source, line, verdict, mustFailTwin, linked, alloy: [{spec, command, check, expect, outcome, asExpected,
 * millis, claims, detail, location}], properties: [{name, claims, tries, steps, verdict, seed, replay, millis, report,
 * timeline}]}],
 * "stray": [commands as in alloy]}}. {@code verdict} is holds, violated, timeout or unchecked;
 * {@code gate} is the exit code's verdict, so a failed command tagged with no claim ({@code stray})
 * fails it while every claim holds. {@code tries} and {@code replay} are null when the run used each
 * property's default and replayed nothing; {@code shard} is null for a whole run and {@code "I/N"} for
 * a shard, whose gate is {@code partial} unless its own evidence failed. The file holds every field
 * of the report, so {@link #parse} reads it back whole: {@code hvproof merge} joins shards that way.
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
            c.put("source", r.claim().source());
            c.put("line", r.claim().line());
            c.put("verdict", r.verdict().word());
            c.put("mustFailTwin", r.hasMustFailTwin());
            c.put("linked", r.isLinked());
            ArrayNode alloy = c.putArray("alloy");
            for (AlloyCheck a : r.alloy()) {
                command(alloy.addObject(), a);
            }
            ArrayNode props = c.putArray("properties");
            for (PropertyCheck p : r.properties()) {
                ObjectNode n = props.addObject();
                n.put("name", p.name());
                p.claimIds().stream().sorted().forEach(n.putArray("claims")::add);
                n.put("tries", p.tries());
                n.put("steps", p.steps());
                n.put("verdict", p.passed() ? "passed" : "failed");
                n.put("seed", p.seed());
                n.put("replay", p.replay());
                n.put("millis", p.millis());
                n.put("report", p.report());
                TimelineJson.write(n, p.timeline());
            }
        }
        ArrayNode stray = root.putArray("stray");
        for (AlloyCheck a : report.stray()) {
            command(stray.addObject(), a);
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
        n.put("check", a.check());
        n.put("expect", a.expect());
        n.put("outcome", a.outcome());
        n.put("asExpected", a.asExpected());
        n.put("millis", a.millis());
        a.claimIds().stream().sorted().forEach(n.putArray("claims")::add);
        n.put("detail", a.detail());
        n.put("location", a.location());
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
        n.put("shard", s.shard().whole() ? null : s.shard().toString());
    }

    /**
     * Reads a report back from the text {@link #render} wrote.
     *
     * @throws IllegalArgumentException naming the first field that is missing or of the wrong kind
     */
    static ClaimsReport parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a claims report (a JSON object with settings and claims)");
        }
        JsonNode s = field(root, "settings");
        JsonNode shard = field(s, "shard");
        RunSettings settings = new RunSettings(
                field(s, "seed").asLong(),
                field(s, "tries").isNull() ? null : field(s, "tries").asInt(),
                field(s, "solver").asText(),
                field(s, "alloyTimeoutSeconds").asLong(),
                field(s, "replay").isNull() ? null : field(s, "replay").asText(),
                field(s, "catalogue").asText(),
                texts(field(s, "specs")),
                texts(field(s, "claims")),
                field(s, "millis").asLong(),
                shard.isNull() ? Shard.WHOLE : Shard.parse(shard.asText()));
        List<ClaimResult> results = new ArrayList<>();
        for (JsonNode c : field(root, "claims")) {
            CatalogueEntry claim = new CatalogueEntry(
                    field(c, "id").asText(),
                    field(c, "mechanism").asText(),
                    field(c, "statement").asText(),
                    field(c, "source").asText(),
                    field(c, "line").asInt());
            List<AlloyCheck> alloy = new ArrayList<>();
            for (JsonNode a : field(c, "alloy")) {
                alloy.add(command(a));
            }
            List<PropertyCheck> properties = new ArrayList<>();
            for (JsonNode p : field(c, "properties")) {
                properties.add(new PropertyCheck(
                        field(p, "name").asText(),
                        Set.copyOf(texts(field(p, "claims"))),
                        field(p, "tries").asLong(),
                        field(p, "steps").asLong(),
                        "passed".equals(field(p, "verdict").asText()),
                        field(p, "seed").asLong(),
                        field(p, "replay").isNull() ? null : field(p, "replay").asText(),
                        field(p, "millis").asLong(),
                        field(p, "report").asText(),
                        TimelineJson.read(p)));
            }
            results.add(ClaimResult.of(claim, alloy, properties));
        }
        List<AlloyCheck> stray = new ArrayList<>();
        for (JsonNode a : field(root, "stray")) {
            stray.add(command(a));
        }
        return new ClaimsReport(results, settings, stray);
    }

    private static AlloyCheck command(JsonNode a) {
        return new AlloyCheck(
                field(a, "spec").asText(),
                field(a, "command").asText(),
                field(a, "check").asBoolean(),
                field(a, "expect").asInt(),
                field(a, "outcome").asText(),
                field(a, "asExpected").asBoolean(),
                field(a, "millis").asLong(),
                Set.copyOf(texts(field(a, "claims"))),
                field(a, "detail").asText(),
                a.path("location").asText(""));
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new IllegalArgumentException("not a claims report of this hvproof: no field '" + name + "'");
        }
        return v;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
