package org.hvproof.properties.report;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hvproof}: the main job. {@code hvproof check} runs every Alloy command and every
 * property for every claim in CLAIMS.md, prints the claims table, writes claims.json and
 * index.html, and exits 0 only when every selected claim holds.
 */
@Command(
        name = "hvproof",
        mixinStandardHelpOptions = true,
        version = "hvproof 0.1.0",
        description = "Checks hypervisor security claims with Alloy 6 specifications and generated traces.",
        subcommands = {HvproofCommand.Check.class, HvproofCommand.ListClaims.class})
public final class HvproofCommand implements Callable<Integer> {

    /** Exit code when a claim does not hold. */
    public static final int EXIT_CLAIMS_FAIL = 1;
    /** Exit code for bad input: a wrong option, an unreadable catalogue, an unknown claim. */
    public static final int EXIT_USAGE = 2;

    /** The shape of a propcheck replay token: {@code pc1.<property id>.<choices, base64url>}. */
    static final java.util.regex.Pattern REPLAY_TOKEN =
            java.util.regex.Pattern.compile("pc1\\.[0-9a-f]+\\.[A-Za-z0-9_-]*");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    /** Where the project lives: {@code -Dhvproof.home}, set by the ./hvproof script, or the working directory. */
    static Path home() {
        return Path.of(System.getProperty("hvproof.home", ".")).toAbsolutePath().normalize();
    }

    static List<CatalogueEntry> select(ClaimCatalogue catalogue, List<String> selectors) {
        if (selectors == null || selectors.isEmpty()) {
            return catalogue.entries();
        }
        List<CatalogueEntry> chosen = new ArrayList<>();
        for (String selector : selectors) {
            List<CatalogueEntry> matched = catalogue.entries().stream()
                    .filter(e -> ClaimId.selects(selector, e.id()))
                    .toList();
            if (matched.isEmpty()) {
                throw new IllegalArgumentException(
                        "--claim " + selector + ": no claim in CLAIMS.md has that id or group (known: "
                                + String.join(
                                        ", ",
                                        catalogue.entries().stream()
                                                .map(CatalogueEntry::id)
                                                .toList()) + ")");
            }
            for (CatalogueEntry e : matched) {
                if (!chosen.contains(e)) {
                    chosen.add(e);
                }
            }
        }
        // Keep catalogue order whatever order the options came in.
        return catalogue.entries().stream().filter(chosen::contains).toList();
    }

    /** {@code hvproof check}: the gate. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Checks the selected claims (all by default) and prints the claims table.",
                "Runs every Alloy command and every property of each claim, writes claims.json and index.html.",
                "Exit codes: 0 every claim holds, 1 some claim is violated or unchecked, 2 bad input."
            })
    public static final class Check implements Callable<Integer> {
        @Option(
                names = "--claim",
                paramLabel = "ID",
                description = "A claim id (TRACE-1) or group (TRACE); repeatable. Default: every claim in CLAIMS.md.")
        List<String> claims = new ArrayList<>();

        @Option(
                names = "--tries",
                paramLabel = "N",
                description =
                        "Tries (traces, or pairs of runs) per property. Default: each property's own (1000 traces or pairs; 200 runs for the Alloy conformance check).")
        Integer tries;

        @Option(
                names = "--seed",
                paramLabel = "S",
                description =
                        "The run's seed; each property derives its own from it and the report records it. Default: a fresh one.")
        Long seed;

        @Option(
                names = "--replay",
                paramLabel = "TOKEN",
                description =
                        "Re-run exactly the failing case a report printed (its 'replay' token); use with --claim.")
        String replay;

        @Option(
                names = "--solver",
                paramLabel = "NAME",
                description =
                        "SAT solver for Alloy: minisat, minisat.prover, glucose, sat4j. Default: a native one if it loads, else sat4j.")
        String solver;

        @Option(
                names = "--specs",
                paramLabel = "DIR",
                description =
                        "Extra directory or .als file of Alloy specs; repeatable. specs/src/main/alloy is always included.")
        List<Path> specs = new ArrayList<>();

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Where claims.json and index.html go. Default: target/claims.")
        Path out;

        @Option(names = "--catalogue", paramLabel = "FILE", description = "The claims catalogue. Default: CLAIMS.md.")
        Path catalogue;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        private final AlloyBackend alloyBackend;
        private final PropertyBackend propertyBackend;

        /** The command as the CLI runs it, with the real backends. */
        public Check() {
            this(Backends.alloy(), Backends.properties());
        }

        /** The command with given backends, for tests. */
        public Check(AlloyBackend alloyBackend, PropertyBackend propertyBackend) {
            this.alloyBackend = alloyBackend;
            this.propertyBackend = propertyBackend;
        }

        @Override
        public Integer call() {
            java.io.PrintWriter console = spec.commandLine().getOut();
            PrintStream err = System.err;
            if (tries != null && tries < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--tries must be at least 1, got " + tries);
            }
            for (Path p : specs) {
                if (!Files.exists(p)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--specs " + p + ": no such file or directory");
                }
            }
            if (solver != null) {
                try {
                    org.hvproof.specs.SolverChoice.resolve(solver);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--solver " + solver + ": " + e.getMessage());
                }
            }
            if (replay != null && !REPLAY_TOKEN.matcher(replay.trim()).matches()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--replay " + replay
                                + ": not a replay token (they look like pc1.1a2b3c4d.AQIDBA, as printed after 'replay' in a failure report)");
            }
            Path home = home();
            Path outDir = out != null ? out : home.resolve("target/claims");
            try {
                // Before the run, not after: a report that cannot be written should not cost minutes of solving.
                Files.createDirectories(outDir);
                if (!Files.isWritable(outDir)) {
                    throw new java.io.IOException("not writable");
                }
            } catch (java.io.IOException | SecurityException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--out " + outDir + ": cannot write the report there (" + e.getMessage() + ")");
            }
            ClaimCatalogue cat = ClaimCatalogue.read(catalogue != null ? catalogue : home.resolve("CLAIMS.md"));
            List<CatalogueEntry> selected;
            try {
                selected = select(cat, claims);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Set<String> ids = new LinkedHashSet<>();
            selected.forEach(e -> ids.add(e.id()));
            long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();

            List<Path> specPaths = new ArrayList<>();
            specPaths.add(home.resolve("specs/src/main/alloy"));
            specPaths.addAll(specs);

            err.printf(Locale.ROOT, "hvproof: checking %d claim(s): %s%n", ids.size(), String.join(" ", ids));
            err.printf(Locale.ROOT, "hvproof: Alloy commands from %s%n", specPaths);
            long t0 = System.nanoTime();
            // Only the selected claims' commands are solved, plus every command that names no claim (and every
            // spec that does not parse): those still fail the run below when they miss their expectation.
            List<AlloyCheck> alloy =
                    alloyBackend.run(specPaths, solver, ids, line -> err.println("  alloy    " + line));
            err.printf(
                    Locale.ROOT,
                    "hvproof: properties (seed %d, tries %s)%n",
                    runSeed,
                    tries == null ? "per property" : tries.toString());
            List<PropertyCheck> props =
                    propertyBackend.run(ids, tries, runSeed, replay, line -> err.println("  property " + line));
            List<ClaimResult> results =
                    selected.stream().map(e -> ClaimResult.of(e, alloy, props)).toList();
            String settings = String.format(
                    Locale.ROOT,
                    "seed %d, tries %s, solver %s, %.1f s",
                    runSeed,
                    tries == null ? "default" : tries.toString(),
                    solver == null ? "default" : solver,
                    (System.nanoTime() - t0) / 1e9);
            ClaimsReport report = new ClaimsReport(results, settings);
            report.write(outDir);

            console.println();
            console.print(report.table());
            List<AlloyCheck> stray = alloy.stream()
                    .filter(a -> !a.asExpected() && a.claimIds().isEmpty())
                    .toList();
            String failures = report.failures();
            if (!failures.isEmpty()) {
                console.println();
                console.print(failures);
            }
            for (AlloyCheck a : stray) {
                console.println("== " + a.spec() + " :: " + a.command() + ": " + a.outcome()
                        + (a.detail().isEmpty()
                                ? ""
                                : "\n      " + a.detail().strip().replace("\n", "\n      ")));
            }
            console.println();
            console.println("report: " + outDir.resolve("claims.json") + " and " + outDir.resolve("index.html"));
            console.flush();
            return report.allHold() && stray.isEmpty() ? 0 : EXIT_CLAIMS_FAIL;
        }
    }

    /** {@code hvproof list}: the catalogue, one claim a line. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the claims in CLAIMS.md.")
    public static final class ListClaims implements Callable<Integer> {
        @Option(names = "--claim", paramLabel = "ID", description = "A claim id or group; repeatable.")
        List<String> claims = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ClaimCatalogue cat = ClaimCatalogue.read(home().resolve("CLAIMS.md"));
            List<CatalogueEntry> selected;
            try {
                selected = select(cat, claims);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            for (CatalogueEntry e : selected) {
                System.out.printf(Locale.ROOT, "%-8s %-11s %s%n", e.id(), e.mechanism(), e.statement());
            }
            return 0;
        }
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code: bad input is a short message and code 2, never a stack trace. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new HvproofCommand());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ClaimCatalogue.CatalogueException
                    || ex instanceof CommandLine.ParameterException
                    || ex instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("hvproof: " + ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("hvproof: " + ex.getMessage());
            ex.getCommandLine()
                    .getErr()
                    .println("Try 'hvproof "
                            + (ex.getCommandLine().getCommandName().equals("hvproof")
                                    ? ""
                                    : ex.getCommandLine().getCommandName() + " ")
                            + "--help'.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }
}
