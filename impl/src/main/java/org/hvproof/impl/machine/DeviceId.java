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
        // As String.format("%02x:%02x.%x", ...) prints it, without the formatter (every boot names its device).
        return hex2(requesterId >>> 8) + ":" + hex2((requesterId >>> 3) & 0x1f) + "."
                + Integer.toHexString(requesterId & 7);
    }

    private static String hex2(int value) {
        return value < 0x10 ? "0" + Integer.toHexString(value) : Integer.toHexString(value);
    }
}
