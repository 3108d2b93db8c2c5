package org.hvproof.model.migration;

/**
 * Which of the two DMA buffers is the copy the hypervisor made (the patent's two embodiments),
 * chosen per run.
 */
public enum MigrationEmbodiment {
    /** The copy is the vCPU buffer: the nested page tables are redirected to it, the IOMMU keeps the original. */
    COPY_AS_VCPU_BUFFER,
    /** The copy is the device buffer: the IOMMU is redirected to it, the nested page tables keep the original. */
    COPY_AS_DEVICE_BUFFER
}
