package org.hvproof.impl.machine;

import java.util.Locale;
import org.hvproof.model.common.AccessKind;

/**
 * One DMA request the IOMMU refused, as its fault-recording registers log it: the device, the bus
 * address of the refused page piece, the access and why.
 */
public record DmaFault(DeviceId device, long busAddress, AccessKind access, Cause cause) {
    /** Why the IOMMU refused a request. */
    public enum Cause {
        /** The device has no context entry: no IOMMU page table, so none of its DMA is translated. */
        NO_CONTEXT,
        /** The bus address is beyond the table's 48 bits or some level of the walk is not present. */
        NOT_PRESENT,
        /** The entry is present but does not allow the access (a write to a read-only page). */
        PERMISSION
    }

    @Override
    public String toString() {
        return "DMA " + access.name().toLowerCase(Locale.ROOT) + " by " + device + " at bus 0x"
                + Long.toHexString(busAddress) + " refused: " + cause;
    }
}
