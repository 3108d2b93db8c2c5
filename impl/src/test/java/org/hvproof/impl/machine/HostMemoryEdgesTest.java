package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Host memory at its edges: the smallest memory and its one frame, aligned runs of frames,
 * accesses that end exactly at a frame's end or one byte past it, unaligned 8-byte accesses,
 * reads of frames never written into buffers holding old data, clearing, and the write stamps of
 * frames far beyond any written so far.
 */
class HostMemoryEdgesTest {
    @Test
    void theSmallestMemoryHandsOutExactlyOneFrame() {
        assertThatThrownBy(() -> new HostMemory(1)).isInstanceOf(IllegalArgumentException.class);
        HostMemory two = new HostMemory(2);
        assertThat(two.allocateFrame()).hasValue(1);
        assertThat(two.allocateFrame()).isEmpty();
        assertThat(two.allocatedFrames()).isEqualTo(1);
    }

    @Test
    void alignedRunsStartAtAMultipleOfTheirLengthAndFitBelowTheLimit() {
        HostMemory memory = new HostMemory(64);
        assertThat(memory.allocateFrame()).hasValue(1);
        assertThat(memory.allocateAlignedFrames(16)).hasValue(16);
        assertThat(memory.allocateFrame()).hasValue(32);
        assertThat(memory.allocateAlignedFrames(1)).hasValue(33);
        assertThat(memory.allocateAlignedFrames(3)).as("not a power of two").isEmpty();
        assertThat(memory.allocateAlignedFrames(0)).isEmpty();
        assertThat(memory.allocateAlignedFrames(-4)).isEmpty();
        assertThat(memory.allocateAlignedFrames(16))
                .as("frames 48..63 are the last that fit")
                .hasValue(48);
        assertThat(memory.allocateAlignedFrames(1)).isEmpty();
        assertThat(memory.isAllocated(63)).isTrue();
        assertThat(memory.isAllocated(64)).isFalse();

        HostMemory tight = new HostMemory(40);
        tight.allocateFrame();
        assertThat(tight.allocateAlignedFrames(32))
                .as("32..63 is past the limit")
                .isEmpty();
        assertThat(tight.allocateAlignedFrames(8)).hasValue(8);
    }

    @Test
    void anAccessMayEndAtItsFramesLastByteButNotPastIt() {
        HostMemory memory = new HostMemory(16);
        long frame = memory.allocateFrame().orElseThrow();
        long last8 = (frame << 12) + 4088;
        memory.write(last8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8);
        byte[] back = new byte[8];
        memory.read(last8, back, 0, 8);
        assertThat(back).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThatThrownBy(() -> memory.write(last8 + 1, new byte[8], 0, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.read(last8 + 1, new byte[8], 0, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.read(frame << 12, new byte[8], 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(memory.frameContents(frame)[4095]).isEqualTo((byte) 8);
    }

    @Test
    void eightByteAccessesMustBeAligned() {
        HostMemory memory = new HostMemory(16);
        long frame = memory.allocateFrame().orElseThrow();
        assertThatThrownBy(() -> memory.readLong((frame << 12) + 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.writeLong((frame << 12) + 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(memory.materialisedFrames()).isZero();
    }

    @Test
    void aFrameNeverWrittenReadsAsZerosOverWhateverTheBufferHeld() {
        HostMemory memory = new HostMemory(16);
        long frame = memory.allocateFrame().orElseThrow();
        byte[] bytes = new byte[16];
        Arrays.fill(bytes, (byte) 0x55);
        memory.read((frame << 12) + 8, bytes, 4, 8);
        assertThat(Arrays.copyOfRange(bytes, 4, 12)).containsOnly(0);
        assertThat(bytes[3]).isEqualTo((byte) 0x55);
        assertThat(bytes[12]).isEqualTo((byte) 0x55);
        long[] longs = new long[512];
        Arrays.fill(longs, -1L);
        memory.readLongs(frame, longs);
        assertThat(longs).containsOnly(0L);
    }

    @Test
    void clearingAFrameDropsItsStorageAndMovesItsStamp() {
        HostMemory memory = new HostMemory(16);
        long a = memory.allocateFrame().orElseThrow();
        long b = memory.allocateFrame().orElseThrow();
        memory.writeLong(a << 12, 1);
        memory.writeLong(b << 12, 2);
        assertThat(memory.materialisedFrames()).isEqualTo(2);
        long before = memory.lastWrite(a);

        memory.clearFrame(a);
        assertThat(memory.materialisedFrames()).isEqualTo(1);
        assertThat(memory.readLong(a << 12)).isZero();
        assertThat(memory.lastWrite(a)).isGreaterThan(before);
        assertThat(memory.lastWrite()).isEqualTo(memory.lastWrite(a));

        memory.clearFrame(a);
        assertThat(memory.materialisedFrames()).isEqualTo(1);
        long stamp = memory.lastWrite();
        memory.clearFrame(9);
        assertThat(memory.lastWrite())
                .as("a frame never handed out is not stamped")
                .isEqualTo(stamp);
        assertThat(memory.readLong(b << 12)).isEqualTo(2);
    }

    /** Frames far past any written so far: stamp 0, zeros, clearable; writing one materialises exactly it. */
    @Test
    void everyFrameNeverWrittenHasStampZeroWhateverItsNumber() {
        HostMemory memory = new HostMemory(1L << 20);
        for (int i = 0; i < 300; i++) {
            memory.allocateFrame();
        }
        memory.writeLong(1L << 12, 7);
        for (long frame = 2; frame <= 300; frame++) {
            assertThat(memory.lastWrite(frame)).as("frame %d", frame).isZero();
            assertThat(memory.readLong(frame << 12)).isZero();
            memory.clearFrame(frame);
            assertThat(memory.readLong(frame << 12)).isZero();
        }
        assertThat(memory.lastWrite(-1)).isZero();
        assertThat(memory.readLong(-8L & ~0xfffL)).isZero();
        memory.writeLong(300L << 12, 3);
        memory.writeLong(299L << 12, 4);
        assertThat(memory.materialisedFrames()).isEqualTo(3);
        assertThat(memory.readLong(300L << 12)).isEqualTo(3);
        assertThat(memory.lastWrite(300)).isPositive().isLessThan(memory.lastWrite(299));
    }
}
