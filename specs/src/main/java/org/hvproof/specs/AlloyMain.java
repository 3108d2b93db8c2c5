package org.hvproof.specs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line: {@code AlloyMain [--solver NAME] [--timeout SECONDS] [--brief] [DIR_OR_FILE ...]}. Runs every
 * command of every spec given (by default the repository's {@code specs/src/main/alloy},
 * else the specs packaged in the jar), prints each outcome as it finishes with its
 * counterexample or instance, then a summary table. Exit status 0 only when every command
 * matched its expectation; 1 when any did not, any spec failed or any command ran out of time
 * ({@code --timeout}, none by default); 2 for bad usage.
 */
public final class AlloyMain {

    private AlloyMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs as {@link #main(String[])} would and returns the exit status instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String solver = null;
        boolean brief = false;
        Duration timeout = AlloyRunner.NO_TIMEOUT;
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--solver" -> {
                    if (i + 1 >= args.length) {
                        err.println("--solver needs a name: one of " + String.join(", ", SolverChoice.NAMES));
                        return 2;
                    }
                    solver = args[++i];
                    if (solver.isBlank()) {
                        err.println("--solver needs a name, got an empty one: one of "
                                + String.join(", ", SolverChoice.NAMES) + " or " + SolverChoice.AUTO);
                        return 2;
                    }
                }
                case "--timeout" -> {
                    Long seconds = i + 1 < args.length ? seconds(args[i + 1]) : null;
                    if (seconds == null) {
                        err.println("--timeout needs whole seconds, 0 for no limit");
                        return 2;
                    }
                    timeout = Duration.ofSeconds(seconds);
                    i++;
                }
                case "--brief" -> brief = true;
                case "-h", "--help" -> {
                    out.println(usage());
                    return 0;
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        err.println("unknown option " + args[i] + "\n" + usage());
                        return 2;
                    }
                    paths.add(Path.of(args[i]));
                }
            }
        }
        AlloyRunner runner;
        try {
            runner = new AlloyRunner(solver, new Printer(out, err, brief), timeout);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (paths.isEmpty()) {
            try {
                paths.add(defaultSpecs());
            } catch (IOException e) {
                err.println("no specs given and none found: " + e.getMessage());
                return 2;
            }
        }
        out.println("solver: " + runner.solver());
        List<CommandOutcome> outcomes = runner.run(paths);
        out.println();
        out.print(OutcomeTable.format(outcomes));
        long failed = outcomes.stream().filter(o -> !o.asExpected()).count();
        out.println(outcomes.size() + " commands, " + (outcomes.size() - failed) + " as expected, " + failed + " not");
        for (CommandOutcome outcome : outcomes) {
            if (!outcome.asExpected()) {
                err.println(outcome.problem());
            }
        }
        return failed == 0 && !outcomes.isEmpty() ? 0 : 1;
    }

    /** A non-negative whole number of seconds, or null. */
    private static Long seconds(String text) {
        try {
            long n = Long.parseLong(text.strip());
            return n >= 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Path defaultSpecs() throws IOException {
        for (Path candidate : List.of(AlloyRunner.SPEC_DIR_IN_REPO, AlloyRunner.SPEC_DIR_IN_MODULE)) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return AlloyRunner.bundledSpecs();
    }

    private static String usage() {
        return "usage: AlloyMain [--solver " + String.join("|", SolverChoice.NAMES)
                + "|auto] [--timeout SECONDS] [--brief]" + " [DIR_OR_FILE ...]";
    }

    /** Prints each outcome as it finishes, and warnings; the rendering unless brief. */
    private static final class Printer implements RunListener {
        private final PrintStream out;
        private final PrintStream err;
        private final boolean brief;

        Printer(PrintStream out, PrintStream err, boolean brief) {
            this.out = out;
            this.err = err;
            this.brief = brief;
        }

        @Override
        public void warning(Path spec, String message) {
            err.println("warning: " + message);
        }

        @Override
        public void commandFinished(CommandOutcome outcome) {
            out.println(OutcomeTable.line(outcome));
            if (!outcome.asExpected()) {
                out.println("  " + outcome.problem());
            }
            if (!brief && !outcome.rendering().isEmpty()) {
                out.print(outcome.rendering().indent(4));
            }
            out.flush();
        }
    }
}
