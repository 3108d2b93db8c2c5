package org.hvproof.impl.failover;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.hvproof.model.failover.KeyValueUpdate;

/** The application's virtual NIC: a bounded receive queue of client requests (device state, not memory). */
final class VirtualNic {
    private final int slots;
    private final Deque<long[]> rx = new ArrayDeque<>();

    VirtualNic(int slots) {
        this.slots = slots;
    }

    int slots() {
        return slots;
    }

    boolean full() {
        return rx.size() >= slots;
    }

    void receive(long key, long value) {
        rx.addLast(new long[] {key, value});
    }

    long[] take() {
        return rx.pollFirst();
    }

    boolean empty() {
        return rx.isEmpty();
    }

    void clear() {
        rx.clear();
    }

    /** The queued requests, oldest first. */
    List<KeyValueUpdate> queued() {
        List<KeyValueUpdate> out = new ArrayList<>();
        for (long[] r : rx) {
            out.add(new KeyValueUpdate(r[0], r[1]));
        }
        return out;
    }

    /** The device state as bytes: a little-endian count, then key and value of each request, zero padded to {@code length}. */
    byte[] serialise(int length) {
        byte[] out = new byte[length];
        putLong(out, 0, rx.size());
        int at = 8;
        for (long[] r : rx) {
            putLong(out, at, r[0]);
            putLong(out, at + 8, r[1]);
            at += 16;
        }
        return out;
    }

    /** Restores the device state from {@link #serialise} bytes (a count beyond the slots is clamped). */
    void restore(byte[] state) {
        rx.clear();
        long count = Math.max(0, Math.min(slots, getLong(state, 0)));
        for (int i = 0; i < count; i++) {
            rx.addLast(new long[] {getLong(state, 8 + 16 * i), getLong(state, 16 + 16 * i)});
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }
}
