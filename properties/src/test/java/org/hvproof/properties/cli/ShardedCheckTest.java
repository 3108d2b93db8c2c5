package org.hvproof.properties.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hvproof.properties.harness.ConformanceCheck;
import org.hvproof.properties.harness.PropertySeeds;
import org.hvproof.properties.report.AlloyBackend;
import org.hvproof.properties.report.AlloyCheck;
import org.hvproof.properties.report.ClaimResult;
import org.hvproof.properties.report.ClaimsReport;
import org.hvproof.properties.report.PropertyBackend;
import org.hvproof.properties.report.PropertyCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code check --shard I/N} and {@code merge}, with fake backends whose evidence depends on the seed:
 * a run split into shards and merged is the unsharded run on the same seed, and a merge of anything
 * but every shard of one run is refused.
 */
class ShardedCheckTest {
    @TempDir
    Path dir;

    private HvproofPaths paths;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** Whether the fake property TREE-1's second property fails, and a stray command fails. */
    private boolean broken;
    /** Every command and property the fakes actually ran, over all runs of a test. */
    private final List<String> ran = new ArrayList<>();

    @BeforeEach
    void tinyProject() throws Exception {
        paths = new HvproofPaths(dir);
        Files.writeString(
                paths.catalogue(),
                String.join(
                        "\n",
                        "## tracing",
                        "| TRACE-1 | one | s |",
                        "| TRACE-2 | two | s |",
                        "## tree",
                        "| TREE-1 | tree | s |",
                        "| TREE-2 | tree two | s |"));
    }

    /** Commands of several specs, one of them tagged with two claims, one tagged with none. */
    private final AlloyBackend alloy = (specs, solver, timeout, ids, progress) -> {
        List<AlloyCheck> all = new ArrayList<>();
        for (String id : List.of("TRACE-1", "TRACE-2", "TREE-1", "TREE-2")) {
            String spec = id.startsWith("TRACE") ? "tracing.als" : "tree.als";
            all.add(check(spec, id.replace('-', '_') + "_check", true, 0, "holds", true, Set.of(id)));
            all.add(check(spec, id.replace('-', '_') + "_run", false, 1, "instance", true, Set.of(id)));
        }
        all.add(check("both.als", "shared", true, 0, "holds", true, Set.of("TRACE-1", "TREE-1")));
        all.add(
                broken
                        ? check("loose.als", "untagged", true, 0, "counterexample", false, Set.of())
                        : check("loose.als", "untagged", true, 0, "holds", true, Set.of()));
        all.forEach(a -> ran.add("alloy " + a.spec() + " " + a.command()));
        return all;
    };

    private static AlloyCheck check(
            String spec, String command, boolean isCheck, int expect, String outcome, boolean ok, Set<String> ids) {
        return new AlloyCheck(spec, command, isCheck, expect, outcome, ok, command.length(), ids, ok ? "" : "cx");
    }

    /** Three properties per claim; each one's tries and steps depend on the seed it derives, as real ones do. */
    private final PropertyBackend properties = (ids, tries, seed, replay, progress) -> {
        List<PropertyCheck> all = new ArrayList<>();
        for (String id : ids) {
            for (int k = 1; k <= 3; k++) {
                // the third is the claim's spec-conformance property: a claim holds only when linked
                String name = k == 3 ? ConformanceCheck.propertyName(id, "x.als", "") : id + " property " + k;
                long own = PropertySeeds.streamOf(seed, name);
                boolean passes = !(broken && id.equals("TREE-1") && k == 2);
                all.add(new PropertyCheck(
                        name,
                        Set.of(id),
                        tries == null ? 1000 : tries,
                        Math.floorMod(own, 10_000),
                        passes,
                        own,
                        passes ? null : "pc1.ab.AQ",
                        1,
                        passes ? "" : "shrunk: " + own));
            }
        }
        all.forEach(p -> ran.add("property " + p.name()));
        return all;
    };

    private int hvproof(String... args) {
        CommandLine cli = HvproofCommand.commandLine(paths, alloy, properties);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private ClaimsReport report(Path reportDir) throws Exception {
        return ClaimsReport.fromJson(Files.readString(HvproofPaths.claimsJson(reportDir), StandardCharsets.UTF_8));
    }

    /** Runs the shards 1..n of one run into dir/shard-I and returns their report directories. */
    private List<String> shards(int n, String... extra) {
        List<String> dirs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String d = dir.resolve("shard-" + i).toString();
            List<String> args = new ArrayList<>(List.of("check", "--seed", "42", "--shard", i + "/" + n, "--out", d));
            args.addAll(List.of(extra));
            hvproof(args.toArray(String[]::new));
            dirs.add(d);
        }
        return dirs;
    }

    private int merge(List<String> inputs) {
        List<String> args =
                new ArrayList<>(List.of("merge", "--out", dir.resolve("merged").toString()));
        args.addAll(inputs);
        return hvproof(args.toArray(String[]::new));
    }

    @Test
    void threeShardsMergedAreTheUnshardedRunOnTheSameSeed() throws Exception {
        for (boolean b : new boolean[] {false, true}) {
            broken = b;
            int wholeCode = hvproof(
                    "check", "--seed", "42", "--out", dir.resolve("whole").toString());
            ClaimsReport whole = report(dir.resolve("whole"));
            ran.clear();

            List<String> shardDirs = shards(3);
            int mergedCode = merge(shardDirs);
            ClaimsReport merged = report(dir.resolve("merged"));

            assertThat(mergedCode).as("broken=%s", b).isEqualTo(wholeCode);
            assertThat(wholeCode).isEqualTo(b ? HvproofCommand.EXIT_CLAIMS_FAIL : HvproofCommand.EXIT_OK);
            assertThat(merged.gate()).isEqualTo(whole.gate());
            assertThat(merged.stray()).isEqualTo(whole.stray());
            assertThat(merged.settings().shard().whole()).isTrue();
            assertThat(merged.settings().seed()).isEqualTo(whole.settings().seed());
            assertThat(merged.results()).hasSameSizeAs(whole.results());
            for (int c = 0; c < whole.results().size(); c++) {
                ClaimResult w = whole.results().get(c);
                ClaimResult m = merged.results().get(c);
                assertThat(m.claim()).isEqualTo(w.claim());
                assertThat(m.verdict()).as(w.claim().id()).isEqualTo(w.verdict());
                assertThat(m.tries()).as(w.claim().id()).isEqualTo(w.tries());
                assertThat(m.alloy()).as(w.claim().id()).containsExactlyInAnyOrderElementsOf(w.alloy());
                assertThat(m.properties()).as(w.claim().id()).containsExactlyInAnyOrderElementsOf(w.properties());
            }
            // Each shard ran its own share: together, every command and property, none twice.
            long perShard = 0;
            for (String d : shardDirs) {
                ClaimsReport s = report(Path.of(d));
                Set<Object> evidence = new HashSet<>(s.stray());
                s.results().forEach(r -> {
                    evidence.addAll(r.alloy());
                    evidence.addAll(r.properties());
                });
                assertThat(evidence).as(d).isNotEmpty();
                perShard += evidence.size();
            }
            Set<Object> wholeEvidence = new HashSet<>(whole.stray());
            whole.results().forEach(r -> {
                wholeEvidence.addAll(r.alloy());
                wholeEvidence.addAll(r.properties());
            });
            assertThat(perShard).isEqualTo(wholeEvidence.size());
            ran.clear();
        }
        assertThat(out.toString()).contains("merged 3 shards", "4 claims: 3 hold, 1 violated");
    }

    @Test
    void aShardExitsZeroWhenItsOwnEvidenceHoldsAndOneWhenItFails() throws Exception {
        assertThat(hvproof(
                        "check",
                        "--seed",
                        "42",
                        "--shard",
                        "1/3",
                        "--out",
                        dir.resolve("s").toString()))
                .isZero();
        assertThat(report(dir.resolve("s")).gate()).isEqualTo("partial");
        broken = true;
        List<Integer> codes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            codes.add(hvproof(
                    "check",
                    "--seed",
                    "42",
                    "--shard",
                    i + "/3",
                    "--out",
                    dir.resolve("b" + i).toString()));
        }
        assertThat(codes).contains(HvproofCommand.EXIT_CLAIMS_FAIL);
    }

    private String refused(List<String> inputs) {
        int code = merge(inputs);
        assertThat(code).as(err.toString()).isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(Files.exists(dir.resolve("merged/claims.json"))).isFalse();
        return err.toString();
    }

    @Test
    void aMissingShardIsRefused() {
        List<String> s = shards(3);
        assertThat(refused(List.of(s.get(0), s.get(2)))).contains("missing shard(s) 2/3 of 3");
    }

    @Test
    void aShardGivenTwiceIsRefused() {
        List<String> s = shards(3);
        assertThat(refused(List.of(s.get(0), s.get(1), s.get(2), s.get(1) + "/claims.json")))
                .contains("shard 2/3 given twice");
    }

    @Test
    void shardsOfDifferentSeedsOrTriesOrCountsAreRefused() {
        List<String> s = shards(2);
        String other = dir.resolve("other").toString();
        hvproof("check", "--seed", "43", "--shard", "2/2", "--out", other);
        assertThat(refused(List.of(s.get(0), other))).contains("shards of different runs: seed 43 vs 42");

        String tries = dir.resolve("tries").toString();
        hvproof("check", "--seed", "42", "--tries", "5", "--shard", "2/2", "--out", tries);
        assertThat(refused(List.of(s.get(0), tries))).contains("different runs: tries 5 vs null");

        String ofThree = dir.resolve("of-three").toString();
        hvproof("check", "--seed", "42", "--shard", "2/3", "--out", ofThree);
        assertThat(refused(List.of(s.get(0), ofThree))).contains("the shards of one run share N");

        String fewerClaims = dir.resolve("fewer").toString();
        hvproof("check", "--seed", "42", "--shard", "2/2", "--claim", "TREE", "--out", fewerClaims);
        assertThat(refused(List.of(s.get(0), fewerClaims))).contains("different runs: claims");
    }

    @Test
    void aWholeRunsReportOrAFileThatIsNoReportIsRefused() throws Exception {
        String whole = dir.resolve("whole").toString();
        hvproof("check", "--seed", "42", "--out", whole);
        assertThat(refused(List.of(whole))).contains("is the report of a whole run, not of a shard");

        Path junk = Files.writeString(dir.resolve("junk.json"), "{\"gate\": \"passes\"}");
        assertThat(refused(List.of(junk.toString()))).contains("junk.json is not a shard's claims.json");

        assertThat(refused(List.of(dir.resolve("nowhere").toString()))).contains("cannot read");
    }

    @Test
    void badShardOptionsAreRefusedBeforeAnythingRuns() {
        assertThat(hvproof("check", "--shard", "1/3")).isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--shard 1/3: needs --seed");
        for (String bad : List.of("0/3", "4/3", "x", "2")) {
            assertThat(hvproof("check", "--seed", "1", "--shard", bad)).as(bad).isEqualTo(HvproofCommand.EXIT_USAGE);
        }
        assertThat(err.toString()).contains("--shard 4/3: I must be between 1 and N", "--shard x: not of the form I/N");
        assertThat(hvproof("check", "--seed", "1", "--shard", "1/2", "--replay", "pc1.ab.AQ"))
                .isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot be used with --replay");
        assertThat(hvproof("merge")).isEqualTo(HvproofCommand.EXIT_USAGE);
        assertThat(ran).isEmpty();
    }
}
