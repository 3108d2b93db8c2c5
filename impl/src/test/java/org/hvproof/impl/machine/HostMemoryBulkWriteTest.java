package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link HostMemory#writeLongs}: a whole frame written as longs is every long written one by one, with a fresh stamp. */
class HostMemoryBulkWriteTest {
    @Test
    void aWholeFrameWrittenAsLongsReadsBackLongByLong() {
        HostMemory memory = new HostMemory(1L << 40);
        long frame = memory.allocateFrame().orElseThrow();
        long other = memory.allocateFrame().orElseThrow();
        memory.writeLong(other << 12, 5);
        long before = memory.lastWrite();
        long[] longs = new long[HostMemory.FRAME_SIZE / 8];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = 0x0101_0101_0101_0101L * i - i;
        }
        memory.writeLongs(frame, longs);
        for (int i = 0; i < longs.length; i++) {
            assertThat(memory.readLong((frame << 12) + 8L * i)).as("long %d", i).isEqualTo(longs[i]);
        }
        assertThat(memory.lastWrite(frame)).isGreaterThan(before).isEqualTo(memory.lastWrite());
        assertThat(memory.materialisedFrames()).isEqualTo(2);
        assertThat(memory.readLong(other << 12)).isEqualTo(5);
    }

    @Test
    void onlyWholeAllocatedFramesAreWritten() {
        HostMemory memory = new HostMemory(1L << 40);
        long frame = memory.allocateFrame().orElseThrow();
        assertThatThrownBy(() -> memory.writeLongs(frame, new long[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.writeLongs(frame + 1, new long[HostMemory.FRAME_SIZE / 8]))
                .isInstanceOf(IllegalStateException.class);
    }
}
