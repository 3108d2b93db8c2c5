package org.hvproof.model.migration;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Notation;

/**
 * One work request the device took from the ring: its ring index (its id), the buffer's
 * guest-physical address and length, the direction, the bytes moved so far and, for a transmit,
 * the bytes read so far.
 */
public record WorkRequest(long id, long address, int length, DmaDirection direction, int done, Bytes read) {
    /** A request just taken: nothing moved. */
    public static WorkRequest taken(long id, long address, int length, DmaDirection direction) {
        return new WorkRequest(id, address, length, direction, 0, Bytes.zeros(0));
    }

    /** Whether its buffer overlaps {@code [address, address + length)}. */
    public boolean overlaps(long otherAddress, long otherLength) {
        return address < otherAddress + otherLength && otherAddress < address + length;
    }

    /** Whether every byte has moved. */
    public boolean finished() {
        return done >= length;
    }

    /** The request as the ring shows it: id, buffer, direction and progress. */
    @Override
    public String toString() {
        return "request " + id + " " + Notation.words(direction) + " buffer " + Notation.gpa(address) + " length "
                + Notation.hex(length) + ", " + done + " bytes moved" + (read.length() == 0 ? "" : ", read " + read);
    }
}
