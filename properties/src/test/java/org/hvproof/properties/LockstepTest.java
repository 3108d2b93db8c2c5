package org.hvproof.properties;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lockstep's refinement check, on a counter. */
class LockstepTest {
    record Counter(int value) {}

    private final int[] machine = {0};

    private Lockstep<Counter, Integer> lockstep(Counter modelInitial) {
        return new Lockstep<>(
                a -> {
                    machine[0] += a;
                    return List.of();
                },
                () -> new Counter(machine[0]),
                (s, a) -> new Lockstep.ModelStep<>(new Counter(s.value() + a), List.of()),
                modelInitial);
    }

    @Test
    void aMachineBootedAsTheModelStartsRefinesIt() {
        Lockstep<Counter, Integer> l = lockstep(new Counter(0));
        l.apply(3);
        assertThatCode(l::checkRefinement).doesNotThrowAnyException();
    }

    @Test
    void aBootTimeDifferenceIsAMismatchNamingTheDifference() {
        machine[0] = 7;
        Lockstep<Counter, Integer> l = lockstep(new Counter(0));
        assertThatThrownBy(l::checkRefinement)
                .hasMessageContaining("at boot")
                .hasMessageContaining("model's initial state")
                .hasMessageContaining("value")
                .hasMessageContaining("implementation: 7")
                .hasMessageContaining("model:          0");
        l.apply(1);
        assertThatThrownBy(l::checkRefinement).as("the first mismatch is kept").hasMessageContaining("at boot");
    }
}
