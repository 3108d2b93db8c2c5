package org.hvproof.properties.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Rerun;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.tracing.TracingProperties;

/**
 * The report of a run with TRACE-1 violated twice over, made the way {@code ./hvproof check} makes
 * it: the claim's property run against a planted flaw ({@code NOTIFY_TWICE}) with the command
 * line's rerun hints, and an Alloy check tagged TRACE-1 whose assert is false, solved by the real
 * runner; TRACE-2 holds by a passing property. index.html is written into {@code
 * properties/target/...}, its links relative to the project root.
 */
final class ViolatedClaimReport {
    static final long SEED = 20261125L;

    /** The project root (tests run in the properties module). */
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    private ViolatedClaimReport() {}

    /** The report; {@code dir} receives the failing spec. */
    static ClaimsReport make(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path spec = dir.resolve("broken.als");
        Files.writeString(
                spec,
                String.join(
                        "\n",
                        "-- A deliberately false claim, so the report has an Alloy counterexample to draw.",
                        "sig Page { var traced: set Page }",
                        "fact init { no traced }",
                        "-- TRACE-1: never traced (false: any step may trace a page)",
                        "assert TRACE_1_neverTraced { always no traced }",
                        "check TRACE_1_neverTraced for 2 but 3 steps expect 0",
                        ""));
        List<AlloyCheck> alloy = new ArrayList<>(
                Backends.alloy().run(List.of(spec), "sat4j", Duration.ofMinutes(2), Set.of("TRACE-1"), line -> {}));
        // TRACE-2's own check, as a whole run would have solved it: it holds.
        alloy.add(new AlloyCheck(
                "tracing.als",
                "TRACE_2_noNotificationWithoutTrace",
                true,
                0,
                "holds",
                true,
                80,
                Set.of("TRACE-2"),
                ""));
        Rerun rerun = SuitePropertyBackend.cliRerun(Set.of("TRACE-1"), SEED);
        PropertyResult failed = TracingProperties.everyTracedWriteNotifiesOnce(TracingImplFlaw.NOTIFY_TWICE)
                .run(Settings.none().withSeed(SEED).withQuiet(true).withRerun(rerun));
        List<PropertyCheck> properties = new ArrayList<>();
        properties.add(new PropertyCheck(
                "TRACE-1 every write to a traced page is notified exactly once [flaw NOTIFY_TWICE]",
                Set.of("TRACE-1"),
                failed.tries(),
                failed.steps(),
                failed.passed(),
                failed.seed(),
                failed.replayToken(),
                40,
                failed.report(),
                FailureTimeline.of(failed, rerun.exactly(failed.replayToken()))));
        properties.add(new PropertyCheck(
                "TRACE-2 a write to an untraced page is not notified",
                Set.of("TRACE-2"),
                1000,
                9000,
                true,
                7,
                null,
                30,
                "passed"));
        // every mechanism is linked, so TRACE-2 holds only with its spec conformance
        properties.add(new PropertyCheck(
                "TRACE-2 model traces are tracing.als traces", Set.of("TRACE-2"), 10, 90, true, 7, null, 20, "passed"));
        List<CatalogueEntry> claims = ClaimCatalogue.read(HOME.resolve("CLAIMS.md")).entries().stream()
                .filter(c -> c.id().equals("TRACE-1") || c.id().equals("TRACE-2"))
                .toList();
        RunSettings settings = new RunSettings(
                SEED,
                null,
                "sat4j",
                120,
                null,
                "CLAIMS.md",
                List.of(HOME.relativize(spec).toString()),
                List.of("TRACE-1", "TRACE-2"),
                1234);
        return ClaimsReport.of(claims, alloy, properties, settings);
    }

    /** Writes the report's index.html into {@code dir} and returns its path. */
    static Path writeHtml(ClaimsReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path html = dir.resolve("index.html");
        Files.writeString(html, ReportRenderer.html(dir, HOME).render(report));
        return html;
    }
}
