package org.hvproof.properties.cli;

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
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.report.Backends;
import org.hvproof.properties.report.PropertyBackend;
import org.hvproof.properties.report.PropertyCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main command with hvproof's real Alloy runner, on a tiny project of its own. */
class CheckWithRealAlloyTest {
    @TempDir
    Path home;

    @BeforeEach
    void tinyProject() throws Exception {
        Files.writeString(home.resolve("CLAIMS.md"), "## tracing\n| TRACE-1 | tiny | test |\n");
        Path specs = Files.createDirectories(home.resolve("specs/src/main/alloy"));
        Files.writeString(
                specs.resolve("tiny.als"),
                String.join(
                        "\n",
                        "sig Page {}",
                        "// TRACE-1 every page is itself",
                        "assert TRACE_1_reflexive { all p: Page | p = p }",
                        "// TRACE-1",
                        "check TRACE_1_reflexive for 2 expect 0",
                        "// TRACE-1 pages can exist",
                        "run SomePage { some Page } for 2 expect 1",
                        ""));
    }

    /** A trace property and a spec-conformance property per claim, all passing: a claim holds only when linked. */
    private final PropertyBackend passing = (ids, tries, seed, replay, progress) -> ids.stream()
            .flatMap(id -> java.util.stream.Stream.of("p", ConformanceCheck.propertyName(id, "x.als", ""))
                    .map(name -> new PropertyCheck(name, Set.of(id), 1000, 1, true, 1, null, 1, "")))
            .toList();

    private final StringWriter err = new StringWriter();

    private int check(StringWriter out, String... args) {
        CommandLine cli = HvproofCommand.commandLine(new HvproofPaths(home), Backends.alloy(), passing);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void aClaimWithAHoldingCheckAndARunHolds() {
        StringWriter out = new StringWriter();
        assertThat(check(out, "--solver", "sat4j")).isZero();
        assertThat(out.toString()).contains("1 claims: 1 hold");
    }

    @Test
    void aMalformedSpecGivenWithSpecsFailsWithFileLineAndColumn() throws Exception {
        Path extra = Files.createDirectories(home.resolve("extra"));
        Files.writeString(extra.resolve("broken.als"), "sig Page {\n  next: Nowhere\n}\n");
        StringWriter out = new StringWriter();

        int code = check(out, "--solver", "sat4j", "--specs", extra.toString());

        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).containsPattern("broken\\.als:2:\\d+: .*Nowhere");
    }

    @Test
    void twoShardsSolveOneCommandEachAndMergeToTheWholeRunsVerdict() throws Exception {
        List<Integer> codes = new ArrayList<>();
        List<Long> commands = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Path dir = home.resolve("shard-" + i);
            codes.add(check(
                    new StringWriter(),
                    "--solver",
                    "sat4j",
                    "--seed",
                    "5",
                    "--shard",
                    i + "/2",
                    "--out",
                    dir.toString()));
            JsonNode claim = new ObjectMapper()
                    .readTree(dir.resolve("claims.json").toFile())
                    .get("claims")
                    .get(0);
            commands.add((long) claim.get("alloy").size());
        }
        assertThat(codes).containsExactly(0, 0);
        assertThat(commands).as("the check on one shard, the run on the other").containsExactly(1L, 1L);
        assertThat(err.toString()).contains("shard 1/2: 1 of 2 commands", "shard 2/2: 1 of 2 commands");

        StringWriter out = new StringWriter();
        CommandLine cli = HvproofCommand.commandLine(new HvproofPaths(home), Backends.alloy(), passing);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int merged = cli.execute(
                "merge",
                "--out",
                home.resolve("merged").toString(),
                home.resolve("shard-2").toString(),
                home.resolve("shard-1").toString());
        assertThat(merged).isZero();
        assertThat(out.toString()).contains("1 claims: 1 hold");
        JsonNode json =
                new ObjectMapper().readTree(home.resolve("merged/claims.json").toFile());
        assertThat(json.get("gate").asText()).isEqualTo("passes");
        assertThat(json.get("claims").get(0).get("alloy").size()).isEqualTo(2);
    }

    @Test
    void aCheckThatFindsACounterexampleViolatesItsClaimAndPrintsIt() throws Exception {
        Files.writeString(
                home.resolve("specs/src/main/alloy/tiny.als"),
                String.join(
                        "\n",
                        "sig Page { next: lone Page }",
                        "// TRACE-1 no page points to itself (false: the solver finds one)",
                        "assert TRACE_1_noSelfLoop { no p: Page | p.next = p }",
                        "// TRACE-1",
                        "check TRACE_1_noSelfLoop for 2 expect 0",
                        ""));
        StringWriter out = new StringWriter();

        int code = check(out, "--solver", "sat4j");

        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).contains("TRACE-1", "VIOLATED", "TRACE_1_noSelfLoop", "counterexample", "next");
    }

    @Test
    void aCommandOfASpecsFileWithoutClaimNamesThatFailsShowsInEveryReport() throws Exception {
        Path extra = Files.writeString(
                home.resolve("untagged.als"),
                "sig Page { next: lone Page }\ncheck NoSelfLoop { no p: Page | p.next = p } for 2 expect 0\n");
        StringWriter out = new StringWriter();

        int code = check(
                out,
                "--solver",
                "sat4j",
                "--specs",
                extra.toString(),
                "--out",
                home.resolve("o").toString());

        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString())
                .contains("1 claims: 1 hold", "1 failed command outside any claim", "untagged.als :: NoSelfLoop");
        JsonNode json =
                new ObjectMapper().readTree(home.resolve("o/claims.json").toFile());
        assertThat(json.get("claims").get(0).get("verdict").asText()).isEqualTo("holds");
        assertThat(json.get("gate").asText()).isEqualTo("fails");
        assertThat(json.get("stray")).singleElement().satisfies(n -> {
            assertThat(n.get("command").asText()).isEqualTo("NoSelfLoop");
            assertThat(n.get("outcome").asText()).isEqualTo("counterexample");
        });
        assertThat(Files.readString(home.resolve("o/index.html"))).contains("gate: fails", "NoSelfLoop");
    }

    @Test
    void aCommandBeyondItsTimeLimitIsATimeoutAndTheGateStillFinishesAndReports() throws Exception {
        // True, but SAT4J needs well over a minute for multiplication at 10-bit integers.
        Path slow = Files.writeString(
                home.resolve("slow.als"),
                "check TRACE_1_mulCommutes { all x, y: Int | mul[x, y] = mul[y, x] } for 10 Int expect 0\n");
        StringWriter out = new StringWriter();
        long start = System.nanoTime();

        int code = check(
                out,
                "--solver",
                "sat4j",
                "--alloy-timeout",
                "1",
                "--specs",
                slow.toString(),
                "--out",
                home.resolve("o").toString());

        assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(40);
        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString())
                .contains("TIMEOUT", "1 timed out")
                .contains("slow.als:1:1: check TRACE_1_mulCommutes gave no answer within its time limit of 1 s");
        JsonNode json =
                new ObjectMapper().readTree(home.resolve("o/claims.json").toFile());
        assertThat(json.get("claims").get(0).get("verdict").asText()).isEqualTo("timeout");
        assertThat(json.get("settings").get("alloyTimeoutSeconds").asLong()).isEqualTo(1);
        assertThat(Files.readString(home.resolve("o/index.html")))
                .contains("<tr class=\"timeout\" id=\"TRACE-1\">", "gave no answer within its time limit of 1 s");
    }

    @Test
    void aSpecsFileWithoutCommandsIsAWarningNamingTheFileNotAnError() throws Exception {
        Path defs = Files.writeString(home.resolve("defs.als"), "sig Page {}\npred somePage { some Page }\n");
        StringWriter out = new StringWriter();

        int code = check(
                out,
                "--solver",
                "sat4j",
                "--specs",
                defs.toString(),
                "--out",
                home.resolve("o").toString());

        assertThat(code).isZero();
        assertThat(err.toString()).contains("warning " + defs + ": no commands (nothing to solve in this file)");
        assertThat(out.toString()).doesNotContain("Default", "has no expect");
    }
}
