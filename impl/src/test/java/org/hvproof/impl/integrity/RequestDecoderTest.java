package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.junit.jupiter.api.Test;

/** The integrity service's range decoding at each guard's edge: one page either side of every limit. */
class RequestDecoderTest {
    private static final long PAGE = PageRange.PAGE_SIZE;
    private static final long GUEST_PAGES = 1024;
    private static final int MAX_PAGES = 64;

    private final RequestDecoder decoder = new RequestDecoder(GUEST_PAGES, MAX_PAGES);

    private RequestDecoder.Range taken(long first, long count) {
        return new RequestDecoder.Range(Optional.of(new PageRange(first, count)), IntegrityCode.OK);
    }

    @Test
    void aRangeOfExactlyTheLimitIsTakenAndOnePageMoreIsTooLarge() {
        assertThat(decoder.range(0, MAX_PAGES * PAGE)).isEqualTo(taken(0, MAX_PAGES));
        assertThat(decoder.range(0, (MAX_PAGES + 1) * PAGE).code()).isEqualTo(IntegrityCode.TOO_LARGE);
        assertThat(decoder.range(5 * PAGE, PAGE)).isEqualTo(taken(5, 1));
    }

    @Test
    void aRangeEndingOnTheLastGuestPageIsTakenAndOnePastItIsOutOfRange() {
        assertThat(decoder.range((GUEST_PAGES - 1) * PAGE, PAGE)).isEqualTo(taken(GUEST_PAGES - 1, 1));
        assertThat(decoder.range((GUEST_PAGES - 2) * PAGE, 2 * PAGE)).isEqualTo(taken(GUEST_PAGES - 2, 2));
        assertThat(decoder.range((GUEST_PAGES - 1) * PAGE, 2 * PAGE).code()).isEqualTo(IntegrityCode.OUT_OF_RANGE);
        assertThat(decoder.range(GUEST_PAGES * PAGE, PAGE).code()).isEqualTo(IntegrityCode.OUT_OF_RANGE);
    }

    @Test
    void theFirstPageIsGuardedMemoryAndEveryNegativeStartIsNot() {
        assertThat(decoder.range(0, PAGE)).isEqualTo(taken(0, 1));
        assertThat(decoder.range(-PAGE, PAGE).code()).isEqualTo(IntegrityCode.OUT_OF_RANGE);
        assertThat(decoder.range(Long.MIN_VALUE, PAGE).code()).isEqualTo(IntegrityCode.OUT_OF_RANGE);
    }

    @Test
    void aLengthOfNoBytesOrFewerIsEmptyBeforeAnythingElseIsLookedAt() {
        assertThat(decoder.range(0, 0).code()).isEqualTo(IntegrityCode.EMPTY);
        assertThat(decoder.range(1, -PAGE).code()).isEqualTo(IntegrityCode.EMPTY);
        assertThat(decoder.range(0, Long.MIN_VALUE).code()).isEqualTo(IntegrityCode.EMPTY);
        assertThat(decoder.range(0, -1).pages()).isEmpty();
    }

    @Test
    void theGuardsRefuseInTheirOrderAlignmentThenSizeThenPlace() {
        long huge = 1L << 40;
        assertThat(decoder.range(1, huge).code()).isEqualTo(IntegrityCode.UNALIGNED);
        assertThat(decoder.range(0, PAGE + 1).code()).isEqualTo(IntegrityCode.UNALIGNED);
        assertThat(decoder.range(-PAGE, huge).code()).isEqualTo(IntegrityCode.TOO_LARGE);
        assertThat(decoder.range(-PAGE, PAGE).pages()).isEmpty();
    }

    @Test
    void onlyTheTwoRequestableActionsDecode() {
        assertThat(decoder.action(AlertAction.RECORD_AND_ALLOW.requestCode())).contains(AlertAction.RECORD_AND_ALLOW);
        assertThat(decoder.action(AlertAction.BLOCK.requestCode())).contains(AlertAction.BLOCK);
        assertThat(decoder.action(AlertAction.TREE_NODE.requestCode())).isEmpty();
        assertThat(decoder.action(3)).isEmpty();
        assertThat(decoder.action(-1)).isEmpty();
    }
}
