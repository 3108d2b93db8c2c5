package org.hvproof.model.common;

/**
 * A device's DMA transfer that the IOMMU let through whole: the device's PCI requester id, the
 * access, the bus address it started at and the bytes transferred.
 */
public record DmaCompleted(int device, AccessKind access, long busAddress, int length) implements Observation {
    @Override
    public String toString() {
        return "DMA " + Notation.words(access) + " by device " + Notation.hex(device) + " at bus "
                + Notation.hex(busAddress) + " completed, " + length + " bytes";
    }
}
