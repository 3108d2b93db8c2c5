/**
 * Live migration of a VM with a passthrough PCI device on the machine (claims MIG-1..MIG-5;
 * US10198299B1): {@link org.hvproof.impl.migration.MigrationSystem} boots a VM with a NIC-like
 * device whose DMA goes through the IOMMU, and the source hypervisor's migration service, which
 * logs dirty pages through the tracing service's write traces, copies the DMA buffer into fresh
 * frames when migration starts (given to the VM through the nested page table or to the device
 * through the IOMMU), keeps the two buffers in sync at the doorbell and the completion or at every
 * VM access to the buffer, and runs pre-copy rounds, stop-and-copy and switch-over to a
 * destination host with its own memory. {@link org.hvproof.impl.migration.MigrationAbstraction}
 * reads it all back as the model's state; {@link org.hvproof.impl.migration.MigrationImplFlaw}
 * selects deliberately broken services.
 *
 * <p>The doorbell trap and the trapping strategy's exits are the system routing the VM's MMIO
 * write and its buffer accesses to the service, not exits the machine raises (the machine has no
 * MMIO pages, and its nested rights cannot refuse reads without refusing the tracing service).
 */
package org.hvproof.impl.migration;
