package org.hvproof.impl.machine;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Host-physical memory: frames of 4 KiB handed out by a bump allocator and materialised only
 * when first written, so a guest of a million pages costs only the frames it touches. A frame
 * that was never written reads as zeros. Frame 0 is never handed out, so 0 is never a valid frame.
 */
public final class HostMemory {
    /** Bytes in a frame. */
    public static final int FRAME_SIZE = 4096;

    private static final int SHIFT = 12;

    private final Map<Long, byte[]> frames = new HashMap<>();
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
        return frames.size();
    }

    /** The little-endian 8-byte value at an 8-aligned host-physical address. */
    public long readLong(long hpa) {
        requireAligned(hpa);
        byte[] f = frames.get(hpa >>> SHIFT);
        if (f == null) {
            return 0;
        }
        int o = offset(hpa);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (f[o + i] & 0xffL);
        }
        return v;
    }

    /** Stores a little-endian 8-byte value at an 8-aligned host-physical address. */
    public void writeLong(long hpa, long value) {
        requireAligned(hpa);
        byte[] f = frameForWrite(hpa);
        int o = offset(hpa);
        for (int i = 0; i < 8; i++) {
            f[o + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Copies {@code length} bytes from {@code hpa} into {@code dst}; the range must stay in one frame. */
    public void read(long hpa, byte[] dst, int dstOffset, int length) {
        requireWithinFrame(hpa, length);
        byte[] f = frames.get(hpa >>> SHIFT);
        if (f == null) {
            java.util.Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
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
        frames.remove(frame);
    }

    /** A copy of a whole frame's contents. */
    public byte[] frameContents(long frame) {
        byte[] f = frames.get(frame);
        return f == null ? new byte[FRAME_SIZE] : f.clone();
    }

    private byte[] frameForWrite(long hpa) {
        long frame = hpa >>> SHIFT;
        if (!isAllocated(frame)) {
            throw new IllegalStateException("write to unallocated host frame 0x" + Long.toHexString(frame));
        }
        return frames.computeIfAbsent(frame, k -> new byte[FRAME_SIZE]);
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
