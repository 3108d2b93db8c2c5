package org.hvproof.properties.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hvproof.properties.report.CatalogueEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hvproof list}: the catalogue, one claim a line (id, mechanism, statement). */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the claims in CLAIMS.md.")
final class ListCommand implements Callable<Integer> {
    @Option(names = "--claim", paramLabel = "ID", description = "A claim id or group; repeatable.")
    List<String> claims = new ArrayList<>();

    @Option(names = "--catalogue", paramLabel = "FILE", description = "The claims catalogue. Default: CLAIMS.md.")
    Path catalogue;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HvproofPaths paths;

    ListCommand(HvproofPaths paths) {
        this.paths = paths;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (CatalogueEntry e :
                SelectedClaims.read(catalogue, paths, claims, "--claim").claims()) {
            out.printf(Locale.ROOT, "%-8s %-11s %s%n", e.id(), e.mechanism(), e.statement());
        }
        out.flush();
        return HvproofCommand.EXIT_OK;
    }
}
