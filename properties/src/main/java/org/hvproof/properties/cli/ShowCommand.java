package org.hvproof.properties.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hvproof.properties.Mechanisms.Mechanism;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hvproof show ID...}: where each claim is catalogued, specified, stated in the model,
 * checked by properties, and which deliberate flaws break it. Parses the specs that name the claim
 * and solves nothing, so it answers in about a second.
 */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Shows where a claim is written down, without solving anything.",
            "For each claim: its CLAIMS.md line, every Alloy command tagged with it (spec:line, kind, name, expect),",
            "the model invariants that state it, the @Claim properties that check it and the flaws that break it.",
            "Exit codes: 0 shown, 2 an unknown id or an unreadable catalogue."
        })
final class ShowCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "A claim id (TRACE-1) or group (PD).")
    List<String> claims = new ArrayList<>();

    @Option(names = "--catalogue", paramLabel = "FILE", description = "The claims catalogue. Default: CLAIMS.md.")
    Path catalogue;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HvproofPaths paths;
    private final List<Mechanism> mechanisms;

    ShowCommand(HvproofPaths paths, List<Mechanism> mechanisms) {
        this.paths = paths;
        this.mechanisms = List.copyOf(mechanisms);
    }

    @Override
    public Integer call() {
        SelectedClaims selected = SelectedClaims.read(catalogue, paths, claims, "show");
        List<ClaimWhereabouts> found = new ClaimWhereabouts.Finder(paths, mechanisms)
                .find(paths.shown(Path.of(selected.catalogue().name())), selected.claims());
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < found.size(); i++) {
            if (i > 0) {
                out.println();
            }
            out.print(found.get(i).text());
        }
        out.flush();
        return HvproofCommand.EXIT_OK;
    }
}
