package org.hvproof.properties.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
                        "assert TRACE1_Reflexive { all p: Page | p = p }",
                        "// TRACE-1",
                        "check TRACE1_Reflexive for 2 expect 0",
                        "// TRACE-1 pages can exist",
                        "run SomePage { some Page } for 2 expect 1",
                        ""));
    }

    private final PropertyBackend passing = (ids, tries, seed, replay, progress) -> ids.stream()
            .map(id -> new PropertyCheck("p", Set.of(id), 1000, 1, true, 1, null, 1, ""))
            .toList();

    private int check(StringWriter out, String... args) {
        CommandLine cli = HvproofCommand.commandLine(new HvproofPaths(home), Backends.alloy(), passing);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
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
    void aCheckThatFindsACounterexampleViolatesItsClaimAndPrintsIt() throws Exception {
        Files.writeString(
                home.resolve("specs/src/main/alloy/tiny.als"),
                String.join(
                        "\n",
                        "sig Page { next: lone Page }",
                        "// TRACE-1 no page points to itself (false: the solver finds one)",
                        "assert TRACE1_NoSelfLoop { no p: Page | p.next = p }",
                        "// TRACE-1",
                        "check TRACE1_NoSelfLoop for 2 expect 0",
                        ""));
        StringWriter out = new StringWriter();

        int code = check(out, "--solver", "sat4j");

        assertThat(code).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(out.toString()).contains("TRACE-1", "VIOLATED", "TRACE1_NoSelfLoop", "counterexample", "next");
    }
}
