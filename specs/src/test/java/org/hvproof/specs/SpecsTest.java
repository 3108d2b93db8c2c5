package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every command of every spec under {@code src/main/alloy}, each as its own test named
 * {@code <spec> :: <command>}. A test fails when the command's outcome differs from its
 * {@code expect}, or it cannot run, and prints the counterexample or instance.
 */
class SpecsTest {

    @TestFactory
    Stream<DynamicTest> everyCommandMeetsItsExpectation() {
        AlloyRunner runner = new AlloyRunner();
        List<SpecCommand> commands = runner.plan(List.of(AlloyRunner.SPEC_DIR_IN_MODULE));
        assertThat(commands)
                .as("commands under " + AlloyRunner.SPEC_DIR_IN_MODULE)
                .isNotEmpty();
        // Solve on every core in the background; each test waits for its own command's outcome.
        List<java.util.concurrent.Future<CommandOutcome>> outcomes = runner.submitAll(commands);
        return java.util.stream.IntStream.range(0, commands.size())
                .mapToObj(i -> DynamicTest.dynamicTest(commands.get(i).displayName(), () -> {
                    CommandOutcome outcome = AlloyRunner.await(outcomes.get(i));
                    if (!outcome.asExpected()) {
                        fail(outcome.problem() + (outcome.rendering().isEmpty() ? "" : "\n" + outcome.rendering()));
                    }
                }));
    }
}
