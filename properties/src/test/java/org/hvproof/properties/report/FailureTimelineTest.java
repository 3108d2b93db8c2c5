package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.tracing.TracingProperties;
import org.junit.jupiter.api.Test;

/**
 * A failed claim property's report shows, under each step of its minimal trace, what the step
 * changed in the state; the whole state only when asked; and the same trace as a timeline for
 * index.html (vCPU, action, observations, diff, state, the violated check at its step, the replay
 * command in the command line's form).
 */
class FailureTimelineTest {
    private static final long SEED = 20261125L;

    private static PropertyResult notifyTwice(Settings extra) {
        return TracingProperties.everyTracedWriteNotifiesOnce(TracingImplFlaw.NOTIFY_TWICE)
                .run(Settings.none()
                        .withSeed(SEED)
                        .withQuiet(true)
                        .withRerun(SuitePropertyBackend.cliRerun(Set.of("TRACE-1"), 42L))
                        .overriddenBy(extra));
    }

    @Test
    void theConsoleReportShowsWhatEachStepChangedAndTheWholeStateOnlyWhenAsked() {
        PropertyResult r = notifyTwice(Settings.none());
        System.out.println(r.report());
        assertThat(r.failed()).isTrue();
        assertThat(r.states()).hasSize(r.failingStep() + 1);
        assertThat(r.report())
                .contains("+ traces {gpp:0x0=[integrity]}", "- traces {}")
                .contains("only the changes above; the whole state with --full-state")
                .contains("./hvproof check --claim TRACE-1 --replay " + r.replayToken())
                .doesNotContain("State after step " + r.failingStep() + ":\n");

        PropertyResult full = notifyTwice(Settings.none().withFullState(true));
        assertThat(full.report())
                .contains("State after step " + full.failingStep() + ":\n")
                .contains("+ traces {gpp:0x0=[integrity]}");
    }

    @Test
    void theTimelineHasOneRowPerStepWithTheViolationAtItsStep() {
        PropertyResult r = notifyTwice(Settings.none());
        FailureTimeline t = FailureTimeline.of(r, "./hvproof check --claim TRACE-1 --replay " + r.replayToken());
        assertThat(t).isNotNull();
        assertThat(t.steps()).hasSize(r.failingStep() + 1);
        assertThat(t.steps().get(0).action()).isEmpty();
        FailureTimeline.Step last = t.steps().get(t.failingStep());
        assertThat(last.action()).startsWith("write vcpu0");
        assertThat(last.vcpu()).isEqualTo("vCPU 0");
        assertThat(last.observations()).contains("notify vcpu0 gpp:0x0");
        assertThat(t.check()).isEqualTo("TRACE-1 oneNotificationPerTracedPage");
        assertThat(t.message()).contains("found 2");
        assertThat(t.steps().stream().flatMap(s -> s.diff().stream()))
                .contains("+ traces {gpp:0x0=[integrity]}")
                .noneMatch(l -> l.startsWith("- observed"));
        assertThat(t.replay()).endsWith(r.replayToken());
    }

    @Test
    void aResultWithoutATraceHasNoTimeline() {
        // Three tries of the real system: no counterexample (a coverage minimum may go unmet).
        PropertyResult r = TracingProperties.everyTracedWriteNotifiesOnce(TracingImplFlaw.NONE)
                .run(Settings.none().withSeed(SEED).withTries(3).withQuiet(true));
        assertThat(r.counterexample()).isEmpty();
        assertThat(r.states()).isEmpty();
        assertThat(FailureTimeline.of(r, null)).isNull();
    }
}
