package org.hvproof.properties.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.api.Test;

/**
 * The Java tracing model conforms to tracing.als, and the conformance property is not
 * vacuous: deliberately wrong model steps (written here, not in the model) give runs the spec
 * does not allow.
 */
class TracingSpecConformanceTest {

    @Test
    void modelTracesAreSpecTraces() {
        long start = System.nanoTime();
        PropertyResult r = TracingSpecConformance.modelTracesAreSpecTraces().assertHolds();
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf(
                "%d tries in %d ms, %d ms a try (generation, abstraction, one Alloy solve)%n",
                r.tries(), millis, millis / Math.max(1, r.tries()));
    }

    /** The handler raises every notification twice (the spec wants exactly one per traced page). */
    private static TracingStep notifiesTwice(TracingState s, TracingAction a) {
        TracingStep step = TracingModel.step(s, a);
        List<Observation> doubled = new java.util.ArrayList<>();
        for (Observation o : step.observations()) {
            doubled.add(o);
            if (o instanceof Notification) {
                doubled.add(o);
            }
        }
        return new TracingStep(step.next(), doubled);
    }

    /** A second owner's addTrace is accepted but not recorded: the first owner's removal ends the trace. */
    private static TracingStep forgetsSecondOwner(TracingState s, TracingAction a) {
        if (a instanceof AddTrace t
                && s.isTraced(t.page())
                && !s.ownersOf(t.page()).contains(t.owner())) {
            return new TracingStep(s, List.of());
        }
        return TracingModel.step(s, a);
    }

    /** A crossing write notifies both halves at the offset of the write's first byte in each page. */
    private static TracingStep offsetOfWholeWrite(TracingState s, TracingAction a) {
        TracingStep step = TracingModel.step(s, a);
        List<Observation> out = new java.util.ArrayList<>();
        int first = -1;
        for (Observation o : step.observations()) {
            if (o instanceof Notification n) {
                first = first < 0 ? n.offset() : first;
                out.add(new Notification(n.vcpu(), n.page(), first, n.length()));
            } else {
                out.add(o);
            }
        }
        return new TracingStep(step.next(), out);
    }

    private static PropertyResult runFlawed(
            java.util.function.BiFunction<TracingState, TracingAction, TracingStep> model, String name) {
        return TracingSpecConformance.modelTracesAreSpecTraces(model, name)
                .run(Settings.none().withSeed(20261125L).withQuiet(true).withShrinkBudget(40));
    }

    @Test
    void aModelThatNotifiesTwiceIsCaught() {
        PropertyResult r = runFlawed(TracingSpecConformanceTest::notifiesTwice, "notifies twice");
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("tracing.als allows no behaviour");
        assertThat(r.report()).contains("write", r.replayToken());
    }

    @Test
    void aModelThatForgetsTheSecondOwnerIsCaught() {
        PropertyResult r = runFlawed(TracingSpecConformanceTest::forgetsSecondOwner, "forgets second owner");
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("tracing.als allows no behaviour", "addTrace");
    }

    @Test
    void aModelThatMisplacesCrossingOffsetsIsCaught() {
        PropertyResult r = runFlawed(TracingSpecConformanceTest::offsetOfWholeWrite, "crossing offsets");
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("guestWriteCrossing");
    }
}
