package org.hvproof.model.failover;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;

/**
 * Where the application keeps its data, as the model states it: key {@code k} is the little-endian
 * 64-bit slot {@code k} of the application's pages, in page order; the virtual NIC's state in the
 * checkpoint is a little-endian count followed by the queued requests (key, value), zero-padded to
 * whole pages.
 */
public final class FailoverLayout {
    private FailoverLayout() {}

    /** The page holding key {@code key}. */
    public static int pageOf(FailoverConfig c, long key) {
        return (int) (key / (c.pageBytes() / FailoverConfig.SLOT_BYTES));
    }

    /** The byte offset of key {@code key} in its page. */
    public static int offsetOf(FailoverConfig c, long key) {
        return (int) (key % (c.pageBytes() / FailoverConfig.SLOT_BYTES)) * FailoverConfig.SLOT_BYTES;
    }

    /** The value of {@code key} in the application's pages. */
    public static long read(FailoverConfig c, List<Bytes> pages, long key) {
        Bytes page = pages.get(pageOf(c, key));
        int off = offsetOf(c, key);
        long v = 0;
        for (int i = FailoverConfig.SLOT_BYTES - 1; i >= 0; i--) {
            v = (v << 8) | (page.get(off + i) & 0xff);
        }
        return v;
    }

    /** The pages with {@code key} set to {@code value}. */
    public static List<Bytes> write(FailoverConfig c, List<Bytes> pages, long key, long value) {
        List<Bytes> out = new ArrayList<>(pages);
        int p = pageOf(c, key);
        out.set(p, pages.get(p).overwrite(offsetOf(c, key), le(value)));
        return out;
    }

    /** The virtual NIC's queue as checkpoint pages. */
    public static List<Bytes> encodeQueue(FailoverConfig c, List<KeyValueUpdate> queue) {
        int pageBytes = (int) c.pageBytes();
        Bytes all = Bytes.zeros(c.nicPages() * pageBytes).overwrite(0, le(queue.size()));
        int at = FailoverConfig.SLOT_BYTES;
        for (KeyValueUpdate u : queue) {
            all = all.overwrite(at, le(u.key())).overwrite(at + 8, le(u.value()));
            at += FailoverConfig.REQUEST_BYTES;
        }
        List<Bytes> pages = new ArrayList<>();
        for (int i = 0; i < c.nicPages(); i++) {
            pages.add(all.slice(i * pageBytes, pageBytes));
        }
        return pages;
    }

    /** The queue the checkpoint pages hold (a count clamped to the queue's slots). */
    public static List<KeyValueUpdate> decodeQueue(FailoverConfig c, List<Bytes> nicPages) {
        byte[] all = new byte[nicPages.size() * (int) c.pageBytes()];
        for (int i = 0; i < nicPages.size(); i++) {
            System.arraycopy(nicPages.get(i).toArray(), 0, all, i * (int) c.pageBytes(), (int) c.pageBytes());
        }
        long count = Math.max(0, Math.min(c.queueSlots(), le(all, 0)));
        List<KeyValueUpdate> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = FailoverConfig.SLOT_BYTES + i * FailoverConfig.REQUEST_BYTES;
            out.add(new KeyValueUpdate(le(all, at), le(all, at + 8)));
        }
        return out;
    }

    /** The checkpoint of {@code image}: its pages, then the NIC's pages. */
    public static List<Bytes> checkpoint(FailoverConfig c, ApplicationImage image) {
        List<Bytes> out = new ArrayList<>(image.pages());
        out.addAll(encodeQueue(c, image.queue()));
        return out;
    }

    private static Bytes le(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return Bytes.of(b);
    }

    private static long le(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }
}
