package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every spec under {@code src/main/alloy} follows the Alloy house style ({@link SpecLint}), each
 * spec its own test; a failure lists every broken rule as {@code FILE:LINE: rule: message}.
 * Flaw atoms and flawed preds are held to the flaw constants of the Java enums named
 * {@code *Flaw} in the model and impl modules.
 */
class SpecStyleTest {

    /** The Java sources whose {@code *Flaw.java} enums name the flaws, relative to this module. */
    private static final List<Path> JAVA_SOURCES =
            List.of(Path.of("..", "model", "src", "main", "java"), Path.of("..", "impl", "src", "main", "java"));

    /** An enum constant at the start of a line: {@code NOTIFY_TWICE,} or {@code NOTIFY_TWICE(...}. */
    private static final Pattern CONSTANT = Pattern.compile("^\\s+([A-Z][A-Z0-9_]*)\\s*(?:[(,;{]|$)");

    /**
     * Claims whose Alloy check has no must-fail twin yet, written down rather than hidden: every
     * report marks them "no twin", and {@link #everyKnownGapIsStillAGap} fails once one gets its
     * twin, so the list only shrinks. Empty: every claim checked in Alloy has its twin.
     */
    static final Set<String> CLAIMS_WITHOUT_TWIN_YET = Set.of();

    /**
     * Checks whose non-vacuity run is still at another scope than theirs, under the same ratchet.
     * Empty: every check has a run at its own scope.
     */
    static final Set<String> CHECKS_WITHOUT_SCOPED_RUN_YET = Set.of();

    private static boolean knownGap(SpecLint.Violation v) {
        return v.rule() == SpecLint.Rule.EVIDENCE && gapName(v) != null;
    }

    /** The claim id or check name a known gap is listed under, or null. */
    private static String gapName(SpecLint.Violation v) {
        for (String id : CLAIMS_WITHOUT_TWIN_YET) {
            if (v.message().startsWith(id + " has no negative control")) {
                return id;
            }
        }
        for (String check : CHECKS_WITHOUT_SCOPED_RUN_YET) {
            if (v.message().startsWith("check " + check + " has no run")) {
                return check;
            }
        }
        return null;
    }

    static Stream<String> specs() throws IOException {
        return AlloyRunner.findSpecs(AlloyRunner.SPEC_DIR_IN_MODULE).stream()
                .map(p -> p.getFileName().toString());
    }

    /** Every constant of every {@code enum} in a {@code *Flaw.java} file of the Java sources. */
    static Set<String> javaFlawConstants() throws IOException {
        Set<String> constants = new TreeSet<>();
        for (Path root : JAVA_SOURCES) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith("Flaw.java"))
                        .toList()) {
                    String text = Files.readString(file);
                    if (!text.contains(" enum ")) {
                        continue;
                    }
                    for (String line : text.lines().toList()) {
                        Matcher m = CONSTANT.matcher(line);
                        if (m.find()) {
                            constants.add(m.group(1));
                        }
                    }
                }
            }
        }
        return constants;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void followsTheHouseStyle(String spec) throws IOException {
        Set<String> flaws = javaFlawConstants();
        assertThat(flaws).as("Java flaw constants").contains("NONE");
        Path path = AlloyRunner.SPEC_DIR_IN_MODULE.resolve(spec);

        List<SpecLint.Violation> found = new SpecLint(flaws)
                .lint(new AlloyRunner().plan(List.of(path))).stream()
                        .filter(v -> !knownGap(v))
                        .toList();

        assertThat(found)
                .as(
                        "%s breaks the Alloy house style (CONTRIBUTING.md):%n%s",
                        spec,
                        found.stream()
                                .map(SpecLint.Violation::toString)
                                .collect(Collectors.joining(System.lineSeparator())))
                .isEmpty();
    }

    @Test
    void everyKnownGapIsStillAGap() throws IOException {
        Set<String> stillMissing = new TreeSet<>();
        SpecLint lint = new SpecLint(javaFlawConstants());
        AlloyRunner runner = new AlloyRunner();
        for (Path spec : AlloyRunner.findSpecs(AlloyRunner.SPEC_DIR_IN_MODULE)) {
            for (SpecLint.Violation v : lint.lint(runner.plan(List.of(spec)))) {
                if (knownGap(v)) {
                    stillMissing.add(gapName(v));
                }
            }
        }
        Set<String> listed = new TreeSet<>(CLAIMS_WITHOUT_TWIN_YET);
        listed.addAll(CHECKS_WITHOUT_SCOPED_RUN_YET);
        assertThat(stillMissing)
                .as("a listed gap is closed now: take it off the list")
                .isEqualTo(listed);
    }
}
