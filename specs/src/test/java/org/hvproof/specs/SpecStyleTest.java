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

        List<SpecLint.Violation> found = new SpecLint(flaws).lint(new AlloyRunner().plan(List.of(path)));

        assertThat(found)
                .as(
                        "%s breaks the Alloy house style (CONTRIBUTING.md):%n%s",
                        spec,
                        found.stream()
                                .map(SpecLint.Violation::toString)
                                .collect(Collectors.joining(System.lineSeparator())))
                .isEmpty();
    }
}
