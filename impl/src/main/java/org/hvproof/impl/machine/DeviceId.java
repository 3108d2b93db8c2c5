package org.hvproof.impl.machine;

/**
 * A PCI requester id (bus 8 bits, device 5, function 3), as a device's DMA requests carry it and
 * as the IOMMU's context table is indexed by it.
 */
public record DeviceId(int requesterId) {
    /** Requires a 16-bit requester id. */
    public DeviceId {
        if (requesterId < 0 || requesterId > 0xFFFF) {
            throw new IllegalArgumentException(
                    "a PCI requester id has 16 bits, got 0x" + Integer.toHexString(requesterId));
        }
    }

    /** {@code bus:device.function} in hex, as lspci prints it. */
    @Override
    public String toString() {
        return String.format("%02x:%02x.%x", requesterId >>> 8, (requesterId >>> 3) & 0x1f, requesterId & 7);
    }
}
