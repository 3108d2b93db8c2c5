package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClaimVerdictTest {
    private static AlloyCheck check(boolean asExpected) {
        return new AlloyCheck(
                "t.als",
                "TRACE_1",
                true,
                0,
                asExpected ? "holds" : "counterexample",
                asExpected,
                10,
                Set.of("TRACE-1"),
                "");
    }

    private static AlloyCheck run() {
        return new AlloyCheck("t.als", "showWrite", false, 1, "instance", true, 10, Set.of("TRACE-1"), "");
    }

    private static PropertyCheck property(boolean passed) {
        return new PropertyCheck("p", Set.of("TRACE-1"), 1000, 20000, passed, 7, passed ? null : "tok", 5, "");
    }

    @Test
    void holdsWithAPassingCheckAndAPassingProperty() {
        assertThat(ClaimVerdict.of(List.of(check(true), run()), List.of(property(true))))
                .isEqualTo(ClaimVerdict.HOLDS);
    }

    @Test
    void aRunAloneIsNotACheck() {
        assertThat(ClaimVerdict.of(List.of(run()), List.of(property(true)))).isEqualTo(ClaimVerdict.UNCHECKED);
    }

    @Test
    void noPropertyMeansUnchecked() {
        assertThat(ClaimVerdict.of(List.of(check(true)), List.of())).isEqualTo(ClaimVerdict.UNCHECKED);
    }

    @Test
    void aFailureWinsOverMissingEvidence() {
        assertThat(ClaimVerdict.of(List.of(check(false)), List.of())).isEqualTo(ClaimVerdict.VIOLATED);
        assertThat(ClaimVerdict.of(List.of(), List.of(property(false)))).isEqualTo(ClaimVerdict.VIOLATED);
    }

    @Test
    void aCommandWithWrongExpectationViolatesItsClaim() {
        AlloyCheck wrongRun =
                new AlloyCheck("t.als", "showWrite", false, 1, "no instance", false, 10, Set.of("TRACE-1"), "");
        assertThat(ClaimVerdict.of(List.of(check(true), wrongRun), List.of(property(true))))
                .isEqualTo(ClaimVerdict.VIOLATED);
    }

    @Test
    void resultsJoinOnlyTheEvidenceThatNamesTheClaim() {
        CatalogueEntry trace2 = new CatalogueEntry("TRACE-2", "tracing", "s", "src", 1);
        ClaimResult r = ClaimResult.of(trace2, List.of(check(true)), List.of(property(true)));
        assertThat(r.alloy()).isEmpty();
        assertThat(r.properties()).isEmpty();
        assertThat(r.verdict()).isEqualTo(ClaimVerdict.UNCHECKED);
    }

    private static AlloyCheck timedOut() {
        return new AlloyCheck(
                "t.als", "TRACE_1_hard", true, 0, AlloyCheck.TIMEOUT, false, 600_000, Set.of("TRACE-1"), "");
    }

    @Test
    void aTimeoutIsItsOwnVerdictBelowAFailureAndAboveMissingEvidence() {
        assertThat(ClaimVerdict.of(List.of(check(true), timedOut()), List.of(property(true))))
                .isEqualTo(ClaimVerdict.TIMEOUT);
        assertThat(ClaimVerdict.of(List.of(timedOut()), List.of())).isEqualTo(ClaimVerdict.TIMEOUT);
        assertThat(ClaimVerdict.of(List.of(timedOut(), check(false)), List.of(property(true))))
                .isEqualTo(ClaimVerdict.VIOLATED);
        assertThat(ClaimVerdict.of(List.of(timedOut()), List.of(property(false))))
                .isEqualTo(ClaimVerdict.VIOLATED);
        assertThat(ClaimVerdict.TIMEOUT.word()).isEqualTo("timeout");
    }

    @Test
    void onceLinksAreRequiredAClaimWithoutOneIsUncheckedAndWithOneHolds() {
        PropertyCheck conformance = new PropertyCheck(
                "TRACE-1..3 model traces are tracing.als traces", Set.of("TRACE-1"), 200, 1400, true, 7, null, 9, "");
        assertThat(ClaimVerdict.of(List.of(check(true)), List.of(property(true)), true))
                .isEqualTo(ClaimVerdict.UNCHECKED);
        assertThat(ClaimVerdict.of(List.of(check(true)), List.of(property(true), conformance), true))
                .isEqualTo(ClaimVerdict.HOLDS);
        assertThat(ClaimVerdict.of(List.of(check(true)), List.of(property(true)), false))
                .isEqualTo(ClaimVerdict.HOLDS);
    }
}
