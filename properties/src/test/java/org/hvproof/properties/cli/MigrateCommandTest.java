package org.hvproof.properties.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.hvproof.properties.report.Backends;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hvproof migrate}: the report of a generated workload, and bad figures as bad input. */
class MigrateCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int hvproof(String... args) {
        CommandLine cli =
                HvproofCommand.commandLine(new HvproofPaths(Path.of(".")), Backends.alloy(), Backends.properties());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void aGeneratedWorkloadPrintsTheReportWithAndWithoutTheCopyAndTheCopyLosesNothing() {
        assertThat(hvproof("migrate", "--pages", "600", "--seed", "7")).isZero();
        String printed = out.toString();
        assertThat(printed).contains("migration: 2 MiB guest", "with buffer copy", "without copy", "downtime");
        String withCopy = printed.lines()
                .filter(l -> l.contains("with buffer copy"))
                .findFirst()
                .orElseThrow();
        String[] cells = withCopy.trim().split("\\s+");
        // ... downtime "ms" lost wall-seconds: the copy's migration loses no page.
        assertThat(cells[cells.length - 2]).isEqualTo("0");
    }

    @Test
    void aGuestTooSmallOrTooLargeIsBadInput() {
        assertThat(hvproof("migrate", "--pages", "5")).isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString())
                .contains("--pages must be 258 to 262144, was 5")
                .doesNotContain("\tat ");
        assertThat(hvproof("migrate", "--pages", "262145")).isEqualTo(HvproofCommand.EXIT_USAGE);
    }
}
