package org.hvproof.model.tracing;

import org.hvproof.model.common.Bytes;

/**
 * The device with PCI requester id {@code device} writes {@code bytes} by DMA at bus address
 * {@code busAddress} (a guest-physical address: the guest's device is given the guest's own
 * physical address space), split at 4 KiB bus pages as a device's requests are.
 */
public record DeviceWrite(int device, long busAddress, Bytes bytes) implements TracingAction {
    @Override
    public String toString() {
        return "dmaWrite dev=0x" + Integer.toHexString(device) + " bus=0x" + Long.toHexString(busAddress) + " " + bytes;
    }
}
