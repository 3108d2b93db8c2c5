package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeds reproduce runs, replay tokens reproduce the minimal case exactly, settings layer predictably. */
class ReproductionTest {

    private static final Gen<List<Integer>> LISTS = Gens.lists(Gens.integers(-1000, 1000));

    private static ValueProperty<List<Integer>> sumBelow(List<List<Integer>> seen) {
        return Property.forAll(LISTS).named("sum below 1500").check(xs -> {
            seen.add(xs);
            return xs.stream().mapToInt(Integer::intValue).sum() < 1500;
        });
    }

    @Test
    void sameSeedGivesTheSameCases() {
        List<List<Integer>> a = new ArrayList<>();
        List<List<Integer>> b = new ArrayList<>();
        List<List<Integer>> c = new ArrayList<>();
        PropertyResult ra = sumBelow(a).run(Settings.none().withSeed(99).withQuiet(true));
        PropertyResult rb = sumBelow(b).run(Settings.none().withSeed(99).withQuiet(true));
        sumBelow(c).run(Settings.none().withSeed(100).withQuiet(true));
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(ra.report()).isEqualTo(rb.report());
        assertThat(ra.replayToken()).isEqualTo(rb.replayToken());
    }

    @Test
    void replayTokensRoundTripAnyChoiceSequence() {
        long[] choices = {0, 1, 127, 128, 300, Long.MAX_VALUE, 42, 0};
        String token = ReplayToken.encode("p", choices);
        assertThat(token).startsWith("pc1.").matches("[A-Za-z0-9._-]+");
        ReplayToken.Decoded d = ReplayToken.decode(token);
        assertThat(d.choices()).containsExactly(choices);
        assertThat(d.propertyId()).isEqualTo(ReplayToken.propertyId("p"));
        assertThat(ReplayToken.decode(ReplayToken.encode("p", new long[0])).choices())
                .isEmpty();
        assertThatThrownBy(() -> ReplayToken.decode("nonsense")).hasMessageContaining("not a propcheck replay token");
    }

    @Test
    void replayTokenRerunsExactlyTheMinimalCase() {
        List<List<Integer>> seen = new ArrayList<>();
        PropertyResult failed = sumBelow(seen).run(Settings.none().withSeed(5).withQuiet(true));
        assertThat(failed.failed()).isTrue();
        List<List<Integer>> replayed = new ArrayList<>();
        PropertyResult again = sumBelow(replayed)
                .run(Settings.none().withReplay(failed.replayToken()).withQuiet(true));
        assertThat(replayed).hasSize(1);
        assertThat(again.failed()).isTrue();
        assertThat(again.counterexample()).isEqualTo(failed.counterexample());
        assertThat(again.replayToken()).isEqualTo(failed.replayToken());
        assertThat(again.shrinkOutcome()).isEqualTo(ShrinkOutcome.NOT_RUN);
        assertThat(again.report()).contains("Replayed counterexample");
    }

    @Test
    void aFailureTellsHowToRerunInMavenFormByDefaultAndInTheFrontEndsFormWhenGivenOne() {
        PropertyResult maven =
                sumBelow(new ArrayList<>()).run(Settings.none().withSeed(5).withQuiet(true));
        assertThat(maven.report())
                .contains("(rerun the search: -Dpropcheck.seed=5)")
                .contains("(rerun exactly this case: -Dpropcheck.replay=" + maven.replayToken() + ")");

        Rerun cli = new Rerun() {
            @Override
            public String search(long seed) {
                return "tool --seed " + seed;
            }

            @Override
            public String exactly(String token) {
                return "tool --replay " + token;
            }
        };
        PropertyResult front = sumBelow(new ArrayList<>())
                .run(Settings.none().withSeed(5).withQuiet(true).withRerun(cli));
        assertThat(front.report())
                .contains("(rerun the search: tool --seed 5)")
                .contains("(rerun exactly this case: tool --replay " + front.replayToken() + ")")
                .doesNotContain("-Dpropcheck");
    }

    private static int explode(int x) {
        throw new IllegalStateException("exploded at " + x);
    }

    @Test
    void theMinimalCasesExceptionShowsTheCodeUnderTestNotTheEnginesFrames() {
        PropertyResult r = Property.forAll(Gens.integers(0, 1000))
                .named("explodes above 10")
                .check(x -> x <= 10 || explode(x) == 0)
                .run(Settings.none().withSeed(3).withQuiet(true));
        assertThat(r.failed()).isTrue();
        String trace = r.report().substring(r.report().indexOf("Exception of the minimal case:"));
        assertThat(trace)
                .contains("java.lang.IllegalStateException: exploded at 11")
                .contains("at org.hvproof.propcheck.ReproductionTest.explode(")
                .doesNotContain("org.hvproof.propcheck.Engine")
                .doesNotContain("org.junit.")
                .containsPattern("\\(\\d+ frames of the engine, reflection and the runner left out\\)");
    }

    @Test
    void replayTokenGivenAsSystemPropertyOnlyAppliesToItsOwnProperty() {
        PropertyResult failed =
                sumBelow(new ArrayList<>()).run(Settings.none().withSeed(5).withQuiet(true));
        System.setProperty(Settings.REPLAY, failed.replayToken());
        try {
            List<List<Integer>> replayed = new ArrayList<>();
            assertThat(sumBelow(replayed).run(Settings.none().withQuiet(true)).counterexample())
                    .isEqualTo(failed.counterexample());
            assertThat(replayed).hasSize(1);
            PropertyResult other = Property.forAll(Gens.integers(0, 3))
                    .named("another property")
                    .check(i -> true)
                    .run(Settings.none().withSeed(1).withQuiet(true));
            assertThat(other.passed()).isTrue();
            assertThat(other.tries()).isEqualTo(100);
            assertThat(other.report()).contains("belongs to another property");
        } finally {
            System.clearProperty(Settings.REPLAY);
        }
    }

    @Test
    void replayOfAFixedBugPasses() {
        PropertyResult failed =
                sumBelow(new ArrayList<>()).run(Settings.none().withSeed(5).withQuiet(true));
        PropertyResult fixed = Property.forAll(LISTS)
                .named("sum below 1500")
                .check(xs -> true)
                .run(Settings.none().withReplay(failed.replayToken()).withQuiet(true));
        assertThat(fixed.passed()).isTrue();
        assertThat(fixed.report()).contains("no longer reproduces");
    }

    @Test
    void settingsLayerDefaultsThenBuilderThenSystemPropertiesThenRunOverrides() {
        ValueProperty<Integer> p =
                Property.forAll(Gens.integers(0, 3)).named("layers").tries(7).check(i -> true);
        assertThat(p.run(Settings.none().withQuiet(true)).tries()).isEqualTo(7);
        System.setProperty(Settings.TRIES, "11");
        System.setProperty(Settings.SEED, "1234");
        try {
            PropertyResult r = p.run(Settings.none().withQuiet(true));
            assertThat(r.tries()).isEqualTo(11);
            assertThat(r.seed()).isEqualTo(1234);
            PropertyResult cli = p.run(Settings.none().withTries(3).withSeed(77).withQuiet(true));
            assertThat(cli.tries()).isEqualTo(3);
            assertThat(cli.seed()).isEqualTo(77);
        } finally {
            System.clearProperty(Settings.TRIES);
            System.clearProperty(Settings.SEED);
        }
        assertThat(Property.forAll(Gens.integers(0, 3))
                        .named("d")
                        .check(i -> true)
                        .run(Settings.none().withQuiet(true))
                        .tries())
                .isEqualTo(Settings.DEFAULTS.tries());
    }

    @Test
    void randomSeedIsReportedSoTheRunCanBeRepeated() {
        List<List<Integer>> first = new ArrayList<>();
        PropertyResult r = sumBelow(first).run(Settings.none().withQuiet(true));
        List<List<Integer>> second = new ArrayList<>();
        sumBelow(second).run(Settings.none().withSeed(r.seed()).withQuiet(true));
        assertThat(second).isEqualTo(first);
        assertThat(r.report()).contains("Seed:      " + r.seed(), "-Dpropcheck.seed=" + r.seed());
    }
}
