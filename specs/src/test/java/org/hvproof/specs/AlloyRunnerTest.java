package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AlloyRunnerTest {

    private static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures");

    /** SAT4J: pure Java, identical on every machine, fast enough for the fixtures' tiny scopes. */
    private final AlloyRunner runner = new AlloyRunner("sat4j", RunListener.NONE);

    private Map<String, CommandOutcome> run(String fixture) {
        return runner.run(List.of(FIXTURES.resolve(fixture))).stream()
                .collect(Collectors.toMap(CommandOutcome::command, Function.identity()));
    }

    @Test
    void malformedSpecIsOneErrorLocatedAsFileLineColumn() {
        List<CommandOutcome> outcomes = runner.run(List.of(FIXTURES.resolve("malformed.als")));

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(o.asExpected()).isFalse();
            assertThat(o.command()).isEqualTo(SpecCommand.WHOLE_SPEC);
            assertThat(o.error())
                    .matches("\\S*malformed\\.als:4:\\d+: .+")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
            assertThat(o.problem()).isEqualTo(o.error());
        });
    }

    @Test
    void parseThrowsSpecErrorWithFileLineColumnAndMessage() {
        assertThatThrownBy(() -> runner.parse(FIXTURES.resolve("malformed.als")))
                .isInstanceOfSatisfying(SpecError.class, e -> {
                    assertThat(e.file()).endsWith("malformed.als");
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.column()).isPositive();
                    assertThat(e.detail()).isNotBlank();
                    assertThat(e.toString()).isEqualTo(e.file() + ":4:" + e.column() + ": " + e.detail());
                });
    }

    @Test
    void aMalformedSpecDoesNotStopTheOthers() {
        List<CommandOutcome> outcomes =
                runner.run(List.of(FIXTURES.resolve("malformed.als"), FIXTURES.resolve("claims.als")));

        assertThat(outcomes)
                .extracting(CommandOutcome::command)
                .containsExactly(SpecCommand.WHOLE_SPEC, "Named", "Witness", "Plain", "Inline");
        assertThat(outcomes.subList(1, outcomes.size())).allMatch(CommandOutcome::asExpected);
    }

    @Test
    void commandWithoutExpectIsAnErrorNamingFileAndCommand() {
        CommandOutcome outcome = run("no-expect.als").get("SomePage");

        assertThat(outcome.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(outcome.asExpected()).isFalse();
        assertThat(outcome.expect()).isEqualTo(-1);
        assertThat(outcome.error()).contains("no-expect.als:6:").contains("run SomePage has no expect");
    }

    @Test
    void wrongExpectationSaysWhichCommandWhatWasExpectedAndWhatWasFound() {
        Map<String, CommandOutcome> outcomes = run("wrong-expect.als");

        CommandOutcome check = outcomes.get("NoPages");
        assertThat(check.outcome()).isEqualTo(Outcome.COUNTEREXAMPLE);
        assertThat(check.asExpected()).isFalse();
        assertThat(check.problem())
                .isEqualTo("wrong-expect.als: check NoPages expected no counterexample (holds)"
                        + " (expect 0) but found a counterexample");
        assertThat(check.rendering()).contains("Page = {Page$0");

        CommandOutcome run = outcomes.get("Anything");
        assertThat(run.outcome()).isEqualTo(Outcome.INSTANCE);
        assertThat(run.problem())
                .isEqualTo("wrong-expect.als: run Anything expected no instance (expect 0)" + " but found an instance");
    }

    @Test
    void outcomesCarryScopeSolverAndTiming() {
        CommandOutcome outcome = run("claims.als").get("Named");

        assertThat(outcome.outcome()).isEqualTo(Outcome.HOLDS);
        assertThat(outcome.asExpected()).isTrue();
        assertThat(outcome.check()).isTrue();
        assertThat(outcome.expect()).isZero();
        assertThat(outcome.scope()).isEqualTo("for 2");
        assertThat(outcome.solver()).isEqualTo("sat4j");
        assertThat(outcome.millis()).isNotNegative();
        assertThat(outcome.rendering()).isEmpty();
        assertThat(OutcomeTable.verdict(outcome)).isEqualTo("ok");
    }

    @Test
    void claimIdsComeFromTheCommentsAboveTheCommandAndItsAssert() {
        Map<String, CommandOutcome> outcomes = run("claims.als");

        assertThat(outcomes.get("Named").claimIds()).containsExactlyInAnyOrder("DEMO-1", "DEMO-2", "DEMO-3");
        assertThat(outcomes.get("Witness").claimIds()).containsExactlyInAnyOrder("DEMO-4", "DEMO-5");
        assertThat(outcomes.get("Plain").claimIds()).isEmpty();
        assertThat(outcomes.get("Inline").claimIds()).containsExactly("DEMO-6");
    }

    @Test
    void claimIdsComeFromTheNameOrFromTheSupportsTagOfAModelCommand() {
        Map<String, CommandOutcome> outcomes = runner.run(List.of(FIXTURES.resolve("lint/good.als"))).stream()
                .collect(Collectors.toMap(CommandOutcome::command, Function.identity()));

        assertThat(outcomes.get("DEMO_1_noFlaw").claimIds()).containsExactly("DEMO-1");
        assertThat(outcomes.get("DEMO_2_wrong_noPages").claimIds()).containsExactly("DEMO-2");
        assertThat(outcomes.get("DEMO_1_somePage").claimIds()).containsExactly("DEMO-1");
        assertThat(outcomes.get("model_pagesArePages").claimIds()).containsExactly("DEMO-1");
        assertThat(outcomes.get("model_flagKept_init").claimIds()).containsExactly("DEMO-1", "DEMO-2");
    }

    @Test
    void aNameWinsOverTheCommentsAboveIt() {
        Map<String, CommandOutcome> outcomes = run("lint/tags.als");

        assertThat(outcomes.get("DEMO_1_disagrees").claimIds()).containsExactly("DEMO-1");
        assertThat(outcomes.get("model_unsupportedRun").claimIds()).isEmpty();
        assertThat(outcomes.get("model_supportedRun").claimIds()).containsExactly("DEMO-1");
    }

    @Test
    void tracingSpecCommandsNameTheirClaims() throws SpecError {
        Map<String, SpecCommand> commands = runner.parse(AlloyRunner.SPEC_DIR_IN_MODULE.resolve("tracing.als")).stream()
                .collect(Collectors.toMap(SpecCommand::command, Function.identity()));

        assertThat(commands.get("TRACE_1_oneNotificationPerTracedPage").claimIds())
                .containsExactly("TRACE-1");
        assertThat(commands.get("TRACE_2_untracedWriteIsSilent").claimIds()).containsExactly("TRACE-2");
        assertThat(commands.get("TRACE_3_doublyTracedPageKeepsNotifying").claimIds())
                .containsExactly("TRACE-3");
        assertThat(commands.get("TRACE_3_wrong_anyRemovalSilencesPage").claimIds())
                .containsExactly("TRACE-3");
        assertThat(commands.get("model_writeBitMatchesTraces").claimIds()).containsExactly("TRACE-1", "TRACE-2");
        assertThat(commands.get("model_writeBitMatchesTraces_step").claimIds()).containsExactly("TRACE-1", "TRACE-2");
        assertThat(commands.values()).allSatisfy(c -> assertThat(c.claimIds()).isNotEmpty());
    }

    @Test
    void missingPathIsAnErrorOutcomeNotAnException() {
        List<CommandOutcome> outcomes = runner.run(List.of(FIXTURES.resolve("does-not-exist.als")));

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(o.error()).endsWith("does-not-exist.als:1:1: no such file or directory");
        });
    }

    @Test
    void listenerHearsEveryCommandStartAndFinish() {
        StringBuilder heard = new StringBuilder();
        RunListener listener = new RunListener() {
            @Override
            public void specParsed(Path spec, int commands) {
                heard.append("parsed ")
                        .append(spec.getFileName())
                        .append(' ')
                        .append(commands)
                        .append(';');
            }

            @Override
            public void commandStarted(SpecCommand command) {
                heard.append("start ").append(command.command()).append(';');
            }

            @Override
            public void commandFinished(CommandOutcome outcome) {
                heard.append("done ").append(outcome.command()).append(';');
            }
        };
        new AlloyRunner("sat4j", listener).run(List.of(FIXTURES.resolve("wrong-expect.als")));

        // Commands solve in parallel, so only the order within one command is fixed.
        String h = heard.toString();
        assertThat(h).startsWith("parsed wrong-expect.als 2;");
        for (String command : List.of("NoPages", "Anything")) {
            assertThat(h).contains("start " + command + ";", "done " + command + ";");
            assertThat(h.indexOf("start " + command + ";")).isLessThan(h.indexOf("done " + command + ";"));
        }
    }

    @Test
    void specsArePackagedAsClasspathResources() throws Exception {
        Path bundled = AlloyRunner.bundledSpecs();

        assertThat(AlloyRunner.findSpecs(bundled))
                .extracting(p -> p.getFileName().toString())
                .contains("tracing.als");
    }

    @Test
    void mainExitsNonZeroAndPrintsFileLineColumnForAMalformedSpec() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = AlloyMain.run(
                new String[] {
                    "--solver", "sat4j", FIXTURES.resolve("malformed.als").toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("malformed.als:4:")
                .doesNotContain("\tat ");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ERROR");
    }

    @Test
    void mainExitsZeroWhenEveryCommandMatches() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = AlloyMain.run(
                new String[] {"--brief", FIXTURES.resolve("claims.als").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("4 commands, 4 as expected, 0 not");
    }

    @Test
    void mainRejectsAnUnknownSolverWithUsageStatus() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = AlloyMain.run(
                new String[] {"--solver", "z3"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown SAT solver 'z3'");
    }

    @Test
    void aCommandStillRunningAtItsTimeLimitIsATimeoutNamingCommandAndLimitAndTheOthersStillRun() throws Exception {
        AlloyRunner limited = new AlloyRunner("sat4j", RunListener.NONE, Duration.ofSeconds(3));
        long start = System.nanoTime();

        Map<String, CommandOutcome> outcomes =
                limited.run(List.of(FIXTURES.resolve("slow.als"), FIXTURES.resolve("claims.als"))).stream()
                        .collect(Collectors.toMap(CommandOutcome::command, Function.identity()));

        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(seconds).as("the runner returns soon after the limit").isLessThan(30);
        CommandOutcome slow = outcomes.get("MulCommutes");
        assertThat(slow.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(slow.asExpected()).isFalse();
        assertThat(slow.problem())
                .contains("slow.als:5:")
                .contains("check MulCommutes gave no answer within its time limit of 3 s");
        assertThat(OutcomeTable.verdict(slow)).isEqualTo("TIMEOUT");
        assertThat(outcomes.values())
                .filteredOn(o -> !o.command().equals("MulCommutes"))
                .hasSize(4)
                .allMatch(CommandOutcome::asExpected);
        // SAT4J can be stopped: the abandoned solver thread ends instead of burning a core.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (solverThreadAlive("slow.als") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(solverThreadAlive("slow.als")).as("SAT4J stopped").isFalse();
    }

    private static boolean solverThreadAlive(String spec) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("alloy-solve " + spec));
    }

    @Test
    void aNegativeTimeLimitIsRejected() {
        assertThatThrownBy(() -> new AlloyRunner("sat4j", RunListener.NONE, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zero (none) or positive");
    }

    @Test
    void aFileWithoutCommandsHasNoCommandsAndAWarningNamingIt() {
        List<String> warnings = new ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void warning(Path spec, String message) {
                warnings.add(message);
            }
        };

        List<SpecCommand> commands =
                new AlloyRunner("sat4j", listener).plan(List.of(FIXTURES.resolve("no-commands.als")));

        assertThat(commands).as("no stand-in 'run Default'").isEmpty();
        assertThat(warnings)
                .singleElement()
                .asString()
                .endsWith("no-commands.als: no commands (nothing to solve in this file)");
    }

    @Test
    void aSpecThatIsNotUtf8IsAnErrorNamingFileLineColumnAndByteOffset() {
        List<CommandOutcome> outcomes = runner.run(List.of(FIXTURES.resolve("not-utf8.als")));

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(o.error()).endsWith("not-utf8.als:4:7: not UTF-8 (byte offset 34)");
            assertThat(o.error()).doesNotContain("Input length");
        });
        assertThatThrownBy(() -> SpecText.read(FIXTURES.resolve("not-utf8.als")))
                .isInstanceOfSatisfying(
                        SpecError.class, e -> assertThat(e.detail()).isEqualTo("not UTF-8 (byte offset 34)"));
    }

    @Test
    void mainRejectsAnEmptySolverNameListingTheValidOnes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = AlloyMain.run(
                new String[] {"--solver", ""}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("empty", "sat4j, minisat");
    }

    @Test
    void fixtureFilesExist() {
        assertThat(FIXTURES.resolve("claims.als"))
                .satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
    }
}
