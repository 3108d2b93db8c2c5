package org.hvproof.properties.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.report.AlloyBackend;
import org.hvproof.properties.report.AlloyCheck;
import org.hvproof.properties.report.PropertyBackend;
import org.hvproof.properties.report.PropertyCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole CLI with fake backends, as {@code main} builds it (error handling included): check's
 * selection, verdicts, exit codes and report files; list's lines; bad input of every kind.
 */
class HvproofCommandTest {
    @TempDir
    Path dir;

    private HvproofPaths paths;
    private final List<Set<String>> askedFor = new ArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void tinyProject() throws Exception {
        paths = new HvproofPaths(dir);
        Files.writeString(
                paths.catalogue(),
                String.join(
                        "\n",
                        "## tracing",
                        "| TRACE-1 | one | s |",
                        "| TRACE-2 | two | s |",
                        "## tree",
                        "| TREE-1 | tree | s |"));
    }

    private int hvproof(AlloyBackend alloy, PropertyBackend props, String... args) {
        CommandLine cli = HvproofCommand.commandLine(paths, alloy, props);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private int check(AlloyBackend alloy, String... args) {
        List<String> all =
                new ArrayList<>(List.of("check", "--out", dir.resolve("o").toString()));
        all.addAll(List.of(args));
        return hvproof(alloy, passingProperties(), all.toArray(String[]::new));
    }

    private PropertyBackend passingProperties() {
        return (ids, tries, seed, replay, progress) -> {
            askedFor.add(ids);
            // a trace property and a spec-conformance property per claim: a claim holds only when linked
            return ids.stream()
                    .flatMap(id -> java.util.stream.Stream.of("p-" + id, ConformanceCheck.propertyName(id, "x.als", ""))
                            .map(name -> new PropertyCheck(
                                    name, Set.of(id), tries == null ? 1000 : tries, 100, true, seed, null, 1, "")))
                    .toList();
        };
    }

    private static AlloyBackend checksFor(String... ids) {
        return (specs, solver, timeout, selected, progress) -> java.util.Arrays.stream(ids)
                .map(id -> new AlloyCheck("x.als", id.replace('-', '_'), true, 0, "holds", true, 3, Set.of(id), ""))
                .toList();
    }

    @Test
    void everyClaimHoldingExitsZeroAndWritesTheReport() throws Exception {
        int code = check(checksFor("TRACE-1", "TRACE-2", "TREE-1"), "--seed", "42", "--tries", "7");
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("3 claims: 3 hold, 0 violated, 0 unchecked", "seed 42, tries 7")
                .contains("report: " + dir.resolve("o/claims.json"));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("o/claims.json").toFile());
        JsonNode first = json.get("claims").get(0);
        assertThat(first.get("id").asText()).isEqualTo("TRACE-1");
        assertThat(first.get("verdict").asText()).isEqualTo("holds");
        assertThat(first.get("alloy").get(0).get("outcome").asText()).isEqualTo("holds");
        assertThat(first.get("properties").get(0).get("tries").asLong()).isEqualTo(7);
        assertThat(first.get("properties").get(0).get("seed").asLong()).isEqualTo(42);
        assertThat(first.get("properties").get(0).get("replay").isNull()).isTrue();
        assertThat(Files.readString(dir.resolve("o/index.html"))).contains("TRACE-1", "holds", "seed 42");
    }

    @Test
    void claimsJsonRecordsTheRunSettingsAsData() throws Exception {
        Path extra = Files.createDirectories(dir.resolve("extra-specs"));
        Files.writeString(extra.resolve("extra.als"), "sig Page {}\n");
        check(checksFor("TREE-1"), "--seed", "42", "--claim", "TREE", "--solver", "sat4j", "--specs", extra.toString());
        JsonNode settings = new ObjectMapper()
                .readTree(dir.resolve("o/claims.json").toFile())
                .get("settings");
        assertThat(settings.get("seed").asLong()).isEqualTo(42);
        assertThat(settings.get("tries").isNull())
                .as("tries: each property's default")
                .isTrue();
        assertThat(settings.get("solver").asText()).isEqualTo("sat4j");
        assertThat(settings.get("replay").isNull()).isTrue();
        assertThat(settings.get("catalogue").asText()).isEqualTo("CLAIMS.md");
        assertThat(settings.get("specs"))
                .extracting(JsonNode::asText)
                .containsExactly("specs/src/main/alloy", "extra-specs");
        assertThat(settings.get("claims")).extracting(JsonNode::asText).containsExactly("TREE-1");
        assertThat(settings.get("millis").canConvertToLong()).isTrue();
    }

    @Test
    void aClaimWithoutAlloyCheckIsUncheckedAndFailsTheGate() {
        int code = check(checksFor("TRACE-1"), "--claim", "TRACE");
        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).contains("TRACE-2", "UNCHECKED", "no Alloy check (expect 0) is tagged with TRACE-2");
    }

    @Test
    void aGroupSelectorRunsOnlyThatGroup() {
        check(checksFor("TRACE-1", "TRACE-2"), "--claim", "TRACE");
        assertThat(askedFor).containsExactly(Set.of("TRACE-1", "TRACE-2"));
    }

    @Test
    void aStrayFailingCommandFailsTheRunEvenWithoutAClaimAndEveryReportSaysSo() throws Exception {
        AlloyBackend broken = (specs, solver, timeout, ids, progress) -> List.of(
                new AlloyCheck(
                        "bad.als", "(parse)", false, -1, "error", false, 0, Set.of(), "bad.als:3:7: syntax error"),
                new AlloyCheck("x.als", "T1", true, 0, "holds", true, 3, Set.of("TRACE-1"), ""),
                new AlloyCheck("x.als", "T2", true, 0, "holds", true, 3, Set.of("TRACE-2"), ""),
                new AlloyCheck("x.als", "T3", true, 0, "holds", true, 3, Set.of("TREE-1"), ""));
        int code = check(broken);
        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString())
                .contains("3 claims: 3 hold, 0 violated, 0 unchecked; 1 failed command outside any claim")
                .contains("every claim holds, but the gate fails: 1 failed command outside any claim")
                .contains("bad.als :: (parse): error", "bad.als:3:7: syntax error");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("o/claims.json").toFile());
        assertThat(json.get("gate").asText()).isEqualTo("fails");
        assertThat(json.get("stray")).singleElement().satisfies(n -> {
            assertThat(n.get("spec").asText()).isEqualTo("bad.als");
            assertThat(n.get("outcome").asText()).isEqualTo("error");
            assertThat(n.get("detail").asText()).isEqualTo("bad.als:3:7: syntax error");
        });
        assertThat(Files.readString(dir.resolve("o/index.html")))
                .contains("gate: fails", "1 failed command outside any claim", "Failed outside any claim")
                .contains("bad.als :: (parse)", "bad.als:3:7: syntax error");
    }

    @Test
    void aPassingRunSaysTheGatePassesAndHasNoStrayCommands() throws Exception {
        assertThat(check(checksFor("TRACE-1", "TRACE-2", "TREE-1"))).isZero();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("o/claims.json").toFile());
        assertThat(json.get("gate").asText()).isEqualTo("passes");
        assertThat(json.get("stray")).isEmpty();
        assertThat(Files.readString(dir.resolve("o/index.html")))
                .contains("gate: passes")
                .doesNotContain("Failed outside any claim");
    }

    @Test
    void aCommandWithoutAnAnswerInTimeIsItsOwnVerdictAndFailsTheGateNamingCommandAndLimit() throws Exception {
        AlloyBackend slow = (specs, solver, timeout, ids, progress) -> List.of(
                new AlloyCheck(
                        "x.als",
                        "TRACE_1_hard",
                        true,
                        0,
                        AlloyCheck.TIMEOUT,
                        false,
                        600_000,
                        Set.of("TRACE-1"),
                        "x.als:3:1: check TRACE_1_hard gave no answer within its time limit of 600 s"),
                new AlloyCheck("x.als", "T2", true, 0, "holds", true, 3, Set.of("TRACE-2"), ""),
                new AlloyCheck("x.als", "T3", true, 0, "holds", true, 3, Set.of("TREE-1"), ""));
        int code = check(slow);
        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString())
                .contains("1 TIMEOUT 1 cmd", "TIMEOUT")
                .contains("3 claims: 2 hold, 0 violated, 1 timed out, 0 unchecked")
                .contains("== TRACE-1 timeout", "TRACE_1_hard: timeout, no answer within the time limit")
                .contains("check TRACE_1_hard gave no answer within its time limit of 600 s");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("o/claims.json").toFile());
        assertThat(json.get("gate").asText()).isEqualTo("fails");
        JsonNode first = json.get("claims").get(0);
        assertThat(first.get("verdict").asText()).isEqualTo("timeout");
        assertThat(first.get("alloy").get(0).get("outcome").asText()).isEqualTo("timeout");
        assertThat(Files.readString(dir.resolve("o/index.html")))
                .contains("<tr class=\"timeout\" id=\"TRACE-1\">", "time limit of 600 s");
    }

    @Test
    void theTimeLimitPerCommandIsTenMinutesByDefaultZeroForNoneAndRecorded() throws Exception {
        List<Duration> limits = new ArrayList<>();
        AlloyBackend recording = (specs, solver, timeout, ids, progress) -> {
            limits.add(timeout);
            return List.of();
        };
        check(recording);
        check(recording, "--alloy-timeout", "0");
        check(recording, "--alloy-timeout", "5");
        assertThat(limits).containsExactly(Duration.ofSeconds(600), Duration.ZERO, Duration.ofSeconds(5));
        JsonNode settings = new ObjectMapper()
                .readTree(dir.resolve("o/claims.json").toFile())
                .get("settings");
        assertThat(settings.get("alloyTimeoutSeconds").asLong()).isEqualTo(5);
    }

    @Test
    void theAlloyBackendIsToldWhichClaimsAreSelectedAndWhichSpecsAndSolver() {
        List<Set<String>> alloyAskedFor = new ArrayList<>();
        List<List<Path>> specsAskedFor = new ArrayList<>();
        List<String> solvers = new ArrayList<>();
        AlloyBackend recording = (specs, solver, timeout, ids, progress) -> {
            alloyAskedFor.add(ids);
            specsAskedFor.add(specs);
            solvers.add(solver);
            return List.of();
        };
        check(recording, "--claim", "TREE", "--solver", "sat4j");
        assertThat(alloyAskedFor).containsExactly(Set.of("TREE-1"));
        assertThat(specsAskedFor).containsExactly(List.of(paths.specs()));
        assertThat(solvers).containsExactly("sat4j");
    }

    /** Runs {@code args} expecting bad input; returns what went to stderr. */
    private String usageError(String... args) {
        assertThat(hvproof(checksFor(), passingProperties(), args))
                .as("exit code of %s", List.of(args))
                .isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString()).doesNotContain("\tat ");
        return err.toString();
    }

    @Test
    void anUnknownClaimIsBadInputNamingTheKnownOnes() {
        assertThat(usageError("check", "--claim", "NOPE-1"))
                .contains("--claim NOPE-1: no claim in", "TRACE-1, TRACE-2, TREE-1", "Try 'hvproof check --help'.");
    }

    @Test
    void nonPositiveTriesIsRejected() {
        assertThat(usageError("check", "--tries", "0")).contains("--tries must be at least 1, got 0");
    }

    @Test
    void triesBeyondTheMaximumAreBadInputNotAFalseViolation() {
        // 215 million once overflowed an attempt counter in the engine and reported VIOLATED.
        assertThat(usageError("check", "--tries", "215000000"))
                .contains("--tries must be at most 100000000 (100 million), got 215000000");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void theMaximumTriesAreAccepted() {
        assertThat(check(checksFor("TRACE-1", "TRACE-2", "TREE-1"), "--tries", "100000000"))
                .isZero();
        assertThat(out.toString()).contains("tries 100000000");
    }

    @Test
    void aNegativeAlloyTimeoutIsBadInput() {
        assertThat(usageError("check", "--alloy-timeout", "-1"))
                .contains("--alloy-timeout must be 0 (no limit) or a positive number of seconds, got -1");
    }

    @Test
    void aSpecsDirectoryWithoutAlloyFilesIsBadInputNamingIt() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-specs-here"));
        Files.writeString(empty.resolve("README.txt"), "not a spec");
        assertThat(usageError("check", "--specs", empty.toString()))
                .contains("--specs " + empty + ": no .als file in this directory");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void aSpecThatIsNotUtf8IsBadInputNamingFileLineAndByteOffset() throws Exception {
        Path spec = dir.resolve("latin1.als");
        Files.write(spec, new byte[] {'s', 'i', 'g', ' ', 'C', 'a', 'f', (byte) 0xE9, ' ', '{', '}', '\n'});
        assertThat(usageError("check", "--specs", spec.toString()))
                .contains("--specs " + spec + ":1:8: not UTF-8 (byte offset 7)")
                .doesNotContain("Input length");
    }

    @Test
    void aCatalogueThatIsNotUtf8IsBadInputNamingFileLineAndByteOffset() throws Exception {
        Files.write(paths.catalogue(), new byte[] {'#', '\n', '|', ' ', (byte) 0xFF, '\n'});
        assertThat(usageError("check"))
                .contains("CLAIMS.md:2:3: not UTF-8 (byte offset 4)")
                .doesNotContain("Input length");
    }

    @Test
    void anEmptySolverNameIsBadInputListingTheValidOnes() {
        assertThat(usageError("check", "--solver", ""))
                .contains("--solver '': empty; valid solvers: sat4j, minisat, minisat.prover, glucose");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void aMissingSpecsPathIsBadInput() {
        assertThat(usageError("check", "--specs", dir.resolve("nowhere").toString()))
                .contains("--specs " + dir.resolve("nowhere") + ": no such file or directory");
    }

    @Test
    void anUnknownSolverIsBadInputListingTheValidOnes() {
        assertThat(usageError("check", "--solver", "z3")).contains("--solver z3", "sat4j", "minisat");
    }

    @Test
    void aMalformedReplayTokenIsBadInputBeforeAnythingRuns() {
        assertThat(usageError("check", "--replay", "garbage")).contains("--replay garbage", "not a replay token");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void anUnwritableReportDirectoryIsBadInputBeforeAnythingRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(usageError("check", "--out", file.resolve("sub").toString()))
                .contains("--out", "cannot write the report");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void aNonNumberForTriesIsBadInputFromTheParser() {
        assertThat(usageError("check", "--tries", "many")).contains("--tries", "many", "Try 'hvproof check --help'.");
    }

    @Test
    void aMalformedCatalogueIsBadInputNamingFileAndLine() throws Exception {
        Files.writeString(paths.catalogue(), "## tree\n| TRACE-1 | a | s |\n");
        assertThat(usageError("check")).contains("CLAIMS.md:2: claim TRACE-1 belongs to mechanism 'tracing'");
    }

    @Test
    void anUnknownCommandIsBadInput() {
        assertThat(usageError("prove")).contains("prove");
    }

    @Test
    void listPrintsOneLinePerClaimInCatalogueOrder() {
        assertThat(hvproof(checksFor(), passingProperties(), "list")).isZero();
        assertThat(out.toString().lines())
                .containsExactly("TRACE-1  tracing     one", "TRACE-2  tracing     two", "TREE-1   tree        tree");
    }

    @Test
    void listSelectsByGroup() {
        assertThat(hvproof(checksFor(), passingProperties(), "list", "--claim", "TREE"))
                .isZero();
        assertThat(out.toString().lines()).containsExactly("TREE-1   tree        tree");
    }

    @Test
    void listWithAnUnknownClaimIsBadInput() {
        assertThat(usageError("list", "--claim", "NOPE"))
                .contains("--claim NOPE: no claim", "Try 'hvproof list --help'.");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void benchWithAnUnknownMechanismIsBadInputNamingTheKnownOnes() {
        assertThat(usageError("bench", "--mechanism", "mmu"))
                .contains(
                        "--mechanism mmu is not a mechanism; one of tracing, tree, integrity, domains, interrupts, failover");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void benchWithNoMeasuringTimeIsBadInput() {
        assertThat(usageError("bench", "--seconds", "0")).contains("--seconds more than 0");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void treeScaleBenchWithNoMappingsIsBadInput() {
        assertThat(usageError("bench", "--tree-scale", "--mappings", "0")).contains("--mappings must be 1 or more");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void mappingsWithoutTheTreeScaleBenchIsBadInputRatherThanIgnored() {
        assertThat(usageError("bench", "--mappings", "5000")).contains("--tree-scale");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void budgetSaysWhetherFailoverFitsAndByHowMuchExitingOneWhenItDoesNot() {
        assertThat(hvproof(
                        checksFor(),
                        passingProperties(),
                        "budget",
                        "--state-mib",
                        "1024",
                        "--link-gbps",
                        "25",
                        "--hold-up-ms",
                        "500"))
                .isZero();
        assertThat(out.toString()).startsWith("fits: needs 363.7 ms of the 500 ms hold-up, margin +136.3 ms");
        out.getBuffer().setLength(0);
        assertThat(hvproof(
                        checksFor(),
                        passingProperties(),
                        "budget",
                        "--state-mib",
                        "1024",
                        "--link-gbps",
                        "10",
                        "--hold-up-ms",
                        "500"))
                .isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).startsWith("does not fit: needs 879.1 ms of the 500 ms hold-up, margin -379.1 ms");
    }

    @Test
    void budgetWithAZeroLinkOrAMissingFigureIsBadInput() {
        assertThat(usageError("budget", "--state-mib", "1", "--hold-up-ms", "5", "--link-gbps", "0"))
                .contains("budget: BAD_BANDWIDTH");
        assertThat(usageError("budget", "--state-mib", "1")).contains("budget needs --state-mib and --hold-up-ms");
        assertThat(usageError("budget", "--state-mib", "9223372036854775807", "--hold-up-ms", "5"))
                .contains("too large");
    }
}
