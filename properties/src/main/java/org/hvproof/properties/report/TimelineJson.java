package org.hvproof.properties.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A failed property's {@link FailureTimeline} in claims.json ({@code "timeline": {failingStep, check,
 * message, replay, steps: [{number, vcpu, action, observations, diff: [...], state}]}}), so the
 * index.html of merged shards draws the same timeline as a whole run's. Optional on reading: a report
 * written without it reads back with none.
 */
final class TimelineJson {
    private TimelineJson() {}

    /** Puts {@code t} under {@code "timeline"} in {@code n} (nothing when null). */
    static void write(ObjectNode n, FailureTimeline t) {
        if (t == null) {
            return;
        }
        ObjectNode o = n.putObject("timeline");
        o.put("failingStep", t.failingStep());
        o.put("check", t.check());
        o.put("message", t.message());
        o.put("replay", t.replay());
        ArrayNode steps = o.putArray("steps");
        for (FailureTimeline.Step s : t.steps()) {
            ObjectNode so = steps.addObject();
            so.put("number", s.number());
            so.put("vcpu", s.vcpu());
            so.put("action", s.action());
            so.put("observations", s.observations());
            s.diff().forEach(so.putArray("diff")::add);
            so.put("state", s.state());
        }
    }

    /** The timeline under {@code "timeline"} in {@code n}, or null when there is none. */
    static FailureTimeline read(JsonNode n) {
        JsonNode o = n.get("timeline");
        if (o == null || o.isNull()) {
            return null;
        }
        List<FailureTimeline.Step> steps = new ArrayList<>();
        for (JsonNode s : o.path("steps")) {
            List<String> diff = new ArrayList<>();
            s.path("diff").forEach(d -> diff.add(d.asText()));
            steps.add(new FailureTimeline.Step(
                    s.path("number").asInt(),
                    s.path("vcpu").asText(),
                    s.path("action").asText(),
                    s.path("observations").asText(),
                    diff,
                    s.path("state").asText()));
        }
        return new FailureTimeline(
                steps,
                o.path("failingStep").asInt(),
                o.path("check").asText(),
                o.path("message").asText(),
                o.path("replay").asText());
    }
}
