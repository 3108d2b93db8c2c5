package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A nested entry is present when any one right is set (EPT has no present bit of its own). */
class NestedPermissionsTest {
    @Test
    void anyOneRightMakesAnEntryPresentAndNoneDoesNot() {
        assertThat(new NestedPermissions(false, false, false).present()).isFalse();
        assertThat(new NestedPermissions(true, false, false).present()).isTrue();
        assertThat(new NestedPermissions(false, true, false).present()).isTrue();
        assertThat(NestedPermissions.EXECUTE_ONLY.present()).isTrue();
        assertThat(NestedPermissions.RWX.withWrite(false)).isEqualTo(NestedPermissions.RX);
    }
}
