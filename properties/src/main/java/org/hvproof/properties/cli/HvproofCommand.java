package org.hvproof.properties.cli;

import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.hvproof.properties.Mechanisms;
import org.hvproof.properties.report.AlloyBackend;
import org.hvproof.properties.report.Backends;
import org.hvproof.properties.report.ClaimCatalogue;
import org.hvproof.properties.report.PropertyBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hvproof}: the command line. {@code check} is the gate (every claim's Alloy commands and
 * properties, the claims table, claims.json and index.html), {@code list} the catalogue,
 * {@code show} where one claim is written down, without solving; {@code merge} joins the reports of
 * a run split with {@code check --shard I/N}. Bad input of any command is one
 * line saying what and where, and exit code {@link #EXIT_USAGE}, never a stack trace.
 */
@Command(
        name = "hvproof",
        mixinStandardHelpOptions = true,
        version = "hvproof 0.1.0",
        description = "Checks hypervisor security claims with Alloy 6 specifications and generated traces.")
public final class HvproofCommand implements Callable<Integer> {

    /** Exit code when every selected claim holds. */
    public static final int EXIT_OK = 0;
    /** Exit code when a claim does not hold. */
    public static final int EXIT_CLAIMS_FAIL = 1;
    /** Exit code for bad input: a wrong option, an unreadable catalogue, an unknown claim. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private HvproofCommand() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    /** Runs the CLI on the project at {@code -Dhvproof.home} and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI with the real backends on the project at {@code -Dhvproof.home} and returns its exit code. */
    public static int execute(String... args) {
        return commandLine(HvproofPaths.fromSystemProperty(), Backends.alloy(), Backends.properties())
                .execute(args);
    }

    /**
     * The whole CLI (every subcommand, the error handling) on the project at {@code paths} with the
     * given backends; tests run it with fake backends and their own output streams.
     */
    public static CommandLine commandLine(HvproofPaths paths, AlloyBackend alloy, PropertyBackend properties) {
        CommandLine cli = new CommandLine(new HvproofCommand());
        cli.addSubcommand(new CheckCommand(paths, alloy, properties));
        cli.addSubcommand(new MergeCommand(paths));
        cli.addSubcommand(new ListCommand(paths));
        cli.addSubcommand(new ShowCommand(paths, Mechanisms.ALL));
        cli.addSubcommand(new BenchCommand());
        cli.addSubcommand(new BudgetCommand());
        cli.addSubcommand(new MigrateCommand());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof BadInput) {
                cmd.getErr().println("hvproof: " + ex.getMessage());
                cmd.getErr().println(tryHelp(cmd));
                cmd.getErr().flush();
                return EXIT_USAGE;
            }
            if (ex instanceof ClaimCatalogue.CatalogueException || ex instanceof UncheckedIOException) {
                cmd.getErr().println("hvproof: " + ex.getMessage());
                cmd.getErr().flush();
                return EXIT_USAGE;
            }
            throw ex;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("hvproof: " + ex.getMessage());
            cmd.getErr().println(tryHelp(cmd));
            cmd.getErr().flush();
            return EXIT_USAGE;
        });
        return cli;
    }

    private static String tryHelp(CommandLine cmd) {
        return "Try 'hvproof " + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help'.";
    }
}
