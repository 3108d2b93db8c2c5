package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * "Fails the same way" is one notion, {@link FailureOrigin}: the same check and the same exception
 * class, whatever the message, step or state; the shrinker accepts only cases of the origin it started with.
 */
class FailureOriginTest {

    private static FailureOrigin origin(String check, Throwable cause, String message, int step) {
        return new Failure(check, message, cause, step, "state at step " + step).origin();
    }

    @Test
    void theSameCheckAndExceptionClassIsTheSameOriginWhateverTheMessageStepOrState() {
        assertThat(origin("no lost write", new AssertionError("a"), "a", 3))
                .isEqualTo(origin("no lost write", new AssertionError("b"), "b", 7))
                .isEqualTo(new FailureOrigin("no lost write", AssertionError.class));
        assertThat(origin("no lost write", null, "returned false", 2))
                .isEqualTo(origin("no lost write", null, "returned false", 9));
    }

    @Test
    void anotherCheckOrAnotherExceptionClassOrNoExceptionIsAnotherOrigin() {
        FailureOrigin assertion = origin("no lost write", new AssertionError(), "m", 1);
        assertThat(origin("one notification", new AssertionError(), "m", 1)).isNotEqualTo(assertion);
        assertThat(origin("no lost write", new IllegalStateException(), "m", 1)).isNotEqualTo(assertion);
        assertThat(origin("no lost write", null, "returned false", 1)).isNotEqualTo(assertion);
    }

    /** Values from 500 throw IllegalStateException, values 10..499 fail an assertion: two origins. */
    private static final ValueProperty<Integer> TWO_BUGS = Property.forAll(Gens.integers(0, 1000))
            .named("two bugs")
            .verify(x -> {
                if (x >= 500) {
                    throw new IllegalStateException("overflow at " + x);
                }
                if (x >= 10) {
                    throw new AssertionError("too large: " + x);
                }
            });

    @Test
    void theShrinkerKeepsTheOriginItStartedWith() {
        Shrinker fromOverflow = Shrinker.startingFrom(TWO_BUGS.body(), new long[] {700}, 1000);
        Execution minimal = fromOverflow.shrink();
        assertThat(minimal.shown()).containsExactly("500");
        assertThat(minimal.origin()).isEqualTo(new FailureOrigin("check", IllegalStateException.class));

        Shrinker fromAssertion = Shrinker.startingFrom(TWO_BUGS.body(), new long[] {300}, 1000);
        assertThat(fromAssertion.shrink().shown()).containsExactly("10");
    }
}
