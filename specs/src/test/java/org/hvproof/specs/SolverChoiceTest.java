package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SolverChoiceTest {

    @Test
    void defaultIsMinisatWhenItLoads() {
        assertThat(SolverChoice.resolve(null, name -> true)).isEqualTo("minisat");
        assertThat(SolverChoice.resolve("auto", name -> true)).isEqualTo("minisat");
    }

    @Test
    void defaultFallsBackToSat4jWhenNativeMinisatDoesNotLoad() {
        assertThat(SolverChoice.resolve(null, name -> name.equals("sat4j"))).isEqualTo("sat4j");
        assertThat(SolverChoice.resolve(" ", name -> false)).isEqualTo("sat4j");
    }

    @Test
    void aNameOverridesTheDefault() {
        assertThat(SolverChoice.resolve("sat4j", name -> true)).isEqualTo("sat4j");
        assertThat(SolverChoice.resolve("MiniSat.Prover", name -> true)).isEqualTo("minisat.prover");
        assertThat(SolverChoice.resolve("glucose", name -> true)).isEqualTo("glucose");
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> SolverChoice.resolve("z3", name -> true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown SAT solver 'z3'")
                .hasMessageContaining("sat4j, minisat, minisat.prover, glucose");
    }

    @Test
    void aNamedNativeSolverThatDoesNotLoadIsAnErrorNotASilentSubstitute() {
        assertThatThrownBy(() -> SolverChoice.resolve("minisat", name -> !name.equals("minisat")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'minisat' does not load");
    }

    @Test
    void sat4jAlwaysLoadsAndTheRunnerReportsWhatItPicked() {
        assertThat(SolverChoice.loads("sat4j")).isTrue();
        assertThat(new AlloyRunner("sat4j", RunListener.NONE).solver()).isEqualTo("sat4j");
        assertThat(new AlloyRunner().solver()).isIn("minisat", "sat4j");
    }

    @Test
    void runnerRejectsAnUnknownSolverName() {
        assertThatThrownBy(() -> new AlloyRunner("cryptominisat", RunListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valid solvers");
    }
}
