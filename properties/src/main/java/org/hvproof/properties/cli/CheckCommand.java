package org.hvproof.properties.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.report.AlloyBackend;
import org.hvproof.properties.report.AlloyCheck;
import org.hvproof.properties.report.ClaimsReport;
import org.hvproof.properties.report.PropertyBackend;
import org.hvproof.properties.report.PropertyCheck;
import org.hvproof.properties.report.ReportRenderer;
import org.hvproof.properties.report.RunSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hvproof check}: the gate. Parses its options into a {@link CheckRequest}, runs the selected
 * claims' Alloy commands and properties, prints the console table and writes claims.json and
 * index.html and junit.xml; exits 0 only when every selected claim holds and no untagged command failed.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the selected claims (all by default) and prints the claims table.",
            "Runs every Alloy command and every property of each claim, writes claims.json, index.html and junit.xml.",
            "Exit codes: 0 every claim holds, 1 some claim is violated or unchecked, 2 bad input.",
            "With --shard I/N: runs that shard's share; exits 0 when none of its evidence failed ('hvproof merge' decides)."
        })
final class CheckCommand implements Callable<Integer> {
    @Mixin
    CheckRequest.Options options = new CheckRequest.Options();

    @Option(
            names = "--full-state",
            description =
                    "In a failure report, print the whole state after the failing step, not only what each step changed.")
    boolean fullState;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HvproofPaths paths;
    private final AlloyBackend alloyBackend;
    private final PropertyBackend propertyBackend;

    CheckCommand(HvproofPaths paths, AlloyBackend alloyBackend, PropertyBackend propertyBackend) {
        this.paths = paths;
        this.alloyBackend = alloyBackend;
        this.propertyBackend = propertyBackend;
    }

    @Override
    public Integer call() {
        CheckRequest request = options.parse(paths);
        if (fullState) {
            System.setProperty(Settings.FULL_STATE, "true");
        }
        ClaimsReport report = run(request, spec.commandLine().getErr());
        write(report, request.out());
        PrintWriter console = spec.commandLine().getOut();
        console.println();
        console.print(ReportRenderer.console().render(report));
        console.println();
        console.println("report: " + HvproofPaths.claimsJson(request.out()) + ", "
                + HvproofPaths.indexHtml(request.out()) + " and " + HvproofPaths.junitXml(request.out()));
        console.flush();
        return report.passes() ? HvproofCommand.EXIT_OK : HvproofCommand.EXIT_CLAIMS_FAIL;
    }

    /** Solves the claims' Alloy commands, runs their properties and joins the evidence; progress goes to {@code err}. */
    ClaimsReport run(CheckRequest request, PrintWriter err) {
        Set<String> ids = new LinkedHashSet<>(request.claimIds());
        err.printf(
                Locale.ROOT, "hvproof: checking %d claim(s): %s%n", ids.size(), String.join(" ", request.claimIds()));
        if (!request.shard().whole()) {
            err.printf(
                    Locale.ROOT,
                    "hvproof: shard %s: this shard's share of the commands and properties%n",
                    request.shard());
        }
        request.flaw()
                .ifPresent(f -> err.printf(
                        Locale.ROOT,
                        "hvproof: planted flaw %s: %s's properties run against a deliberately broken implementation;"
                                + " the claims it breaks (%s) should come out VIOLATED%n",
                        f,
                        f.mechanism().name(),
                        String.join(" ", f.claimsItBreaks())));
        err.printf(Locale.ROOT, "hvproof: Alloy commands from %s%n", request.specs());
        err.flush();
        long t0 = System.nanoTime();
        // Only the selected claims' commands are solved, plus every command that names no claim (and every
        // spec that does not parse): those still fail the run when they miss their expectation.
        List<AlloyCheck> alloy = alloyBackend.run(
                request.specs(), request.solver(), request.alloyTimeout(), ids, request.shard(), line -> {
                    err.println("  alloy    " + line);
                    err.flush();
                });
        err.printf(
                Locale.ROOT,
                "hvproof: properties (seed %d, tries %s)%n",
                request.seed(),
                request.tries() == null ? "per property" : request.tries().toString());
        err.flush();
        List<PropertyCheck> props = propertyBackend.run(
                ids,
                request.tries(),
                request.seed(),
                request.replay(),
                request.shard(),
                request.flaw().map(PlantedFlaw::flaw).orElse(null),
                line -> {
                    err.println("  property " + line);
                    err.flush();
                });
        RunSettings settings = new RunSettings(
                request.seed(),
                request.tries(),
                request.solver(),
                request.alloyTimeout().toSeconds(),
                request.replay(),
                paths.shown(Path.of(request.catalogue().name())),
                request.specs().stream().map(paths::shown).toList(),
                request.claimIds(),
                (System.nanoTime() - t0) / 1_000_000,
                request.shard());
        return ClaimsReport.of(request.claims(), alloy, props, settings);
    }

    /** Writes each file form of the report into {@code dir}. */
    static void write(ClaimsReport report, Path dir) {
        Map<Path, ReportRenderer> files = Map.of(
                HvproofPaths.claimsJson(dir), ReportRenderer.json(),
                HvproofPaths.indexHtml(dir),
                        ReportRenderer.html(
                                dir, HvproofPaths.fromSystemProperty().home()),
                HvproofPaths.junitXml(dir), ReportRenderer.junit());
        try {
            Files.createDirectories(dir);
            for (Map.Entry<Path, ReportRenderer> f : files.entrySet()) {
                Files.writeString(f.getKey(), f.getValue().render(report), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the claims report to " + dir + ": " + e.getMessage(), e);
        }
    }
}
