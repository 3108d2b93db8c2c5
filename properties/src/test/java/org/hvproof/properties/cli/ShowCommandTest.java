package org.hvproof.properties.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hvproof.model.common.Flaw;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.properties.Mechanisms.Mechanism;
import org.hvproof.properties.report.Backends;
import org.hvproof.properties.report.CatalogueEntry;
import org.hvproof.properties.report.ClaimCatalogue;
import org.hvproof.properties.tracing.TracingProperties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hvproof show} on the project's own catalogue and specs, and on made-up mechanisms. */
class ShowCommandTest {
    /** Surefire runs in the properties module; the project is its parent. */
    private static final HvproofPaths PROJECT = new HvproofPaths(Path.of(".."));

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int show(String... ids) {
        CommandLine cli = HvproofCommand.commandLine(PROJECT, Backends.alloy(), Backends.properties());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of("show"));
        args.addAll(List.of(ids));
        return cli.execute(args.toArray(String[]::new));
    }

    /** 1-based lines of {@code file} matching {@code pattern}. */
    private static List<Integer> linesMatching(Path file, Pattern pattern) throws Exception {
        List<String> lines = Files.readAllLines(file);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).find()) {
                out.add(i + 1);
            }
        }
        return out;
    }

    @Test
    void showAnswersForEveryCataloguedClaimWithEveryKindOfPlace() throws Exception {
        List<String> ids = new ArrayList<>();
        Matcher row =
                Pattern.compile("(?m)^\\|\\s*([A-Z]+-\\d+)\\s*\\|").matcher(Files.readString(PROJECT.catalogue()));
        while (row.find()) {
            ids.add(row.group(1));
        }
        assertThat(ids).hasSizeGreaterThanOrEqualTo(25);
        assertThat(show(ids.toArray(String[]::new)))
                .as("show %s:%n%s", ids, err)
                .isZero();
        String text = out.toString();
        for (String id : ids) {
            int at = text.indexOf(id + "  (");
            assertThat(at).as("show prints %s", id).isNotNegative();
            int next = text.indexOf("\n\n", at);
            String block = next < 0 ? text.substring(at) : text.substring(at, next);
            assertThat(block)
                    .as("what show says of %s", id)
                    .contains("catalogued  CLAIMS.md:", ".als:")
                    .doesNotContain(
                            "(no Alloy command carries", "(no invariant of", "(no @Claim method carries", "note:");
        }
    }

    @Test
    void showListsAClaimsCatalogueRowEveryCommandNamedForItAndItsProperties() throws Exception {
        assertThat(show("TRACE-1")).isZero();
        String text = out.toString();

        int row = linesMatching(PROJECT.catalogue(), Pattern.compile("^\\|\\s*TRACE-1\\s*\\|"))
                .get(0);
        assertThat(text).startsWith("TRACE-1  (tracing)\n").contains("catalogued  CLAIMS.md:" + row);
        // Every check or run named for TRACE-1 (in either spelling of the id) is listed at its line.
        Path tracing = PROJECT.specs().resolve("tracing.als");
        List<Integer> commands = linesMatching(tracing, Pattern.compile("^\\s*(check|run)\\s+TRACE_?1_"));
        assertThat(commands).isNotEmpty();
        for (int line : commands) {
            assertThat(text).contains("specs/src/main/alloy/tracing.als:" + line + " ");
        }
        assertThat(text).containsPattern("tracing\\.als:\\d+ +check TRACE_?1_\\w+ +expect 0");
        assertThat(text)
                .contains("checked     TracingProperties.everyTracedWriteNotifiesOnce")
                .contains("TracingSpecConformance.modelTracesAreSpecTraces")
                .doesNotContain("TracingProperties.untracedWritesAreSilent");
        assertThat(text).containsPattern("(?m)^  stated +\\S").containsPattern("(?m)^  broken by +\\S");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aGroupShowsEachOfItsClaimsInCatalogueOrder() throws Exception {
        assertThat(show("PD")).isZero();
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\|\\s*(PD-\\d+)\\s*\\|").matcher(Files.readString(PROJECT.catalogue()));
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertThat(ids).isNotEmpty();
        List<String> headings = out.toString()
                .lines()
                .filter(l -> l.matches("[A-Z]+-\\d+  \\(\\w+\\)"))
                .map(l -> l.substring(0, l.indexOf(' ')))
                .toList();
        assertThat(headings).containsExactlyElementsOf(ids);
        assertThat(out.toString()).contains("domains.als:");
    }

    @Test
    void anUnknownIdIsBadInputNamingTheKnownOnes() {
        assertThat(show("NOPE-9")).isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString())
                .contains("show NOPE-9: no claim in", "TRACE-1, TRACE-2", "Try 'hvproof show --help'.")
                .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void noIdIsBadInput() {
        assertThat(show()).isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("ID");
    }

    /** A flaw enum that declares what catches it. */
    enum DeclaredFlaw implements Flaw {
        NONE(List.of()),
        NOTIFY_TWICE(List.of(Flaw.caught("TRACE-1", "TRACE-1 oneNotification", 2))),
        UNRELATED(List.of(Flaw.caught("TRACE-2", "refinement", 3)));

        private final List<Caught> caughtBy;

        DeclaredFlaw(List<Caught> caughtBy) {
            this.caughtBy = caughtBy;
        }

        @Override
        public List<Caught> caughtBy() {
            return caughtBy;
        }
    }

    /** Flaws caught by a machine check (on the implementation's state) and by a model invariant. */
    enum MachineCheckedFlaw implements Flaw {
        NODE_PAGE_UNTRACED(List.of(Flaw.caught("TRACE-1", "TRACE-1 nodePagesTraced", 3))),
        NOTIFY_TWICE(List.of(Flaw.caught("TRACE-1", "TRACE-1 oneNotification", 2))),
        NOTIFY_TWICE_AGAIN(List.of(Flaw.caught("TRACE-1", "TRACE-1 nodePagesTraced", 4)));

        private final List<Caught> caughtBy;

        MachineCheckedFlaw(List<Caught> caughtBy) {
            this.caughtBy = caughtBy;
        }

        @Override
        public List<Caught> caughtBy() {
            return caughtBy;
        }
    }

    /** A flaw enum from before flaws declared anything. */
    enum SilentFlaw {
        NONE,
        BROKEN
    }

    private static List<ClaimWhereabouts> find(Class<? extends Enum<?>> flaws, InvariantSet<?, ?, ?> invariants) {
        Mechanism tracing = new Mechanism("tracing", List.of(TracingProperties.class), flaws, invariants);
        ClaimCatalogue catalogue = ClaimCatalogue.read(PROJECT.catalogue());
        List<CatalogueEntry> trace1 = catalogue.select(List.of("TRACE-1"));
        return new ClaimWhereabouts.Finder(PROJECT, List.of(tracing)).find("CLAIMS.md", trace1);
    }

    @Test
    void flawsThatDeclareTheClaimAndInvariantsOfTheClaimAreListed() {
        InvariantSet<String, String, String> invariants = new InvariantSet<>(
                "tracing",
                List.of(
                        Invariant.<String>of("TRACE-1", "oneNotification", s -> Optional.empty()),
                        Invariant.<String>of("TRACE-2", "silence", s -> Optional.empty()),
                        Invariant.<String>of(Invariant.MODEL, "wellFormed", s -> Optional.empty())),
                List.of(),
                List.of());
        ClaimWhereabouts found = find(DeclaredFlaw.class, invariants).get(0);

        assertThat(found.stated()).containsExactly("state invariant TRACE-1 oneNotification");
        assertThat(found.brokenBy())
                .containsExactly(
                        new ClaimWhereabouts.FlawPlace("DeclaredFlaw.NOTIFY_TWICE", "TRACE-1 oneNotification", 2));
        assertThat(found.notes()).isEmpty();
        assertThat(found.text())
                .contains("stated      state invariant TRACE-1 oneNotification")
                .containsPattern(
                        "broken by   DeclaredFlaw\\.NOTIFY_TWICE +check \"TRACE-1 oneNotification\" +shrinks to 2");
    }

    @Test
    void aMachineCheckTheFlawsNameIsStatedOnceAfterTheModelInvariants() {
        InvariantSet<String, String, String> invariants = new InvariantSet<>(
                "tracing",
                List.of(Invariant.<String>of("TRACE-1", "oneNotification", s -> Optional.empty())),
                List.of(),
                List.of());
        ClaimWhereabouts found = find(MachineCheckedFlaw.class, invariants).get(0);

        assertThat(found.stated())
                .containsExactly("state invariant TRACE-1 oneNotification", "machine check TRACE-1 nodePagesTraced");
        assertThat(found.text()).doesNotContain("(no invariant of");
    }

    @Test
    void aFlawEnumThatDoesNotImplementFlawIsSaidSoNotSilentlySkipped() {
        ClaimWhereabouts found =
                find(SilentFlaw.class, InvariantSet.empty("tracing")).get(0);

        assertThat(found.brokenBy()).isEmpty();
        assertThat(found.stated()).isEmpty();
        assertThat(found.text())
                .contains("note: SilentFlaw does not implement org.hvproof.model.common.Flaw yet")
                .contains("(no flaw declares it breaks TRACE-1)")
                .contains("(no invariant of Mechanisms.ALL states TRACE-1)");
    }
}
