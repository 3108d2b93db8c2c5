package org.hvproof.impl.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hvproof.model.common.Bytes;

/** A host's volatile memory: pages of bytes, lost (zeroed) when power goes. */
final class VolatileMemory {
    private final byte[][] pages;

    VolatileMemory(int pages, int pageBytes) {
        this.pages = new byte[pages][pageBytes];
    }

    int pages() {
        return pages.length;
    }

    int pageBytes() {
        return pages.length == 0 ? 0 : pages[0].length;
    }

    byte[] page(int i) {
        return pages[i];
    }

    void writePage(int i, byte[] data) {
        System.arraycopy(data, 0, pages[i], 0, pages[i].length);
    }

    long readLong(int page, int offset) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (pages[page][offset + i] & 0xff);
        }
        return v;
    }

    void writeLong(int page, int offset, long v) {
        for (int i = 0; i < 8; i++) {
            pages[page][offset + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Power gone: every page reads zero. */
    void lose() {
        for (byte[] p : pages) {
            Arrays.fill(p, (byte) 0);
        }
    }

    /** Every page, as immutable bytes. */
    List<Bytes> snapshot() {
        List<Bytes> out = new ArrayList<>(pages.length);
        for (byte[] p : pages) {
            out.add(Bytes.of(p));
        }
        return out;
    }
}
