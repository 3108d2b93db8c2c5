package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lint on fixtures: each fixture under {@code fixtures/lint} marks every line that breaks a
 * rule with {@code breaks: <rule-id>, ...}, and the lint must report exactly those, no more.
 */
class SpecLintTest {

    private static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures");
    private static final Pattern MARK = Pattern.compile("breaks: ([a-z-]+(?:, [a-z-]+)*)");

    private final AlloyRunner runner = new AlloyRunner("sat4j", RunListener.NONE);
    private final SpecLint lint = new SpecLint(Set.of("NOTIFY_TWICE"));

    private List<SpecLint.Violation> lint(Path spec) {
        return lint.lint(runner.plan(List.of(spec)));
    }

    /** {@code LINE rule-id} for each mark in the fixture, in line order. */
    private static List<String> marked(Path spec) throws Exception {
        List<String> lines = Files.readAllLines(spec, StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARK.matcher(lines.get(i));
            if (m.find()) {
                for (String rule : m.group(1).split(", ")) {
                    expected.add((i + 1) + " " + rule);
                }
            }
        }
        return expected;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "no-header.als",
                "thin-header.als",
                "names.als",
                "expect.als",
                "negative.als",
                "tags.als",
                "induction.als",
                "flaws.als",
                "evidence.als"
            })
    void reportsExactlyTheMarkedLinesWithTheirRules(String fixture) throws Exception {
        Path spec = FIXTURES.resolve("lint").resolve(fixture);
        List<String> expected = marked(spec);
        assertThat(expected).as("marks in %s", fixture).isNotEmpty();

        List<SpecLint.Violation> found = lint(spec);

        assertThat(found)
                .as("violations of %s", fixture)
                .extracting(v -> v.line() + " " + v.rule().id())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(found)
                .allSatisfy(v -> assertThat(v.toString())
                        .startsWith(spec + ":" + v.line() + ": " + v.rule().id() + ": ")
                        .hasSizeGreaterThan(
                                (spec + ":" + v.line() + ": " + v.rule().id() + ": ").length()));
    }

    @Test
    void aSpecInTheHouseStyleHasNoViolations() {
        assertThat(lint(FIXTURES.resolve("lint").resolve("good.als"))).isEmpty();
    }

    @Test
    void everyRuleHasAFixtureThatBreaksIt() throws Exception {
        Set<String> broken = new java.util.TreeSet<>();
        try (var files = Files.list(FIXTURES.resolve("lint"))) {
            for (Path f : files.toList()) {
                marked(f).forEach(m -> broken.add(m.substring(m.indexOf(' ') + 1)));
            }
        }
        broken.add(SpecLint.Rule.PARSE.id()); // aSpecThatDoesNotParseIsOneParseViolation

        assertThat(broken)
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(SpecLint.Rule.values())
                        .map(SpecLint.Rule::id)
                        .toList());
    }

    @Test
    void aSpecThatDoesNotParseIsOneParseViolation() {
        assertThat(lint(FIXTURES.resolve("malformed.als"))).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(SpecLint.Rule.PARSE);
            assertThat(v.line()).isEqualTo(4);
            assertThat(v.message()).contains("malformed.als:4:");
        });
    }

    @Test
    void flawNamesAreCheckedForShapeAloneWithoutJavaConstants() {
        List<SpecLint.Violation> found = new SpecLint().lint(runner.plan(List.of(FIXTURES.resolve("lint/flaws.als"))));

        assertThat(found)
                .extracting(v -> v.line() + " " + v.rule().id())
                .containsExactlyInAnyOrder("5 flaw-name", "12 flaw-name", "14 flaw-name");
    }

    @Test
    void commandNames() {
        assertThat(List.of(
                        "TRACE_1_oneNotificationPerTracedPage",
                        "TRACE_3_wrong_anyRemovalSilencesPage",
                        "PD_2_pointersMatchDomain_init",
                        "PD_2_pointersMatchDomain_step",
                        "model_writeBitMatchesTraces",
                        "model_writeBitMatchesTraces_init"))
                .allMatch(n -> SpecLint.COMMAND_NAME.matcher(n).matches());
        assertThat(List.of(
                        "TRACE1_TracedWriteNotifiesOnce",
                        "TRACE_1_Capital",
                        "TRACE_1_snake_case",
                        "TRACE_3_Wrong_anyRemoval",
                        "TRACE_3_wrong_x_init",
                        "model_",
                        "Model_x",
                        "WriteBitMatchesTraces"))
                .noneMatch(n -> SpecLint.COMMAND_NAME.matcher(n).matches());
    }
}
