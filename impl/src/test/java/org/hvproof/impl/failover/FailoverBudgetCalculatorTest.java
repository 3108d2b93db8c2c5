package org.hvproof.impl.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.failover.FailoverBudget;
import org.hvproof.model.failover.FailoverCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The budget calculator (FT-4): its formula at the edges, and bad figures as error results. */
class FailoverBudgetCalculatorTest {

    @Test
    @DisplayName("FT-4 the requirement is panic time, serialisation rounded up, and two latencies")
    void requirementIsPanicPlusSerialisationPlusTwoLatencies() {
        FailoverBudget b = FailoverBudgetCalculator.calculate(1001, 10, 7, 1000, 50);
        assertThat(b.valid()).isTrue();
        assertThat(b.requiredMicros()).isEqualTo(50 + 101 + 14);
        assertThat(b.marginMicros()).isEqualTo(1000 - 165);
        assertThat(b.marginBytes()).isEqualTo((1000 - 165) * 10);
        assertThat(b.fits()).isTrue();
    }

    @Test
    @DisplayName("FT-4 a hold-up time equal to the requirement fits with zero margin; one less does not")
    void holdUpEqualToRequirementFitsOneLessDoesNot() {
        FailoverBudget exact = FailoverBudgetCalculator.calculate(4096, 1250, 5, 1000, 990 - 4 - 10);
        assertThat(exact.requiredMicros()).isEqualTo(990);
        FailoverBudget edge = FailoverBudgetCalculator.calculate(4096, 1250, 5, 990, 976);
        assertThat(edge.fits()).isTrue();
        assertThat(edge.marginMicros()).isZero();
        assertThat(edge.marginBytes()).isZero();
        FailoverBudget shortBy1 = FailoverBudgetCalculator.calculate(4096, 1250, 5, 989, 976);
        assertThat(shortBy1.fits()).isFalse();
        assertThat(shortBy1.marginMicros()).isEqualTo(-1);
        assertThat(shortBy1.marginBytes()).isEqualTo(-1250);
    }

    @Test
    void zeroOrNegativeFiguresAreErrorResultsNotExceptions() {
        assertThat(FailoverBudgetCalculator.calculate(0, 10, 1, 100, 1).error()).isEqualTo(FailoverCode.BAD_SIZE);
        assertThat(FailoverBudgetCalculator.calculate(-5, 10, 1, 100, 1).error())
                .isEqualTo(FailoverCode.BAD_SIZE);
        assertThat(FailoverBudgetCalculator.calculate(100, 0, 1, 100, 1).error())
                .isEqualTo(FailoverCode.BAD_BANDWIDTH);
        assertThat(FailoverBudgetCalculator.calculate(100, -1, 1, 100, 1).error())
                .isEqualTo(FailoverCode.BAD_BANDWIDTH);
        assertThat(FailoverBudgetCalculator.calculate(100, 10, -1, 100, 1).error())
                .isEqualTo(FailoverCode.BAD_TIME);
        assertThat(FailoverBudgetCalculator.calculate(100, 10, 1, 0, 1).error()).isEqualTo(FailoverCode.BAD_HOLD_UP);
        assertThat(FailoverBudgetCalculator.calculate(100, 10, 1, -100, 1).error())
                .isEqualTo(FailoverCode.BAD_HOLD_UP);
        assertThat(FailoverBudgetCalculator.calculate(100, 10, 1, 100, -1).error())
                .isEqualTo(FailoverCode.BAD_TIME);
        assertThat(FailoverBudgetCalculator.calculate(Long.MAX_VALUE, 1, 0, 1, 0)
                        .error())
                .isEqualTo(FailoverCode.BAD_SIZE);
        assertThat(FailoverBudgetCalculator.calculate(100, Long.MAX_VALUE, 0, 1, 0)
                        .error())
                .isEqualTo(FailoverCode.BAD_BANDWIDTH);
        assertThat(FailoverBudgetCalculator.calculate(100, 1, 0, Long.MAX_VALUE, 0)
                        .error())
                .isEqualTo(FailoverCode.BAD_HOLD_UP);
    }

    @Test
    void theLargestAcceptedFiguresDoNotOverflow() {
        FailoverBudget b = FailoverBudgetCalculator.calculate(
                FailoverBudgetCalculator.MAX_STATE_BYTES,
                FailoverBudgetCalculator.MAX_BANDWIDTH,
                FailoverBudgetCalculator.MAX_MICROS,
                FailoverBudgetCalculator.MAX_MICROS,
                FailoverBudgetCalculator.MAX_MICROS);
        assertThat(b.valid()).isTrue();
        assertThat(b.fits()).isFalse();
        assertThat(b.marginBytes()).isEqualTo(b.marginMicros() * FailoverBudgetCalculator.MAX_BANDWIDTH);
    }

    @Test
    void theBudgetIgnoringPanicTimeFlawReportsAMarginTooLarge() {
        FailoverBudget right = FailoverBudgetCalculator.calculate(100, 10, 1, 100, 30, FailoverImplFlaw.NONE);
        FailoverBudget wrong =
                FailoverBudgetCalculator.calculate(100, 10, 1, 100, 30, FailoverImplFlaw.BUDGET_IGNORES_PANIC_TIME);
        assertThat(wrong.marginMicros()).isEqualTo(right.marginMicros() + 30);
    }

    @Test
    void theCommandRejectsBadArgumentsWithExitTwoAndAMessage() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true);
        assertThat(FailoverBudgetCalculator.run(new String[] {"1", "2"}, out)).isEqualTo(2);
        assertThat(FailoverBudgetCalculator.run(new String[] {"x", "1", "1", "1", "1"}, out))
                .isEqualTo(2);
        assertThat(FailoverBudgetCalculator.run(new String[] {"100", "0", "1", "100", "1"}, out))
                .isEqualTo(2);
        assertThat(bytes.toString()).contains("usage", "not a whole number: x", "error BAD_BANDWIDTH");
    }

    @Test
    void theCommandSaysWhetherItFitsAndByHowMuch() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true);
        assertThat(FailoverBudgetCalculator.run(new String[] {"1001", "10", "7", "1000", "50"}, out))
                .isZero();
        assertThat(FailoverBudgetCalculator.run(new String[] {"1001", "10", "7", "164", "50"}, out))
                .isEqualTo(1);
        assertThat(bytes.toString()).contains("fits: needs 165 µs, margin 835 µs (8350 bytes)", "does not fit");
    }
}
