package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.integrity.IntegrityCode;
import org.junit.jupiter.api.Test;

/** The status word the guest reads back in RAX: every code survives the trip, nothing else reads as one. */
class IntegrityHypercallsTest {
    @Test
    void everyCodeSurvivesTheTripThroughItsStatus() {
        for (IntegrityCode code : IntegrityCode.values()) {
            assertThat(IntegrityHypercalls.code(IntegrityHypercalls.status(code)))
                    .as("%s", code)
                    .contains(code);
        }
        assertThat(IntegrityHypercalls.status(IntegrityCode.OK)).isZero();
        assertThat(IntegrityHypercalls.status(IntegrityCode.UNKNOWN_VCPU))
                .isEqualTo(IntegrityHypercalls.STATUS_BASE + 1);
    }

    @Test
    void statusesJustOutsideTheRefusalBlockAreForeign() {
        // The base itself would be OK's ordinal: OK is only ever 0.
        assertThat(IntegrityHypercalls.code(IntegrityHypercalls.STATUS_BASE)).isEmpty();
        assertThat(IntegrityHypercalls.code(IntegrityHypercalls.STATUS_BASE + IntegrityCode.values().length))
                .isEmpty();
        assertThat(IntegrityHypercalls.code(1)).isEmpty();
        assertThat(IntegrityHypercalls.code(IntegrityHypercalls.STATUS_BASE - 1))
                .isEmpty();
        assertThat(IntegrityHypercalls.code(-1)).isEmpty();
        assertThat(IntegrityHypercalls.code(Long.MIN_VALUE)).isEmpty();
    }
}
