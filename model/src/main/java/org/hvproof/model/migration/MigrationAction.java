package org.hvproof.model.migration;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Notation;

/**
 * What can happen in one step: the VM writes and reads its memory and drives its passthrough
 * device (a descriptor written into the ring, the doorbell rung), the device moves one DMA piece
 * and raises its completion interrupt, and the operator starts the migration and its rounds run.
 * Raw arguments: may be hostile.
 */
public sealed interface MigrationAction {

    /** The VM writes {@code data} at {@code offset} of its data page {@code page}. */
    record GuestWrite(long page, int offset, Bytes data) implements MigrationAction {
        @Override
        public String toString() {
            return "VM writes " + data + " at " + Notation.gpp(page) + " offset " + Notation.hex(offset);
        }
    }

    /** The VM reads {@code length} bytes at {@code offset} of its data page {@code page}. */
    record GuestRead(long page, int offset, int length) implements MigrationAction {
        @Override
        public String toString() {
            return "VM reads " + length + " bytes at " + Notation.gpp(page) + " offset " + Notation.hex(offset);
        }
    }

    /**
     * The VM's driver writes a descriptor (buffer address, length as 32 bits, direction word) into
     * the ring's next slot in guest memory and advances its tail; the device does not see it yet.
     */
    record Submit(long address, long length, long direction) implements MigrationAction {
        @Override
        public String toString() {
            return "driver posts descriptor: buffer " + Notation.gpa(address) + ", length " + Notation.hex(length)
                    + ", direction "
                    + DmaDirection.decode(direction).map(Notation::words).orElse("word " + Notation.hex(direction));
        }
    }

    /** The VM writes {@code tail} to the device's doorbell register (an MMIO write). */
    record Doorbell(long tail) implements MigrationAction {
        @Override
        public String toString() {
            return "VM rings the doorbell, tail " + tail;
        }
    }

    /**
     * The VM writes {@code data} at {@code offset} of the device's MMIO page: one 8-byte store at
     * the doorbell register is a doorbell with that tail (little-endian), any other write (part of
     * the register, past it, across it) is refused by the device with an alert.
     */
    record RegisterWrite(int offset, Bytes data) implements MigrationAction {
        @Override
        public String toString() {
            return "VM writes " + data + " at MMIO page offset " + Notation.hex(offset);
        }
    }

    /** The device moves up to {@code bytes} bytes of its oldest request by DMA (at least one). */
    record DeviceStep(int bytes) implements MigrationAction {
        @Override
        public String toString() {
            return "device moves up to " + bytes + " bytes by DMA";
        }
    }

    /** The device raises its completion interrupt for its oldest posted completion. */
    record CompletionInterrupt() implements MigrationAction {
        @Override
        public String toString() {
            return "device raises its completion interrupt";
        }
    }

    /** The operator migrates the VM to a destination host of {@code destinationPages} pages. */
    record StartMigration(long destinationPages) implements MigrationAction {
        @Override
        public String toString() {
            return "operator migrates the VM to a destination of " + destinationPages + " pages";
        }
    }

    /**
     * The migration's next round in one step: a pre-copy round, or stop-and-copy and switch-over
     * when due; with a round in progress ({@link RoundStep}), the rest of that round.
     */
    record MigrationRound() implements MigrationAction {
        @Override
        public String toString() {
            return "next migration round";
        }
    }

    /**
     * The migration's next micro-step while the VM runs: with no round in progress, the start of
     * a pre-copy round (which fixes the pages it sends: the dirty set), or stop-and-copy and
     * switch-over when due; within a round, the next half of its next page: re-arming its dirty
     * logging, then copying it to the destination.
     */
    record RoundStep() implements MigrationAction {
        @Override
        public String toString() {
            return "next micro-step of the migration round";
        }
    }
}
