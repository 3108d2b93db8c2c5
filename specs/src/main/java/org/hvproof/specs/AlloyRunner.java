package org.hvproof.specs;

import edu.mit.csail.sdg.alloy4.A4Reporter;
import edu.mit.csail.sdg.alloy4.Err;
import edu.mit.csail.sdg.alloy4.ErrorWarning;
import edu.mit.csail.sdg.alloy4.Pos;
import edu.mit.csail.sdg.ast.Assert;
import edu.mit.csail.sdg.ast.Command;
import edu.mit.csail.sdg.parser.CompModule;
import edu.mit.csail.sdg.parser.CompUtil;
import edu.mit.csail.sdg.translator.A4Options;
import edu.mit.csail.sdg.translator.A4Solution;
import edu.mit.csail.sdg.translator.TranslateAlloyToKodkod;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs every command of every Alloy spec it is given and compares each outcome with the
 * command's {@code expect}. Parsing and solving errors become {@link Outcome#ERROR}
 * outcomes located as {@code FILE:LINE:COL: message}; one broken spec never stops the others.
 *
 * <pre>{@code
 * AlloyRunner runner = new AlloyRunner(null, RunListener.NONE);   // null: minisat, else sat4j
 * List<CommandOutcome> outcomes = runner.run(List.of(Path.of("specs/src/main/alloy")));
 * }</pre>
 *
 * A command's claim ids come from its name ({@code TRACE_1_...} speaks for {@code TRACE-1}),
 * or for a {@code model_...} command from the {@code Supports} tag above it (see
 * {@link ClaimIds}); {@link SpecLint} holds the specs to that style.
 */
public final class AlloyRunner {

    /** Where the specs live, relative to the repository root. */
    public static final Path SPEC_DIR_IN_REPO = Path.of("specs", "src", "main", "alloy");

    /** Where the specs live, relative to the specs module (Surefire's working directory). */
    public static final Path SPEC_DIR_IN_MODULE = Path.of("src", "main", "alloy");

    /** Where the specs are packaged on the classpath. */
    public static final String SPEC_RESOURCE_DIR = "alloy";

    /**
     * The warning for a spec without commands. A warning, not an error: a module of definitions
     * that other specs open is good Alloy, and a claim left without a check is still caught as
     * unchecked by the claims report.
     */
    public static final String NO_COMMANDS = "no commands (nothing to solve in this file)";

    /** No time limit: a command may solve for as long as it takes. */
    public static final Duration NO_TIMEOUT = Duration.ZERO;

    private final String solver;
    private final RunListener listener;
    private final Duration timeout;

    /** The default solver, no progress reporting, no time limit. */
    public AlloyRunner() {
        this(null, RunListener.NONE);
    }

    /**
     * A runner without a time limit.
     *
     * @param solverName a name from {@link SolverChoice#NAMES}, or null / {@code auto} for the default
     * @param listener   progress callbacks; {@link RunListener#NONE} for none
     * @throws IllegalArgumentException for an unknown solver name or one that does not load here
     */
    public AlloyRunner(String solverName, RunListener listener) {
        this(solverName, listener, NO_TIMEOUT);
    }

    /**
     * A runner that gives each command at most {@code timeout} (translation and solving); a command
     * still running then is reported as {@link Outcome#TIMEOUT} at once, and its solver is stopped
     * where it can be (see {@link SolveCancellation}). One hard spec cannot stall the others.
     *
     * @param timeout the limit per command; {@link #NO_TIMEOUT} (zero) for none
     * @throws IllegalArgumentException as {@link #AlloyRunner(String, RunListener)}, or for a negative timeout
     */
    public AlloyRunner(String solverName, RunListener listener, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException(
                    "the time limit per command must be zero (none) or positive, got " + timeout);
        }
        this.solver = SolverChoice.resolve(solverName);
        this.listener = listener == null ? RunListener.NONE : RunListener.serialized(listener);
        this.timeout = timeout;
    }

    /** The time limit per command; zero when there is none. */
    public Duration timeout() {
        return timeout;
    }

    /** The id of the SAT solver this runner uses, e.g. {@code minisat}. */
    public String solver() {
        return solver;
    }

    /**
     * Parses and executes everything in {@code specDirsOrFiles}; outcomes come back in path
     * order, command by command, whatever order the solver threads finished in.
     */
    public List<CommandOutcome> run(List<Path> specDirsOrFiles) {
        return executeAll(plan(specDirsOrFiles));
    }

    /**
     * Solvers running at once: {@code -Dhvproof.alloy.threads=N}, else one per available
     * processor. Each command is solved on one thread; commands are independent, and a spec's
     * parsed module is only read while solving.
     */
    public static int threads() {
        int configured =
                Integer.getInteger("hvproof.alloy.threads", Runtime.getRuntime().availableProcessors());
        return Math.max(1, configured);
    }

    /** Executes {@code commands} on {@link #threads()} threads; the result keeps their order. */
    public List<CommandOutcome> executeAll(List<SpecCommand> commands) {
        List<java.util.concurrent.Future<CommandOutcome>> pending = submitAll(commands);
        List<CommandOutcome> outcomes = new ArrayList<>();
        for (java.util.concurrent.Future<CommandOutcome> f : pending) {
            outcomes.add(await(f));
        }
        return outcomes;
    }

    /**
     * Starts solving every command in the background and returns one future per command, in
     * order; a caller (a JUnit factory) can then report each as it is ready.
     */
    public List<java.util.concurrent.Future<CommandOutcome>> submitAll(List<SpecCommand> commands) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(threads(), Math.max(1, commands.size())), r -> {
                    Thread t = new Thread(r, "alloy-solver");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<CommandOutcome>> futures = new ArrayList<>();
            for (SpecCommand command : commands) {
                futures.add(pool.submit(() -> execute(command)));
            }
            return futures;
        } finally {
            pool.shutdown();
        }
    }

    /** The outcome of a submitted command; a solver thread that died is reported as the command's error. */
    public static CommandOutcome await(java.util.concurrent.Future<CommandOutcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Alloy solver", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Alloy solver thread failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Parses every spec under {@code specDirsOrFiles} (directories are searched for
     * {@code .als} files) and lists its commands without solving anything. A spec that
     * cannot be read or parsed, or a path that does not exist, yields one
     * {@link SpecCommand#WHOLE_SPEC} entry that executes to its error.
     */
    public List<SpecCommand> plan(List<Path> specDirsOrFiles) {
        List<SpecCommand> commands = new ArrayList<>();
        for (Path given : specDirsOrFiles) {
            if (!Files.exists(given)) {
                commands.add(SpecCommand.unreadable(given, given + ":1:1: no such file or directory"));
                continue;
            }
            List<Path> specs;
            try {
                specs = findSpecs(given);
            } catch (IOException e) {
                commands.add(SpecCommand.unreadable(given, given + ":1:1: cannot list specs: " + e.getMessage()));
                continue;
            }
            for (Path spec : specs) {
                List<SpecCommand> ofSpec = planOne(spec);
                commands.addAll(ofSpec);
            }
        }
        return commands;
    }

    /** Parses one spec into its commands; a parse error is reported, not thrown. */
    private List<SpecCommand> planOne(Path spec) {
        try {
            List<SpecCommand> commands = parse(spec);
            listener.specParsed(spec, commands.size());
            return commands;
        } catch (SpecError e) {
            listener.specParsed(spec, 0);
            return List.of(SpecCommand.unreadable(spec, e.toString()));
        }
    }

    /**
     * Parses one spec and lists its commands with their claim ids.
     *
     * @throws SpecError when Alloy rejects the spec or it cannot be read
     */
    public List<SpecCommand> parse(Path spec) throws SpecError {
        List<String> lines = SpecText.read(spec).lines().toList();
        CompModule world;
        try {
            world = CompUtil.parseEverything_fromFile(new WarningForwarder(spec), null, spec.toString());
        } catch (Err e) {
            throw SpecError.from(e, spec);
        }
        List<SpecCommand> commands = new ArrayList<>();
        for (Command command : world.getAllCommands()) {
            if (command.pos == Pos.UNKNOWN) {
                // Alloy's stand-in "run Default" for a module without commands: nothing the spec asked for.
                continue;
            }
            commands.add(SpecCommand.of(spec, world, command, claimIdsOf(world, command, lines)));
        }
        if (commands.isEmpty()) {
            listener.warning(spec, spec + ": " + NO_COMMANDS);
        }
        return commands;
    }

    /**
     * The claims a command speaks for. A name {@code GROUP_n_...} gives {@code GROUP-n} and
     * nothing else; a {@code model_...} command the ids of the {@code Supports} tags above
     * its assert (for a check of a named assert) and above itself. Any other name is read the
     * old way, every id in the comments above its assert and itself: a fallback while specs
     * move to the house style, which {@link SpecLint} reports as a misnamed command.
     */
    static Set<String> claimIdsOf(CompModule world, Command command, List<String> lines) {
        Optional<String> named = ClaimIds.ofName(command.label);
        if (named.isPresent()) {
            return Set.of(named.get());
        }
        boolean model = command.label.startsWith(ClaimIds.MODEL_PREFIX);
        Set<String> ids = new LinkedHashSet<>();
        if (command.check) {
            int assertLine = assertLine(world, command.label, lines);
            if (assertLine > 0 && assertLine != command.pos.y) {
                ids.addAll(model ? ClaimIds.supportedAbove(lines, assertLine) : ClaimIds.above(lines, assertLine));
            }
        }
        ids.addAll(model ? ClaimIds.supportedAbove(lines, command.pos.y) : ClaimIds.above(lines, command.pos.y));
        return ids;
    }

    /** 1-based line of {@code assert name}, from the AST or else the text; 0 when absent. */
    static int assertLine(CompModule world, String name, List<String> lines) {
        for (Assert candidate : world.getAllAssertions()) {
            if (candidate.label.equals(name) && candidate.pos != null && candidate.pos.y > 0) {
                return candidate.pos.y;
            }
        }
        Pattern declaration = Pattern.compile("^\\s*assert\\s+" + Pattern.quote(name) + "\\b");
        for (int i = 0; i < lines.size(); i++) {
            if (declaration.matcher(lines.get(i)).find()) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Solves one command and compares the result with its {@code expect}. Never throws. */
    public CommandOutcome execute(SpecCommand command) {
        CommandOutcome outcome = solve(command);
        listener.commandFinished(outcome);
        return outcome;
    }

    private CommandOutcome solve(SpecCommand command) {
        if (command.error() != null) {
            return error(command, command.error(), 0);
        }
        if (command.expect() < 0) {
            return error(
                    command,
                    command.location() + ": " + (command.check() ? "check " : "run ") + command.command()
                            + " has no expect; every command must state expect 0 or expect 1",
                    0);
        }
        listener.commandStarted(command);
        long start = System.nanoTime();
        if (timeout.isZero()) {
            return solveNow(command, new SolveCancellation(), start);
        }
        // The solve runs on a thread of its own, so this one can give up on it at the deadline: a native
        // solver cannot be interrupted, and the gate must still finish and report.
        SolveCancellation cancellation = new SolveCancellation();
        FutureTask<CommandOutcome> task = new FutureTask<>(() -> solveNow(command, cancellation, start));
        Thread worker = new Thread(task, "alloy-solve " + command.displayName());
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cancellation.cancel();
            worker.interrupt();
            return timedOut(command, elapsed(start));
        } catch (InterruptedException e) {
            cancellation.cancel();
            worker.interrupt();
            Thread.currentThread().interrupt();
            return error(command, command.location() + ": interrupted while solving", elapsed(start));
        } catch (ExecutionException e) {
            return error(
                    command, command.location() + ": solver " + solver + " failed: " + e.getCause(), elapsed(start));
        }
    }

    /** Translates and solves {@code command} on the calling thread; errors become outcomes. */
    private CommandOutcome solveNow(SpecCommand command, SolveCancellation cancellation, long start) {
        A4Options options = new A4Options();
        options.solver = cancellation.factory(solver);
        options.originalFilename = command.path().toString();
        try {
            A4Solution solution = TranslateAlloyToKodkod.execute_command(
                    new ProgressForwarder(command, cancellation),
                    command.world().getAllReachableSigs(),
                    command.alloyCommand(),
                    options);
            long millis = (System.nanoTime() - start) / 1_000_000;
            Outcome found = Outcome.of(command.check(), solution.satisfiable());
            String rendering =
                    solution.satisfiable() ? SolutionRenderer.render(solution, command.world(), command.command()) : "";
            return new CommandOutcome(
                    command.spec(),
                    command.command(),
                    command.check(),
                    command.expect(),
                    found,
                    found.expectValue() == command.expect(),
                    millis,
                    command.scope(),
                    solver,
                    command.claimIds(),
                    rendering,
                    "");
        } catch (Err e) {
            return error(command, SpecError.from(e, command.path()).toString(), elapsed(start));
        } catch (RuntimeException | LinkageError e) {
            return error(command, command.location() + ": solver " + solver + " failed: " + e, elapsed(start));
        }
    }

    /** The outcome of a command still running at its deadline; the message names the command and the limit. */
    private CommandOutcome timedOut(SpecCommand command, long millis) {
        return new CommandOutcome(
                command.spec(),
                command.command(),
                command.check(),
                command.expect(),
                Outcome.TIMEOUT,
                false,
                millis,
                command.scope(),
                solver,
                command.claimIds(),
                "",
                command.location() + ": " + (command.check() ? "check " : "run ") + command.command()
                        + " gave no answer within its time limit of " + describe(timeout));
    }

    /** {@code 600 s}, or {@code 250 ms} below a second. */
    public static String describe(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private CommandOutcome error(SpecCommand command, String message, long millis) {
        return new CommandOutcome(
                command.spec(),
                command.command(),
                command.check(),
                command.expect(),
                Outcome.ERROR,
                false,
                millis,
                command.scope(),
                solver,
                command.claimIds(),
                "",
                message);
    }

    /** {@code path} itself if it is a file, else every {@code .als} file below it, sorted. */
    public static List<Path> findSpecs(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".als"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * The specs packaged in this module's jar (or its classes directory), copied to a fresh
     * temporary directory so Alloy can read them as files. For running without a checkout.
     */
    public static Path bundledSpecs() throws IOException {
        URL url = AlloyRunner.class.getClassLoader().getResource(SPEC_RESOURCE_DIR);
        if (url == null) {
            throw new IOException("no " + SPEC_RESOURCE_DIR + "/ directory on the classpath");
        }
        Path target = Files.createTempDirectory("hvproof-specs");
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("bad resource URL " + url, e);
        }
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copySpecs(jar.getPath(SPEC_RESOURCE_DIR), target);
            }
        } else {
            copySpecs(Path.of(uri), target);
        }
        return target;
    }

    private static void copySpecs(Path from, Path to) throws IOException {
        for (Path spec : findSpecs(from)) {
            Path dest = to.resolve(from.relativize(spec).toString());
            Files.createDirectories(dest.getParent());
            try (InputStream in = Files.newInputStream(spec)) {
                Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Hands Alloy's parse warnings, located, to the listener. */
    private final class WarningForwarder extends A4Reporter {
        private final Path spec;

        WarningForwarder(Path spec) {
            this.spec = spec;
        }

        @Override
        public void warning(ErrorWarning warning) {
            listener.warning(spec, SpecError.from(warning, spec).toString());
        }
    }

    /** Hands Alloy's translation and solving progress for one command to the listener. */
    private final class ProgressForwarder extends A4Reporter {
        private final SpecCommand command;
        private final SolveCancellation cancellation;

        ProgressForwarder(SpecCommand command, SolveCancellation cancellation) {
            this.command = command;
            this.cancellation = cancellation;
        }

        @Override
        public void warning(ErrorWarning warning) {
            listener.warning(
                    command.path(), SpecError.from(warning, command.path()).toString());
        }

        @Override
        public void translate(
                String solverName,
                int bitwidth,
                int maxseq,
                int mintrace,
                int maxtrace,
                int skolemDepth,
                int symmetry,
                String strategy) {
            cancellation.check();
            listener.progress(command, "translating to SAT");
        }

        @Override
        public void solve(int steps, int primaryVars, int totalVars, int clauses) {
            cancellation.check();
            listener.progress(
                    command,
                    "solving " + steps + " steps: " + totalVars + " vars, " + primaryVars + " primary, " + clauses
                            + " clauses");
        }

        @Override
        public void resultSAT(Object command, long millis, Object solution) {
            listener.progress(this.command, "found a solution in " + millis + " ms");
        }

        @Override
        public void resultUNSAT(Object command, long millis, Object solution) {
            listener.progress(this.command, "no solution, " + millis + " ms");
        }
    }
}
