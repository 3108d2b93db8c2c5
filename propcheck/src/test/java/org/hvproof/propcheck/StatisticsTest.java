package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Labels are counted once per try, printed as percentages, and coverage minimums fail the property. */
class StatisticsTest {

    private static Settings quiet(long seed) {
        return Settings.none().withSeed(seed).withQuiet(true).withTries(200);
    }

    @Test
    void labelsCountOncePerTry() {
        PropertyResult r = Property.forAll(Gens.integers(0, 9))
                .named("labels")
                .check((i, ctx) -> {
                    ctx.label("any");
                    ctx.label("any");
                    if (i < 5) {
                        ctx.label("small");
                    }
                    return true;
                })
                .run(quiet(1));
        assertThat(r.labelCounts()).containsEntry("any", 200);
        assertThat(r.labelPercent("small")).isBetween(30.0, 70.0);
        assertThat(r.report()).contains("100.0%  any");
    }

    @Test
    void unmetCoverageMinimumFailsNamingLabelRequiredAndActual() {
        PropertyResult r = Property.forAll(Gens.integers(0, 99))
                .named("rare label")
                .cover(50, "below ten")
                .check((i, ctx) -> {
                    if (i < 10) {
                        ctx.label("below ten");
                    }
                    return true;
                })
                .run(quiet(2));
        assertThat(r.failed()).isTrue();
        assertThat(r.status()).isEqualTo(PropertyResult.Status.FAILED);
        assertThat(r.failedCheck()).isEqualTo("coverage: below ten");
        assertThat(r.failureMessage())
                .contains("\"below ten\"", "required at least 50%")
                .containsPattern("occurred in \\d+\\.\\d% of tries");
        assertThat(r.report()).contains("coverage minimum not met");
    }

    @Test
    void coverageOfALabelThatNeverOccursFails() {
        PropertyResult r = Property.forAll(Gens.integers(0, 9))
                .named("never")
                .cover(1, "impossible")
                .check(i -> true)
                .run(quiet(3));
        assertThat(r.failed()).isTrue();
        assertThat(r.failureMessage()).contains("0.0% of tries (0 of 200)");
    }

    @Test
    void metCoverageMinimumPasses() {
        PropertyResult r = Property.forAll(Gens.integers(0, 99))
                .named("common label")
                .cover(40, "below half")
                .check((i, ctx) -> {
                    if (i < 50) {
                        ctx.label("below half");
                    }
                    return true;
                })
                .run(quiet(4));
        assertThat(r.passed()).isTrue();
        assertThat(r.report()).contains("below half   (required >= 40%)");
    }

    @Test
    void assumptionsDiscardTriesWithoutFailing() {
        PropertyResult r = Property.forAll(Gens.integers(0, 9))
                .named("assume even")
                .check((i, ctx) -> {
                    ctx.assume(i % 2 == 0);
                    return i % 2 == 0;
                })
                .run(quiet(5));
        assertThat(r.passed()).isTrue();
        assertThat(r.tries()).isEqualTo(200);
        PropertyResult never = Property.forAll(Gens.integers(0, 9))
                .named("assume nothing")
                .check((i, ctx) -> {
                    ctx.assume(false);
                    return true;
                })
                .run(quiet(6));
        assertThat(never.status()).isEqualTo(PropertyResult.Status.ERROR);
        assertThat(never.failureMessage()).contains("Too many discarded");
    }
}
