package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main command's behaviour with fake backends: selection, verdicts, exit codes, report files. */
class HvproofCommandTest {
    @TempDir
    Path dir;

    private Path catalogue() throws Exception {
        Path c = dir.resolve("CLAIMS.md");
        Files.writeString(
                c,
                String.join(
                        "\n",
                        "## tracing",
                        "| TRACE-1 | one | s |",
                        "| TRACE-2 | two | s |",
                        "## tree",
                        "| TREE-1 | tree | s |"));
        return c;
    }

    private final List<Set<String>> askedFor = new ArrayList<>();

    private int run(AlloyBackend alloy, PropertyBackend props, StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new HvproofCommand.Check(alloy, props));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    private PropertyBackend passingProperties() {
        return (ids, tries, seed, replay, progress) -> {
            askedFor.add(ids);
            return ids.stream()
                    .map(id -> new PropertyCheck(
                            "p-" + id, Set.of(id), tries == null ? 1000 : tries, 100, true, seed, null, 1, ""))
                    .toList();
        };
    }

    private AlloyBackend checksFor(String... ids) {
        return (specs, solver, selected, progress) -> java.util.Arrays.stream(ids)
                .map(id -> new AlloyCheck("x.als", id.replace('-', '_'), true, 0, "holds", true, 3, Set.of(id), ""))
                .toList();
    }

    @Test
    void everyClaimHoldingExitsZeroAndWritesTheReport() throws Exception {
        StringWriter out = new StringWriter();
        int code = run(
                checksFor("TRACE-1", "TRACE-2", "TREE-1"),
                passingProperties(),
                out,
                "--catalogue",
                catalogue().toString(),
                "--out",
                dir.resolve("o").toString(),
                "--seed",
                "42",
                "--tries",
                "7");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("3 claims: 3 hold, 0 violated, 0 unchecked");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("o/claims.json").toFile());
        JsonNode first = json.get("claims").get(0);
        assertThat(first.get("id").asText()).isEqualTo("TRACE-1");
        assertThat(first.get("verdict").asText()).isEqualTo("holds");
        assertThat(first.get("alloy").get(0).get("outcome").asText()).isEqualTo("holds");
        assertThat(first.get("properties").get(0).get("tries").asLong()).isEqualTo(7);
        assertThat(first.get("properties").get(0).get("seed").asLong()).isEqualTo(42);
        assertThat(Files.readString(dir.resolve("o/index.html"))).contains("TRACE-1", "holds");
    }

    @Test
    void aClaimWithoutAlloyCheckIsUncheckedAndFailsTheGate() throws Exception {
        StringWriter out = new StringWriter();
        int code = run(
                checksFor("TRACE-1"),
                passingProperties(),
                out,
                "--catalogue",
                catalogue().toString(),
                "--out",
                dir.resolve("o").toString(),
                "--claim",
                "TRACE");
        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).contains("TRACE-2", "UNCHECKED", "no Alloy check (expect 0) is tagged with TRACE-2");
    }

    @Test
    void aGroupSelectorRunsOnlyThatGroup() throws Exception {
        run(
                checksFor("TRACE-1", "TRACE-2"),
                passingProperties(),
                new StringWriter(),
                "--catalogue",
                catalogue().toString(),
                "--out",
                dir.resolve("o").toString(),
                "--claim",
                "TRACE");
        assertThat(askedFor).containsExactly(Set.of("TRACE-1", "TRACE-2"));
    }

    @Test
    void anUnknownClaimIsBadInputNamingTheKnownOnes() throws Exception {
        CommandLine cli = new CommandLine(new HvproofCommand.Check(checksFor(), passingProperties()));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--catalogue", catalogue().toString(), "--claim", "NOPE-1");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("NOPE-1", "TRACE-1, TRACE-2, TREE-1");
    }

    @Test
    void aStrayFailingCommandFailsTheRunEvenWithoutAClaim() throws Exception {
        AlloyBackend broken = (specs, solver, ids, progress) -> List.of(
                new AlloyCheck(
                        "bad.als", "(parse)", false, -1, "error", false, 0, Set.of(), "bad.als:3:7: syntax error"),
                new AlloyCheck("x.als", "T1", true, 0, "holds", true, 3, Set.of("TRACE-1"), ""),
                new AlloyCheck("x.als", "T2", true, 0, "holds", true, 3, Set.of("TRACE-2"), ""),
                new AlloyCheck("x.als", "T3", true, 0, "holds", true, 3, Set.of("TREE-1"), ""));
        StringWriter out = new StringWriter();
        int code = run(
                broken,
                passingProperties(),
                out,
                "--catalogue",
                catalogue().toString(),
                "--out",
                dir.resolve("o").toString());
        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).contains("bad.als:3:7: syntax error");
    }

    @Test
    void nonPositiveTriesIsRejected() throws Exception {
        CommandLine cli = new CommandLine(new HvproofCommand.Check(checksFor(), passingProperties()));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--catalogue", catalogue().toString(), "--tries", "0"))
                .isNotZero();
        assertThat(err.toString()).contains("--tries must be at least 1");
    }

    private String usageError(String... args) throws Exception {
        CommandLine cli = new CommandLine(new HvproofCommand.Check(checksFor(), passingProperties()));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        List<String> all = new ArrayList<>(List.of("--catalogue", catalogue().toString()));
        all.addAll(List.of(args));
        assertThat(cli.execute(all.toArray(String[]::new)))
                .as("exit code of %s", all)
                .isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString()).doesNotContain("\tat ");
        return err.toString();
    }

    @Test
    void anUnknownSolverIsBadInputListingTheValidOnes() throws Exception {
        assertThat(usageError("--solver", "z3")).contains("--solver z3", "sat4j", "minisat");
    }

    @Test
    void aMalformedReplayTokenIsBadInputBeforeAnythingRuns() throws Exception {
        assertThat(usageError("--replay", "garbage")).contains("--replay garbage", "not a replay token");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void anUnwritableReportDirectoryIsBadInputBeforeAnythingRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(usageError("--out", file.resolve("sub").toString())).contains("--out", "cannot write the report");
        assertThat(askedFor).isEmpty();
    }

    @Test
    void theAlloyBackendIsToldWhichClaimsAreSelected() throws Exception {
        List<java.util.Set<String>> alloyAskedFor = new ArrayList<>();
        AlloyBackend recording = (specs, solver, ids, progress) -> {
            alloyAskedFor.add(ids);
            return List.of();
        };
        run(
                recording,
                passingProperties(),
                new StringWriter(),
                "--catalogue",
                catalogue().toString(),
                "--out",
                dir.resolve("o").toString(),
                "--claim",
                "TREE");
        assertThat(alloyAskedFor).containsExactly(Set.of("TREE-1"));
    }
}
