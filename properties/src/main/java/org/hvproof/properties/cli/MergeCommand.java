package org.hvproof.properties.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hvproof.properties.report.ClaimResult;
import org.hvproof.properties.report.ClaimsReport;
import org.hvproof.properties.report.ReportRenderer;
import org.hvproof.properties.report.RunSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hvproof merge}: joins the claims.json of every shard of one run ({@code check --shard I/N})
 * into the whole run's report (console table, claims.json, index.html) and verdict. It refuses, as
 * bad input, anything that is not exactly the N shards of one run: a report that is no shard,
 * shards of different seeds, settings, catalogues or N, a shard given twice, a shard missing.
 */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Joins the reports of every shard of one run (check --seed S --shard I/N) into one report and verdict.",
            "Each argument is a shard's report directory or its claims.json. Writes claims.json and index.html.",
            "Exit codes: 0 every claim holds, 1 some claim is violated or unchecked, 2 bad input (a shard missing,",
            "given twice, or of another run)."
        })
final class MergeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR|FILE", arity = "1..*", description = "A shard's report directory or claims.json.")
    List<Path> inputs = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the merged claims.json and index.html go. Default: target/claims.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HvproofPaths paths;

    MergeCommand(HvproofPaths paths) {
        this.paths = paths;
    }

    @Override
    public Integer call() {
        ClaimsReport merged = merge(read());
        Path dir = out != null ? out : paths.reportDir();
        for (Path input : inputs) {
            if (Files.exists(dir) && sameFile(HvproofPaths.claimsJson(dir), reportFile(input))) {
                throw BadInput.option("--out", dir, "would overwrite the shard report " + input + "; choose another");
            }
        }
        CheckCommand.write(merged, dir);
        PrintWriter console = spec.commandLine().getOut();
        console.println();
        console.print(ReportRenderer.console().render(merged));
        console.println();
        console.println("merged " + inputs.size() + " shards; report: " + HvproofPaths.claimsJson(dir) + ", "
                + HvproofPaths.indexHtml(dir) + " and " + HvproofPaths.junitXml(dir));
        console.flush();
        return merged.passes() ? HvproofCommand.EXIT_OK : HvproofCommand.EXIT_CLAIMS_FAIL;
    }

    /** Each input's report with the file it came from, in the order given (a file given twice is there twice). */
    private List<Map.Entry<Path, ClaimsReport>> read() {
        List<Map.Entry<Path, ClaimsReport>> reports = new ArrayList<>();
        for (Path input : inputs) {
            Path file = reportFile(input);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInput("merge: cannot read " + file + " (" + e.getMessage() + ")");
            }
            try {
                reports.add(Map.entry(file, ClaimsReport.fromJson(text)));
            } catch (IllegalArgumentException e) {
                throw new BadInput("merge: " + file + " is not a shard's claims.json: " + e.getMessage());
            }
        }
        return reports;
    }

    /**
     * Checks that {@code reports} are exactly shards 1..N of one run and joins them.
     *
     * @throws BadInput naming the file and what does not fit
     */
    static ClaimsReport merge(List<Map.Entry<Path, ClaimsReport>> reports) {
        Map.Entry<Path, ClaimsReport> first = reports.get(0);
        RunSettings reference = first.getValue().settings();
        int count = reference.shard().count();
        Map<Integer, Path> seen = new TreeMap<>();
        for (Map.Entry<Path, ClaimsReport> e : reports) {
            Path file = e.getKey();
            RunSettings s = e.getValue().settings();
            if (s.shard().whole()) {
                throw new BadInput("merge: " + file
                        + " is the report of a whole run, not of a shard (made without check --shard I/N)");
            }
            if (s.shard().count() != count) {
                throw new BadInput("merge: " + file + " is shard " + s.shard() + " but " + first.getKey() + " is shard "
                        + reference.shard() + ": the shards of one run share N");
            }
            String difference = difference(reference, s);
            if (difference != null) {
                throw new BadInput(
                        "merge: " + file + " and " + first.getKey() + " are shards of different runs: " + difference);
            }
            if (!claims(e.getValue()).equals(claims(first.getValue()))) {
                throw new BadInput("merge: " + file + " and " + first.getKey()
                        + " are shards of different runs: their claims (ids, mechanisms or statements) differ");
            }
            Path twice = seen.put(s.shard().index(), file);
            if (twice != null) {
                throw new BadInput("merge: shard " + s.shard() + " given twice: " + twice + " and " + file);
            }
        }
        List<Integer> missing = IntStream.rangeClosed(1, count)
                .filter(i -> !seen.containsKey(i))
                .boxed()
                .toList();
        if (!missing.isEmpty()) {
            throw new BadInput("merge: missing shard(s) "
                    + missing.stream().map(i -> i + "/" + count).collect(Collectors.joining(", ")) + " of "
                    + count + " (given: "
                    + seen.keySet().stream().map(i -> i + "/" + count).collect(Collectors.joining(", ")) + ")");
        }
        return ClaimsReport.merge(reports.stream().map(Map.Entry::getValue).toList());
    }

    /** The first setting two shards of one run must share but do not, as text; null when they agree. */
    private static String difference(RunSettings a, RunSettings b) {
        Map<String, List<Object>> fields = new java.util.LinkedHashMap<>();
        fields.put("seed", java.util.Arrays.asList(a.seed(), b.seed()));
        fields.put("tries", java.util.Arrays.asList(a.tries(), b.tries()));
        fields.put("solver", java.util.Arrays.asList(a.solver(), b.solver()));
        fields.put("alloy timeout", java.util.Arrays.asList(a.alloyTimeoutSeconds(), b.alloyTimeoutSeconds()));
        fields.put("replay", java.util.Arrays.asList(a.replay(), b.replay()));
        fields.put("catalogue", java.util.Arrays.asList(a.catalogue(), b.catalogue()));
        fields.put("specs", java.util.Arrays.asList(a.specs(), b.specs()));
        fields.put("claims", java.util.Arrays.asList(a.claims(), b.claims()));
        for (Map.Entry<String, List<Object>> f : fields.entrySet()) {
            Object x = f.getValue().get(0);
            Object y = f.getValue().get(1);
            if (!java.util.Objects.equals(x, y)) {
                return f.getKey() + " " + y + " vs " + x;
            }
        }
        return null;
    }

    private static List<String> claims(ClaimsReport r) {
        return r.results().stream()
                .map(ClaimResult::claim)
                .map(c -> c.id() + "|" + c.mechanism() + "|" + c.statement())
                .toList();
    }

    private static Path reportFile(Path input) {
        return Files.isDirectory(input) ? HvproofPaths.claimsJson(input) : input;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
