package org.hvproof.model.common;

import java.util.Arrays;

/** An immutable byte string: memory contents, written data, values read. Compared by content. */
public final class Bytes {
    private static final int SHOWN = 16;
    /** Zeros to compare against, a block at a time. */
    private static final byte[] ZEROS = new byte[4096];

    private final byte[] data;
    /**
     * {@link #isAllZero} once computed: 0 not yet, 1 all zero, 2 not. The bytes never change, so
     * the answer never does; a race only computes it twice. Model invariants ask it of every page
     * of every state.
     */
    private byte zero;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of the given bytes. */
    public static Bytes of(byte... bytes) {
        return new Bytes(bytes.clone());
    }

    /** The low byte of each int, for readable tests: {@code Bytes.ofInts(0xde, 0xad)}. */
    public static Bytes ofInts(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return new Bytes(b);
    }

    /** {@code length} zero bytes. */
    public static Bytes zeros(int length) {
        return new Bytes(new byte[length]);
    }

    /** Number of bytes. */
    public int length() {
        return data.length;
    }

    /** The byte at {@code index}. */
    public byte get(int index) {
        return data[index];
    }

    /** A fresh mutable copy. */
    public byte[] toArray() {
        return data.clone();
    }

    /** The {@code length} bytes starting at {@code from}. */
    public Bytes slice(int from, int length) {
        return new Bytes(Arrays.copyOfRange(data, from, from + length));
    }

    /** A copy with {@code src} written over it starting at {@code offset}. */
    public Bytes overwrite(int offset, Bytes src) {
        byte[] copy = data.clone();
        System.arraycopy(src.data, 0, copy, offset, src.data.length);
        return new Bytes(copy);
    }

    /** Whether every byte is zero (the contents of never-written memory). */
    public boolean isAllZero() {
        byte z = zero;
        if (z == 0) {
            z = 1;
            // Compared a block at a time against zeros: Arrays.mismatch is vectorised, a byte loop
            // that stops early is not (it cost 1-2 us per 4 KiB page).
            for (int from = 0; from < data.length && z == 1; from += ZEROS.length) {
                int n = Math.min(ZEROS.length, data.length - from);
                if (Arrays.mismatch(data, from, from + n, ZEROS, 0, n) >= 0) {
                    z = 2;
                }
            }
            zero = z;
        }
        return z == 1;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** Hex, the first 16 bytes and the length when longer. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(SHOWN, data.length); i++) {
            sb.append(String.format("%02x", data[i] & 0xff));
        }
        if (data.length > SHOWN) {
            sb.append("...(").append(data.length).append(" bytes)");
        }
        return sb.append(']').toString();
    }
}
