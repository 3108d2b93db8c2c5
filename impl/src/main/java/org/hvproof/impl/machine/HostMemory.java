package org.hvproof.impl.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Host-physical memory: frames of 4 KiB handed out by a bump allocator and materialised only
 * when first written, so a guest of a million pages costs only the frames it touches. A frame
 * that was never written reads as zeros. Frame 0 is never handed out, so 0 is never a valid frame.
 *
 * <p>Every write stamps its frame with the value of a counter that only grows ({@link
 * #lastWrite(long)}), so readers that derive something from a frame (a decoded page table, an
 * abstraction of its contents) can keep what they derived until the frame's stamp moves, and so
 * read the whole state every step without redoing the work for frames that did not change.
 */
public final class HostMemory {
    /** Bytes in a frame. */
    public static final int FRAME_SIZE = 4096;

    private static final int SHIFT = 12;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Frames are handed out densely from 1, so a frame's number indexes these arrays directly. */
    private byte[][] frames = new byte[64][];

    private long[] stamps = new long[64];
    private long writes;
    private int materialised;
    private final long frameLimit;
    private long nextFrame = 1;

    /** Host memory of {@code frameLimit} frames (frame numbers 1 .. frameLimit - 1 are allocatable). */
    public HostMemory(long frameLimit) {
        if (frameLimit < 2) {
            throw new IllegalArgumentException("host memory needs at least two frames, got " + frameLimit);
        }
        this.frameLimit = frameLimit;
    }

    /** A fresh, zeroed frame's number, or empty when host memory is exhausted. */
    public OptionalLong allocateFrame() {
        if (nextFrame >= frameLimit) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(nextFrame++);
    }

    /**
     * The first of {@code count} fresh, zeroed, consecutive frames whose first frame number is a
     * multiple of {@code count} (a power of two), as a large page needs: 512 for 2 MiB, 512 * 512
     * for 1 GiB. Frames skipped to reach the alignment are never handed out. Empty when memory is
     * exhausted or {@code count} is not a power of two.
     */
    public OptionalLong allocateAlignedFrames(long count) {
        if (count < 1 || Long.bitCount(count) != 1) {
            return OptionalLong.empty();
        }
        long first = (nextFrame + count - 1) & -count;
        if (first < nextFrame || first > frameLimit - count) {
            return OptionalLong.empty();
        }
        nextFrame = first + count;
        return OptionalLong.of(first);
    }

    /** Whether {@code frame} has been handed out. */
    public boolean isAllocated(long frame) {
        return frame >= 1 && frame < nextFrame;
    }

    /** Frames handed out so far. */
    public long allocatedFrames() {
        return nextFrame - 1;
    }

    /** Frames holding at least one written byte: what the simulation really stores. */
    public int materialisedFrames() {
        return materialised;
    }

    /**
     * The stamp of the last write to (or clearing of) {@code frame}: 0 when it was never written,
     * and otherwise a value no earlier write to any frame has had. Equal stamps mean equal contents.
     */
    public long lastWrite(long frame) {
        return frame >= 0 && frame < stamps.length ? stamps[(int) frame] : 0;
    }

    /**
     * The stamp of the latest write to (or clearing of) any frame: 0 before the first. Unchanged
     * means no frame's contents and no {@link #lastWrite(long)} changed since it was read.
     */
    public long lastWrite() {
        return writes;
    }

    /** The little-endian 8-byte value at an 8-aligned host-physical address. */
    public long readLong(long hpa) {
        requireAligned(hpa);
        byte[] f = stored(hpa >>> SHIFT);
        return f == null ? 0 : (long) LONG_LE.get(f, offset(hpa));
    }

    /** Stores a little-endian 8-byte value at an 8-aligned host-physical address. */
    public void writeLong(long hpa, long value) {
        requireAligned(hpa);
        LONG_LE.set(frameForWrite(hpa), offset(hpa), value);
    }

    /** Copies {@code length} bytes from {@code hpa} into {@code dst}; the range must stay in one frame. */
    public void read(long hpa, byte[] dst, int dstOffset, int length) {
        requireWithinFrame(hpa, length);
        byte[] f = stored(hpa >>> SHIFT);
        if (f == null) {
            Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
        } else {
            System.arraycopy(f, offset(hpa), dst, dstOffset, length);
        }
    }

    /** Copies {@code length} bytes of {@code src} to {@code hpa}; the range must stay in one frame. */
    public void write(long hpa, byte[] src, int srcOffset, int length) {
        requireWithinFrame(hpa, length);
        System.arraycopy(src, srcOffset, frameForWrite(hpa), offset(hpa), length);
    }

    /** Zeroes a whole frame (drops its storage). */
    public void clearFrame(long frame) {
        if (stored(frame) != null) {
            frames[(int) frame] = null;
            materialised--;
        }
        if (isAllocated(frame)) {
            stamp(frame);
        }
    }

    /**
     * Copies a whole frame into {@code dst} as its {@code FRAME_SIZE / 8} little-endian 8-byte
     * values (zeros when it was never written): {@link #readLong} of every aligned address of the
     * frame, in one bulk copy.
     */
    public void readLongs(long frame, long[] dst) {
        if (dst.length != FRAME_SIZE / 8) {
            throw new IllegalArgumentException("a frame holds " + FRAME_SIZE / 8 + " longs, not " + dst.length);
        }
        byte[] f = stored(frame);
        if (f == null) {
            Arrays.fill(dst, 0L);
        } else {
            ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst);
        }
    }

    /**
     * Stores {@code src}'s {@code FRAME_SIZE / 8} values as a whole frame, little-endian: {@link
     * #writeLong} at every aligned address of the frame, in one bulk copy and one stamp.
     */
    public void writeLongs(long frame, long[] src) {
        if (src.length != FRAME_SIZE / 8) {
            throw new IllegalArgumentException("a frame holds " + FRAME_SIZE / 8 + " longs, not " + src.length);
        }
        ByteBuffer.wrap(frameForWrite(frame << SHIFT))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asLongBuffer()
                .put(src);
    }

    /** A copy of a whole frame's contents. */
    public byte[] frameContents(long frame) {
        byte[] f = stored(frame);
        return f == null ? new byte[FRAME_SIZE] : f.clone();
    }

    private byte[] frameForWrite(long hpa) {
        long frame = hpa >>> SHIFT;
        if (!isAllocated(frame)) {
            throw new IllegalStateException("write to unallocated host frame 0x" + Long.toHexString(frame));
        }
        if (frame >= frames.length) {
            int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(frame + 1, 2L * frames.length));
            frames = Arrays.copyOf(frames, size);
            stamps = Arrays.copyOf(stamps, size);
        }
        byte[] f = frames[(int) frame];
        if (f == null) {
            f = new byte[FRAME_SIZE];
            frames[(int) frame] = f;
            materialised++;
        }
        stamp(frame);
        return f;
    }

    private void stamp(long frame) {
        if (frame < stamps.length) {
            stamps[(int) frame] = ++writes;
        }
    }

    /** The storage of {@code frame}, or null when it reads as zeros. */
    private byte[] stored(long frame) {
        return frame >= 0 && frame < frames.length ? frames[(int) frame] : null;
    }

    private static int offset(long hpa) {
        return (int) (hpa & (FRAME_SIZE - 1));
    }

    private static void requireAligned(long hpa) {
        if ((hpa & 7) != 0) {
            throw new IllegalArgumentException("unaligned 8-byte access at host 0x" + Long.toHexString(hpa));
        }
    }

    private static void requireWithinFrame(long hpa, int length) {
        if (length < 0 || offset(hpa) + length > FRAME_SIZE) {
            throw new IllegalArgumentException(
                    "access of " + length + " bytes at host 0x" + Long.toHexString(hpa) + " leaves its frame");
        }
    }
}
