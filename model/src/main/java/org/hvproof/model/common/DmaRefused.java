package org.hvproof.model.common;

/**
 * A device's DMA request the IOMMU refused and reported (its fault log): the device's PCI
 * requester id, the access and the bus address of the refused piece. The pieces of the transfer
 * before it (split at 4 KiB bus pages) went through; nothing after it did.
 */
public record DmaRefused(int device, AccessKind access, long busAddress) implements Observation {
    @Override
    public String toString() {
        return "DMA " + Notation.words(access) + " by device " + Notation.hex(device) + " refused at bus "
                + Notation.hex(busAddress);
    }
}
