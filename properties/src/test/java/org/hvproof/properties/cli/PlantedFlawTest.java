package org.hvproof.properties.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.properties.report.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code check --flaw}: which flaw a name plants, and a run that catches it. */
class PlantedFlawTest {
    @TempDir
    Path home;

    @Test
    void aFlawNameFindsItsMechanismInAnyCase() {
        PlantedFlaw f = PlantedFlaw.parse("invalidate_local_vcpu_only");
        assertThat(f.mechanism().name()).isEqualTo("tracing");
        assertThat(f.flaw()).isEqualTo(TracingImplFlaw.INVALIDATE_LOCAL_VCPU_ONLY);
        assertThat(f.claimsItBreaks()).containsExactly("TRACE-5");
        assertThat(PlantedFlaw.parse("tracing:NOTIFY_TWICE").toString()).isEqualTo("tracing:NOTIFY_TWICE");
    }

    @Test
    void anUnknownFlawIsBadInputListingTheFlawsPerMechanism() {
        assertThatThrownBy(() -> PlantedFlaw.parse("NOTIFY_THRICE"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("--flaw NOTIFY_THRICE: no such flaw")
                .hasMessageContaining("tracing: ")
                .hasMessageContaining("NOTIFY_TWICE")
                .hasMessageContaining("failover: ");
    }

    @Test
    void noneAnEmptyNameAndAnUnknownMechanismAreBadInput() {
        assertThatThrownBy(() -> PlantedFlaw.parse("NONE"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("correct implementation");
        assertThatThrownBy(() -> PlantedFlaw.parse("tracing:"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("names no flaw");
        assertThatThrownBy(() -> PlantedFlaw.parse("hypervisor:NOTIFY_TWICE"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("no mechanism 'hypervisor'")
                .hasMessageContaining("tracing");
        assertThatThrownBy(() -> PlantedFlaw.parse("tree:NOTIFY_TWICE"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("no such flaw");
    }

    @Test
    void aRunWithAPlantedFlawChecksTheClaimsItBreaksAndReportsThemViolatedWithAReplayThatPlantsItAgain()
            throws Exception {
        Files.writeString(
                home.resolve("CLAIMS.md"), "## tracing\n| TRACE-1 | tiny | test |\n| TRACE-5 | tiny | test |\n");
        Path specs = Files.createDirectories(home.resolve("specs/src/main/alloy"));
        Files.writeString(
                specs.resolve("tiny.als"),
                String.join(
                        "\n",
                        "sig Page {}",
                        "assert TRACE_5_reflexive { all p: Page | p = p }",
                        "check TRACE_5_reflexive for 2 expect 0",
                        "assert TRACE_1_reflexive { all p: Page | p = p }",
                        "check TRACE_1_reflexive for 2 expect 0",
                        ""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HvproofCommand.commandLine(new HvproofPaths(home), Backends.alloy(), Backends.properties());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of(
                "check", "--flaw", "INVALIDATE_LOCAL_VCPU_ONLY", "--tries", "300", "--seed", "7", "--solver", "sat4j"));
        int exit = cli.execute(args.toArray(String[]::new));

        assertThat(exit).isEqualTo(HvproofCommand.EXIT_CLAIMS_FAIL);
        assertThat(err.toString()).contains("planted flaw tracing:INVALIDATE_LOCAL_VCPU_ONLY", "(TRACE-5)");
        assertThat(out.toString())
                .contains("TRACE-5", "VIOLATED", "--flaw INVALIDATE_LOCAL_VCPU_ONLY --replay pc1.")
                .doesNotContain("TRACE-1 ");
    }
}
