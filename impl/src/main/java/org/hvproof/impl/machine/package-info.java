/**
 * The simulated machine and the hypervisor's core: host memory of 4 KiB frames, guest page
 * tables walked on every access, nested page tables per view, vCPUs with a register file, and
 * the exit handling that turns nested violations into lazy population, emulation by a service
 * (such as tracing), or a reported fault; and an IOMMU ({@link org.hvproof.impl.machine.Iommu})
 * through which devices' DMA is translated per device, with an IOTLB that only invalidation clears;
 * the hypervisor attaches a device to a view and maps that view's data pages into its I/O page
 * table on the device's first request for each (a PRI-style page request), with the view's rights.
 * Every guest-visible fault an access raises goes through one path ({@code Hypervisor.raise}),
 * which can hand it to the event handlers as the exception it is ({@link
 * org.hvproof.impl.machine.Hypervisor#deliverRaisedFaults}; off by default until the integrity and
 * interrupts models treat raised faults as exceptions).
 *
 * <p>It follows x86-64 4-level paging and EPT closely where a claim could depend on it: every
 * guest-virtual access walks the guest's tables, the walk's own reads are guest-physical and go
 * through the nested table, W and U must be set at every level, NX at any level forbids a fetch,
 * CR0.WP and EFER.NXE are on. Each vCPU has a translation cache ({@link org.hvproof.impl.machine.Tlb})
 * with INVLPG, MOV CR3 and INVEPT-style invalidation, on by default: every access uses a cached
 * translation while it allows the access, so a mechanism that narrows rights must shoot down the
 * vCPUs' translations (tracing does) and the guest OS must INVLPG what it remaps (it does). Left out because no claim depends on them yet: accessed/dirty bits, large pages (a set page-size bit is a reserved-bit fault),
 * PCIDs, SMEP/SMAP, memory types, caches, timing. Guest page-table memory is a reserved pool the
 * guest OS never maps as data. The machine is deterministic.
 */
package org.hvproof.impl.machine;
