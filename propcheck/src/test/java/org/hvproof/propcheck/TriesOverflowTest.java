package org.hvproof.propcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Tries near the top of an int: the discard limit was once {@code tries * 10 + 100} in int, which
 * wraps negative from about 215 million tries, so the first discard ended the run with ERROR and the
 * claims report showed a false VIOLATED. The limit is now computed in long and saturates.
 */
class TriesOverflowTest {

    @Test
    void theDiscardLimitSaturatesInsteadOfWrappingNegative() {
        assertThat(Engine.maxDiscards(215_000_000)).isEqualTo(9L * 215_000_000 + 100);
        assertThat(Engine.maxDiscards(300_000_000)).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(Engine.maxDiscards(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE - 1);
    }

    @Test
    void aHugeTriesCountStillReportsTheRealFailureAfterADiscard() {
        AtomicInteger cases = new AtomicInteger();
        PropertyResult r = Property.forAll(Gens.integers(0, 9))
                .named("fails after one discarded case")
                .check(i -> {
                    if (cases.getAndIncrement() == 0) {
                        throw Invalid.DISCARD;
                    }
                    return i < 0;
                })
                .run(Settings.none().withSeed(1L).withQuiet(true).withTries(250_000_000));

        assertThat(r.status()).as(r.report()).isEqualTo(PropertyResult.Status.FAILED);
        assertThat(r.report()).doesNotContain("Too many discarded");
    }
}
