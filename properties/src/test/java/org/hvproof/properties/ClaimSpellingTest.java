package org.hvproof.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.properties.report.ClaimId;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One spelling per claim id (CONTRIBUTING.md): {@code GROUP-n} in prose, annotations and
 * invariants, {@code GROUP_n_<name>} for Alloy commands, never {@code TRACE1_x} or {@code
 * tree1X}; and a Java invariant and the Alloy assert stating the same predicate carry the same
 * name, so {@code grep} finds every description of a claim from any one of them.
 */
class ClaimSpellingTest {
    private static final String GROUPS = "(?:TRACE|TREE|GI|PD|INT|MIG|FT)";
    /** {@code TRACE1_...} or {@code TRACE1...}: the id without its separator. */
    private static final Pattern RUN_TOGETHER = Pattern.compile("\\b" + GROUPS + "\\d+[_A-Za-z]");
    /** {@code tree1MappedPagesAlert}, {@code pd2SwitchTogether}: the id folded into an identifier. */
    private static final Pattern FOLDED = Pattern.compile("\\b(?:trace|tree|gi|pd|int|mig|ft)\\d+[A-Z]\\w*");
    /** {@code TREE_1_x} in Java code: Alloy names appear only in string literals and comments. */
    private static final Pattern ALLOY_SPELLING = Pattern.compile("\\b" + GROUPS + "_\\d+_\\w+");

    private static final List<String> MODULES = List.of("propcheck", "model", "impl", "specs", "properties");
    private static final Path SPECS = Path.of("..", "specs", "src", "main", "alloy");

    @Test
    void javaSourcesSpellClaimIdsOneWay() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path file : javaSources()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String code = codeOf(lines.get(i));
                for (Pattern p : List.of(RUN_TOGETHER, FOLDED, ALLOY_SPELLING)) {
                    Matcher m = p.matcher(code);
                    while (m.find()) {
                        bad.add(file + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(bad)
                .as("claim ids spelled other than GROUP-n (or GROUP_n_ for Alloy names)")
                .isEmpty();
    }

    @Test
    void alloySpecsSpellClaimIdsOneWay() throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> specs = Files.list(SPECS)) {
            for (Path spec :
                    specs.filter(p -> p.toString().endsWith(".als")).sorted().toList()) {
                List<String> lines = Files.readAllLines(spec);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = RUN_TOGETHER.matcher(lines.get(i));
                    while (m.find()) {
                        bad.add(spec.getFileName() + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(bad).as("Alloy names spelled other than GROUP_n_<name>").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyClaimSharesAnInvariantNameWithItsAlloyAsserts() {
        return Mechanisms.ALL.stream().flatMap(m -> {
            InvariantSet<?, ?, ?> invs = m.invariants();
            return invs.claims().stream()
                    .map(claim -> DynamicTest.dynamicTest(claim, () -> {
                        // the claim's own mechanism's spec (the composed system lifts its mechanisms' invariants)
                        Set<String> asserts = alloyAsserts(ClaimId.mechanism(claim), claim);
                        Set<String> names = new LinkedHashSet<>();
                        Stream.of(invs.state(), invs.step(), invs.pair())
                                .flatMap(List::stream)
                                .map(i -> (Invariant<?>) i)
                                .filter(i -> i.claim().equals(claim))
                                .forEach(i -> names.add(i.name()));
                        Set<String> shared = new LinkedHashSet<>(names);
                        shared.retainAll(asserts);
                        assertThat(shared)
                                .as(
                                        "%s: Java invariants %s and %s.als asserts %s share no name",
                                        claim, names, ClaimId.mechanism(claim), asserts)
                                .isNotEmpty();
                    }));
        });
    }

    /** The names after {@code GROUP_n_} of the asserts of {@code claim} in the mechanism's spec. */
    private static Set<String> alloyAsserts(String mechanism, String claim) throws IOException {
        String prefix = claim.replace('-', '_') + "_";
        Pattern assertion = Pattern.compile("(?m)^\\s*assert\\s+" + Pattern.quote(prefix) + "(\\w+)");
        Matcher m = assertion.matcher(Files.readString(SPECS.resolve(mechanism + ".als")));
        Set<String> out = new LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * A line of Java without its string literals and comments: a spelling inside them is data (a
     * lint test's bad example, an Alloy command's name) or prose, not an identifier.
     */
    private static String codeOf(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith("*") || trimmed.startsWith("//") || trimmed.startsWith("/*")) {
            return "";
        }
        String code = line.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"");
        int comment = code.indexOf("//");
        return comment < 0 ? code : code.substring(0, comment);
    }

    private static List<Path> javaSources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : MODULES) {
            for (String set : List.of("main", "test")) {
                Path root = Path.of("..", module, "src", set, "java");
                if (Files.isDirectory(root)) {
                    try (Stream<Path> files = Files.walk(root)) {
                        files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
                    }
                }
            }
        }
        return out;
    }
}
