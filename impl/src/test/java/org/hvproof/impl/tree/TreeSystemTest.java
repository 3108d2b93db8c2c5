package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.tree.TreeConfig;
import org.junit.jupiter.api.Test;

/** Hostile input to the tree's machine never throws out of the hypervisor. */
class TreeSystemTest {
    private final TreeSystem system = new TreeSystem(TreeConfig.small(), 3, TreeImplFlaw.NONE);

    @Test
    void aWriteByANegativeVcpuIsRefusedAsNoSuchVcpuAndChangesNothing() {
        var before = system.abstractState();
        assertThat(system.write(-1, Privilege.KERNEL, 0, 0x5000, Bytes.ofInts(1)))
                .containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(system.write(Integer.MIN_VALUE, Privilege.USER, -1, -1, Bytes.ofInts(1, 2)))
                .containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(system.abstractState()).isEqualTo(before);
    }

    @Test
    void aNegativeVcpuGetsWhatAMissingPositiveOneGets() {
        assertThat(system.write(-1, Privilege.KERNEL, 0, 0x5000, Bytes.ofInts(1)))
                .isEqualTo(system.write(3, Privilege.KERNEL, 0, 0x5000, Bytes.ofInts(1)));
    }

    @Test
    void guestBytesAreTheGuestPagesRange() {
        system.write(0, Privilege.KERNEL, 0, 0x5ffe, Bytes.ofInts(1, 2, 3, 4));
        system.protect(0x7000, 0x1000, 1);
        assertThat(system.tree().root()).contains(768L);
        long[] pages = {5, 6, 7, 768, 1023, 1100, TreeSystem.TABLE_POOL_PAGES + 1024, 1L << 30};
        int[][] ranges = {{0, 4096}, {4094, 2}, {0, 2}, {16, 64}, {4095, 1}, {100, 0}};
        for (long page : pages) {
            byte[] whole = system.guestPage(page);
            for (int[] r : ranges) {
                assertThat(system.guestBytes(page, r[0], r[1]))
                        .as("page %d bytes [%d, +%d)", page, r[0], r[1])
                        .isEqualTo(java.util.Arrays.copyOfRange(whole, r[0], r[0] + r[1]));
            }
        }
        assertThat(system.guestBytes(5, 4094, 2)).containsExactly(1, 2);
        assertThat(system.guestBytes(6, 0, 2)).containsExactly(3, 4);
    }

    @Test
    void aWriteAtGuestPhysicalZeroLandsThroughTheWindow() {
        assertThat(system.config()).isEqualTo(TreeConfig.small());
        var seen = system.write(0, Privilege.KERNEL, 0, 0, Bytes.ofInts(9, 8));
        assertThat(seen).hasSize(1);
        assertThat(system.guestBytes(0, 0, 2)).containsExactly(9, 8);
    }

    @Test
    void aRangeThatLeavesThePageIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.guestBytes(5, 4000, 200))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.guestBytes(5, -1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.guestBytes(5, 100, 4000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leave the page");
        assertThat(system.guestBytes(5, 4000, 96)).hasSize(96);
    }

    @Test
    void aWriteAboveGuestMemoryGetsTheSameAnswerEveryTimeAndChangesNothing() {
        var before = system.abstractState();
        long far = (system.machine().shape().guestPhysicalPages() + 5) * 4096;
        var first = system.write(1, Privilege.USER, 0, far, Bytes.ofInts(1));
        assertThat(system.write(1, Privilege.USER, 0, far, Bytes.ofInts(1))).isEqualTo(first);
        assertThat(first).noneMatch(org.hvproof.model.common.Completed.class::isInstance);
        assertThat(kinds(first)).containsExactly(org.hvproof.model.common.NptViolation.class);
        // A write that crosses into the next page above memory: both window pages are mapped.
        var crossing = system.write(1, Privilege.USER, 0, far + 2 * 4096 - 1, Bytes.ofInts(1, 2));
        assertThat(crossing).noneMatch(org.hvproof.model.common.PageFault.class::isInstance);
        long beyond = 1L << 45;
        assertThat(system.write(1, Privilege.USER, 0, beyond, Bytes.ofInts(1)))
                .isEqualTo(system.write(1, Privilege.USER, 0, beyond, Bytes.ofInts(1)));
        assertThat(system.abstractState()).isEqualTo(before);
    }

    @Test
    void aWriteAtTheLastWindowPagesGetsAnAnswerLikeAnyPageAboveGuestMemory() {
        long above = system.machine().shape().guestPhysicalPages() + 5;
        List<Class<?>> kinds = kinds(system.write(1, Privilege.USER, 0, above * 4096, Bytes.ofInts(1)));
        assertThat(kinds).isNotEmpty();
        // The window maps every page whose window address is canonical (pages up to
        // WINDOW_PAGES - 1, far above 2^31): its last page answers as any page above guest
        // memory; past it the window address is not canonical, a general-protection fault.
        assertThat(kinds(system.write(1, Privilege.USER, 0, (Integer.MAX_VALUE + 1L) * 4096, Bytes.ofInts(1))))
                .isEqualTo(kinds);
        assertThat(kinds(system.write(1, Privilege.USER, 0, (TreeSystem.WINDOW_PAGES - 1) * 4096, Bytes.ofInts(1))))
                .isEqualTo(kinds);
        assertThat(kinds(system.write(1, Privilege.USER, 0, TreeSystem.WINDOW_PAGES * 4096, Bytes.ofInts(1))))
                .containsExactly(org.hvproof.model.common.GeneralProtection.class);
        // Past guest-physical addressing: an answer, never an exception.
        long limit = org.hvproof.model.common.GuestPhysicalPage.LIMIT;
        assertThat(system.write(1, Privilege.USER, 0, limit * 4096, Bytes.ofInts(1)))
                .isNotEmpty();
        assertThat(system.write(1, Privilege.USER, 0, (limit - 1) * 4096, Bytes.ofInts(1)))
                .isNotEmpty();
    }

    private static List<Class<?>> kinds(List<?> seen) {
        return seen.stream().<Class<?>>map(Object::getClass).toList();
    }
}
