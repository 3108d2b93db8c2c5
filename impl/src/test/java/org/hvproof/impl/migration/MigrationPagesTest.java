package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;

/**
 * {@link MigrationHost#pages} keeps what it read between calls; these tests change the pages
 * behind every API (straight into host memory, a frame cleared, a page moved to another frame by
 * the nested table) and check that the next read sees it and equals a page-by-page read. A cache
 * keyed on anything but the nested table's version, the frames and their write stamps would fail.
 */
class MigrationPagesTest {
    private final MigrationConfig config = MigrationConfig.withDefaults(
            6, 2, MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS);
    private final MigrationSystem sys = new MigrationSystem(config);
    private final MigrationHost host = sys.host();
    private final HostMemory memory = host.machine.memory();

    @Test
    void unchangedPagesAreTheSameListAndChangesAreSeenWhoeverMakesThem() {
        sys.apply(new GuestWrite(3, 0, Bytes.ofInts(1, 2)));
        List<Bytes> before = host.pages(config.dataPages());
        assertThat(host.pages(config.dataPages())).isSameAs(before);
        assertFresh();

        memory.write((host.frame(3) << 12) + 9, new byte[] {5}, 0, 1);
        assertThat(host.pages(config.dataPages()).get(3).get(9)).isEqualTo((byte) 5);
        assertFresh();

        memory.clearFrame(host.frame(3));
        assertThat(host.pages(config.dataPages()).get(3).isAllZero()).isTrue();
        assertFresh();

        long moved = memory.allocateFrame().orElseThrow();
        memory.write(moved << 12, new byte[] {7}, 0, 1);
        host.machine.defaultView().map(new GuestPhysicalPage(4), moved, NestedPermissions.RWX);
        assertThat(host.pages(config.dataPages()).get(4).get(0)).isEqualTo((byte) 7);
        assertFresh();

        long fresh = memory.allocateFrame().orElseThrow();
        host.machine.defaultView().map(new GuestPhysicalPage(4), fresh, NestedPermissions.RWX);
        assertThat(host.pages(config.dataPages()).get(4).isAllZero()).isTrue();
        assertFresh();
    }

    @Test
    void aReadOfMorePagesAfterFewerReadsThemAll() {
        sys.apply(new GuestWrite(4, 0, Bytes.ofInts(6)));
        assertThat(host.pages(3)).hasSize(3);
        List<Bytes> all = host.pages(config.dataPages());
        assertThat(all.get(4).get(0)).isEqualTo((byte) 6);
        assertFresh();
        assertThat(host.pages(2)).containsExactlyElementsOf(all.subList(0, 2));
    }

    /** Every page as {@link MigrationHost#page} reads it, one by one, without any cache. */
    private void assertFresh() {
        List<Bytes> pages = host.pages(config.dataPages());
        assertThat(pages).hasSize(config.dataPages());
        for (int p = 0; p < config.dataPages(); p++) {
            assertThat(pages.get(p)).isEqualTo(Bytes.of(host.page(p)));
        }
    }
}
