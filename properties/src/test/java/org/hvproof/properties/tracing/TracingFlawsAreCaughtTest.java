package org.hvproof.properties.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hvproof.impl.tracing.TracingFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deliberately flawed tracing service is caught by the property of the claim it breaks,
 * shrunk to a short trace, and named by the claim's own invariant (not only by refinement).
 */
class TracingFlawsAreCaughtTest {

    static Stream<Arguments> flaws() {
        Function<TracingFlaw, StatefulProperty<TracingTrace>> trace1 = TracingProperties::everyTracedWriteNotifiesOnce;
        Function<TracingFlaw, StatefulProperty<TracingTrace>> trace2 = TracingProperties::untracedWritesAreSilent;
        Function<TracingFlaw, StatefulProperty<TracingTrace>> trace3 =
                TracingProperties::tracesLastUntilTheirLastOwnerRemovesThem;
        return Stream.of(
                Arguments.of(TracingFlaw.NOTIFY_TWICE, "TRACE-1", trace1, "TRACE-1", 4),
                Arguments.of(TracingFlaw.NO_NOTIFY_ON_CROSSING, "TRACE-1", trace1, "TRACE-1", 5),
                Arguments.of(TracingFlaw.OFFSET_FROM_PAGE_START, "TRACE-1", trace1, "TRACE-1", 4),
                Arguments.of(TracingFlaw.NOTIFY_WITHOUT_COMPLETING, "TRACE-1", trace1, "TRACE-1", 4),
                Arguments.of(TracingFlaw.NOTIFY_NEXT_PAGE, "TRACE-2", trace2, "TRACE-2 noNotificationWithoutTrace", 5),
                // A stale trace (write bit left cleared after the last removal) is silent: the service finds no
                // owner to notify and completes the write, so no notification betrays it; the TRACE-3 state
                // invariant sees the cleared write bit with no owner behind it.
                Arguments.of(TracingFlaw.STALE_TRACE_AFTER_REMOVE, "TRACE-3", trace3, "TRACE-3 tracesHaveOwners", 5),
                Arguments.of(TracingFlaw.FORGET_SECOND_OWNER, "TRACE-3", trace3, "TRACE-3", 5),
                Arguments.of(
                        TracingFlaw.RESTORE_ON_FIRST_REMOVE,
                        "TRACE-3",
                        trace3,
                        "TRACE-3 ownersAddAndRemoveOnlyThemselves",
                        6));
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("flaws")
    void aFlawedTracingServiceFailsItsClaimWithAShortTrace(
            TracingFlaw flaw,
            String claim,
            Function<TracingFlaw, StatefulProperty<TracingTrace>> property,
            String failedCheckPrefix,
            int maxActions) {
        PropertyResult r =
                property.apply(flaw).run(Settings.none().withSeed(20261125L).withQuiet(true));

        assertThat(r.failed()).as("the %s property must catch %s", claim, flaw).isTrue();
        assertThat(r.failedCheck()).as("failed check").startsWith(failedCheckPrefix);
        assertThat(r.traceLength())
                .as("shrunk trace of %s:%n%s", flaw, r.report())
                .isLessThanOrEqualTo(maxActions);
        assertThat(r.replayToken()).isNotBlank();
        assertThat(r.report()).contains(r.replayToken(), "seed");
    }
}
