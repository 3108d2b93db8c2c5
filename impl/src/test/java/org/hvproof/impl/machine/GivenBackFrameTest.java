package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.junit.jupiter.api.Test;

/** A frame given back to the hypervisor ({@link Hypervisor#giveBack}) backs the next page it backs, as it is; then fresh ones again. */
class GivenBackFrameTest {
    private static long frameOf(Hypervisor h, long page) {
        return h.machine()
                .view(ViewId.DEFAULT)
                .orElseThrow()
                .leaf(new GuestPhysicalPage(page))
                .orElseThrow()
                .hostFrame();
    }

    @Test
    void theNextPageBackedGetsTheGivenBackFrameWithItsContents() {
        Hypervisor h = new Hypervisor(new Machine(new MachineShape(1, 64, 32, 32)));
        assertThat(h.populate(ViewId.DEFAULT, new GuestPhysicalPage(1))).isTrue();
        long old = frameOf(h, 1);
        h.machine().memory().writeLong(old << 12, 0x5EC2E7L);

        h.giveBack(old);
        assertThat(h.populateRange(ViewId.DEFAULT, 2, 2)).isTrue();

        assertThat(frameOf(h, 2)).isEqualTo(old);
        assertThat(h.machine().memory().readLong(old << 12)).isEqualTo(0x5EC2E7L);
        assertThat(frameOf(h, 3)).isNotIn(old, frameOf(h, 1));
    }
}
