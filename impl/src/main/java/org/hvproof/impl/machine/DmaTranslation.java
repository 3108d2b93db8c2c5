package org.hvproof.impl.machine;

/** The IOMMU's answer to one DMA access. */
public sealed interface DmaTranslation {
    /** The access lands at {@code hostPhysicalAddress}. */
    record Translated(long hostPhysicalAddress) implements DmaTranslation {}

    /** The access is refused and logged as {@code fault}. */
    record Refused(DmaFault fault) implements DmaTranslation {}
}
