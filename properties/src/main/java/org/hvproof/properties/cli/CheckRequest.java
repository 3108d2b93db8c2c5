package org.hvproof.properties.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.hvproof.properties.report.CatalogueEntry;
import org.hvproof.properties.report.ClaimCatalogue;
import org.hvproof.properties.report.Shard;
import org.hvproof.specs.AlloyRunner;
import org.hvproof.specs.SolverChoice;
import org.hvproof.specs.SpecError;
import org.hvproof.specs.SpecText;
import picocli.CommandLine.Option;

/**
 * What {@code hvproof check} was asked to do, every option parsed and checked: a request that
 * exists is one that can run. Built by {@link Options#parse(HvproofPaths)}, the one place option
 * values are judged, before anything is solved.
 *
 * @param catalogue the catalogue read
 * @param claims    the selected claims, in catalogue order
 * @param tries     tries per property, or null for each property's own
 * @param seed      the run's seed (a fresh one when none was given)
 * @param replay    a replay token to re-run, or null
 * @param solver    the SAT solver's id, resolved (never null)
 * @param alloyTimeout the time limit per Alloy command; zero for none
 * @param specs     the spec directories and files: the project's specs, then any {@code --specs}
 * @param out       the report directory, created and writable
 * @param shard     the share of the claims' commands and properties to run; {@link Shard#WHOLE} for all
 */
public record CheckRequest(
        ClaimCatalogue catalogue,
        List<CatalogueEntry> claims,
        Integer tries,
        long seed,
        String replay,
        String solver,
        Duration alloyTimeout,
        List<Path> specs,
        Path out,
        Shard shard,
        Optional<PlantedFlaw> flaw) {

    /** The shape of a propcheck replay token: {@code pc1.<property id>.<choices, base64url>}. */
    static final Pattern REPLAY_TOKEN = Pattern.compile("pc1\\.[0-9a-f]+\\.[A-Za-z0-9_-]*");

    /**
     * The most tries per property {@code --tries} accepts: far beyond any CI run (a deep run is about a
     * million), and far below where a count of cases could overflow an int; a larger value is a typo.
     */
    static final int MAX_TRIES = 100_000_000;

    /** The time limit per Alloy command unless {@code --alloy-timeout} says otherwise: ten minutes. */
    static final long DEFAULT_ALLOY_TIMEOUT_SECONDS = 600;

    public CheckRequest {
        claims = List.copyOf(claims);
        specs = List.copyOf(specs);
    }

    /** The selected claims' ids. */
    public List<String> claimIds() {
        return claims.stream().map(CatalogueEntry::id).toList();
    }

    /** The options of {@code check} as picocli fills them in, unjudged. */
    static final class Options {
        @Option(
                names = "--claim",
                paramLabel = "ID",
                description = "A claim id (TRACE-1) or group (TRACE); repeatable. Default: every claim in CLAIMS.md.")
        List<String> claims = new ArrayList<>();

        @Option(
                names = "--tries",
                paramLabel = "N",
                description =
                        "Tries (traces, or pairs of runs) per property, 1 to 100000000. Default: each property's own (1000 traces or pairs; 6 to 100 runs for each Alloy conformance check).")
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
                names = "--alloy-timeout",
                paramLabel = "SECONDS",
                description =
                        "Time limit per Alloy command; a command still running then is reported as TIMEOUT and fails the gate. 0: no limit. Default: 600.")
        Long alloyTimeout;

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

        @Option(
                names = "--shard",
                paramLabel = "I/N",
                description =
                        "Run only shard I of N: whole Alloy commands and whole properties, dealt round-robin by name, each run as in an unsharded run. Needs --seed (the same on every shard); join the shards' reports with 'hvproof merge'.")
        String shard;

        @Option(names = "--catalogue", paramLabel = "FILE", description = "The claims catalogue. Default: CLAIMS.md.")
        Path catalogue;

        @Option(
                names = "--flaw",
                paramLabel = "NAME",
                description =
                        "Plant a deliberate bug (an <M>ImplFlaw constant, or mechanism:NAME) in its mechanism's implementation, to watch the gate catch it: that mechanism's properties run against it. Default claims: those the flaw declares it breaks. Exits 1 when they are violated, as they should be.")
        String flaw;

        /**
         * Judges every option and builds the request; cheap checks first, so a typo costs no solving.
         *
         * @throws BadInput naming the option, its value and what is wrong with it
         * @throws ClaimCatalogue.CatalogueException when the catalogue cannot be read or is malformed
         */
        CheckRequest parse(HvproofPaths paths) {
            if (tries != null && tries < 1) {
                throw new BadInput("--tries must be at least 1, got " + tries);
            }
            if (tries != null && tries > MAX_TRIES) {
                throw new BadInput("--tries must be at most " + MAX_TRIES + " (100 million), got " + tries);
            }
            if (alloyTimeout != null && alloyTimeout < 0) {
                throw new BadInput(
                        "--alloy-timeout must be 0 (no limit) or a positive number of seconds, got " + alloyTimeout);
            }
            for (Path p : specs) {
                readableSpecs(p);
            }
            if (solver != null && solver.isBlank()) {
                throw BadInput.option(
                        "--solver",
                        "'" + solver + "'",
                        "empty; valid solvers: " + String.join(", ", SolverChoice.NAMES) + " (or " + SolverChoice.AUTO
                                + ")");
            }
            String resolvedSolver;
            try {
                resolvedSolver = SolverChoice.resolve(solver);
            } catch (IllegalArgumentException e) {
                throw BadInput.option("--solver", solver, e.getMessage());
            }
            if (replay != null && !REPLAY_TOKEN.matcher(replay.trim()).matches()) {
                throw BadInput.option(
                        "--replay",
                        replay,
                        "not a replay token (they look like pc1.1a2b3c4d.AQIDBA, as printed after 'replay' in a failure report)");
            }
            Shard share = Shard.WHOLE;
            if (shard != null) {
                try {
                    share = Shard.parse(shard);
                } catch (IllegalArgumentException e) {
                    throw BadInput.option("--shard", shard, e.getMessage());
                }
                if (seed == null) {
                    throw BadInput.option(
                            "--shard",
                            shard,
                            "needs --seed: every shard must run on the same seed, or the merged run is no one run (in CI, pass e.g. the pipeline's run id to every shard)");
                }
                if (replay != null) {
                    throw BadInput.option(
                            "--shard", shard, "cannot be used with --replay, which re-runs one case: run it unsharded");
                }
            }
            Optional<PlantedFlaw> planted = Optional.ofNullable(flaw).map(PlantedFlaw::parse);
            if (planted.isPresent() && shard != null) {
                throw BadInput.option(
                        "--flaw", flaw, "cannot be used with --shard: a flawed run is a demonstration, run it whole");
            }
            Path outDir = out != null ? out : paths.reportDir();
            writable(outDir);
            // A planted flaw without --claim checks the claims it declares it breaks, not all of them.
            List<String> wanted =
                    claims.isEmpty() && planted.isPresent() ? planted.get().claimsItBreaks() : claims;
            SelectedClaims selected = SelectedClaims.read(catalogue, paths, wanted, "--claim");
            List<Path> allSpecs = new ArrayList<>();
            allSpecs.add(paths.specs());
            allSpecs.addAll(specs);
            return new CheckRequest(
                    selected.catalogue(),
                    selected.claims(),
                    tries,
                    seed != null ? seed : ThreadLocalRandom.current().nextLong(),
                    replay == null ? null : replay.trim(),
                    resolvedSolver,
                    Duration.ofSeconds(alloyTimeout != null ? alloyTimeout : DEFAULT_ALLOY_TIMEOUT_SECONDS),
                    allSpecs,
                    outDir,
                    share,
                    planted);
        }

        /**
         * A {@code --specs} path that exists, holds at least one .als file, and whose .als files are
         * UTF-8: a directory without specs would add nothing and pass silently, and a bad byte would
         * surface only as Java's "Input length = 1".
         */
        private static void readableSpecs(Path p) {
            if (!Files.exists(p)) {
                throw BadInput.option("--specs", p, "no such file or directory");
            }
            List<Path> found;
            try {
                found = AlloyRunner.findSpecs(p);
            } catch (IOException | UncheckedIOException e) {
                throw BadInput.option("--specs", p, "cannot list its specs (" + e.getMessage() + ")");
            }
            if (found.isEmpty()) {
                throw BadInput.option("--specs", p, "no .als file in this directory");
            }
            for (Path spec : found) {
                try {
                    SpecText.read(spec);
                } catch (SpecError e) {
                    throw new BadInput("--specs " + e.getMessage());
                }
            }
        }

        /** Before the run, not after: a report that cannot be written should not cost minutes of solving. */
        private static void writable(Path dir) {
            try {
                Files.createDirectories(dir);
                if (!Files.isWritable(dir)) {
                    throw new IOException("not writable");
                }
            } catch (IOException | SecurityException e) {
                throw BadInput.option("--out", dir, "cannot write the report there (" + e.getMessage() + ")");
            }
        }
    }
}
