package org.hvproof.model.migration;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;

/**
 * The formats the VM and the device share, and range arithmetic over pages: a descriptor is 16
 * bytes in the ring page (buffer address, 64 bits; length, 32 bits; direction word, 32 bits; all
 * little-endian) at slot {@code index mod ringSlots}; the device's output for request {@code id}
 * at byte {@code i} of its buffer is a fixed function of both, so two runs of the same actions
 * write the same bytes.
 */
public final class MigrationLayout {
    private MigrationLayout() {}

    /** One descriptor as read from the ring: raw, may be hostile. */
    public record Descriptor(long address, long length, long direction) {}

    /** The 16 bytes of a descriptor. */
    public static Bytes encode(long address, long length, long direction) {
        byte[] b = new byte[MigrationConfig.SLOT_BYTES];
        putLong(b, 0, address, 8);
        putLong(b, 8, length, 4);
        putLong(b, 12, direction, 4);
        return Bytes.of(b);
    }

    /** The descriptor at ring index {@code index} of a ring page. */
    public static Descriptor decode(Bytes ringPage, long index, int ringSlots) {
        int at = slotOffset(index, ringSlots);
        return new Descriptor(getLong(ringPage, at, 8), getLong(ringPage, at + 8, 4), getLong(ringPage, at + 12, 4));
    }

    /** Byte offset in the ring page of ring index {@code index}. */
    public static int slotOffset(long index, int ringSlots) {
        return (int) Math.floorMod(index, (long) ringSlots) * MigrationConfig.SLOT_BYTES;
    }

    /** The device's output for request {@code id}, bytes {@code from .. from + n} of its buffer. */
    public static Bytes deviceOutput(long id, int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (id * 37 + (long) (from + i) * 11 + 5);
        }
        return Bytes.of(b);
    }

    /** The {@code length} bytes at guest-physical {@code address} of pages numbered from {@code first}. */
    public static Bytes read(List<Bytes> pages, long first, long address, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long at = address + done;
            int page = (int) (at / MigrationConfig.PAGE_BYTES - first);
            int offset = (int) (at % MigrationConfig.PAGE_BYTES);
            int n = Math.min(length - done, (int) MigrationConfig.PAGE_BYTES - offset);
            System.arraycopy(pages.get(page).slice(offset, n).toArray(), 0, out, done, n);
            done += n;
        }
        return Bytes.of(out);
    }

    /** {@code pages} (numbered from {@code first}) with {@code data} written at guest-physical {@code address}. */
    public static List<Bytes> write(List<Bytes> pages, long first, long address, Bytes data) {
        List<Bytes> out = new ArrayList<>(pages);
        int done = 0;
        while (done < data.length()) {
            long at = address + done;
            int page = (int) (at / MigrationConfig.PAGE_BYTES - first);
            int offset = (int) (at % MigrationConfig.PAGE_BYTES);
            int n = Math.min(data.length() - done, (int) MigrationConfig.PAGE_BYTES - offset);
            out.set(page, out.get(page).overwrite(offset, data.slice(done, n)));
            done += n;
        }
        return out;
    }

    /** The page numbers {@code [address, address + length)} touches. */
    public static List<Long> pagesOf(long address, int length) {
        List<Long> out = new ArrayList<>();
        for (long p = address / MigrationConfig.PAGE_BYTES;
                p <= (address + length - 1) / MigrationConfig.PAGE_BYTES;
                p++) {
            out.add(p);
        }
        return out;
    }

    private static void putLong(byte[] b, int at, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static long getLong(Bytes b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (b.get(at + i) & 0xffL) << (8 * i);
        }
        return v;
    }
}
