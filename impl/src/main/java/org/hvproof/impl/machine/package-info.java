/**
 * The simulated machine and the hypervisor's core: host memory of 4 KiB frames, guest page
 * tables walked on every access, nested page tables per view, vCPUs with a register file, and
 * the exit handling that turns nested violations into lazy population, emulation by a service
 * (such as tracing), or a reported fault; and an IOMMU ({@link org.hvproof.impl.machine.Iommu})
 * through which devices' DMA is translated per device, with an IOTLB that only invalidation clears;
 * the hypervisor attaches a device to a view and maps that view's data pages into its I/O page
 * table on the device's first request for each (a PRI-style page request), with the view's rights.
 * Every guest-visible fault an access raises goes through one path ({@code Hypervisor.raise}),
 * which hands it to the event handlers as the exception it is ({@link
 * org.hvproof.impl.machine.Hypervisor#deliverRaisedFaults}; on by default and on every system:
 * only machine tests turn it off).
 *
 * <p>It follows x86-64 4-level paging and EPT closely where a claim could depend on it: every
 * guest-virtual access walks the guest's tables, the walk's own reads are guest-physical and go
 * through the nested table, W and U must be set at every level, NX at any level forbids a fetch,
 * CR0.WP and EFER.NXE are on. Each vCPU has a translation cache ({@link org.hvproof.impl.machine.Tlb})
 * with INVLPG, MOV CR3 and INVEPT-style invalidation, on by default: every access uses a cached
 * translation while it allows the access, so a mechanism that narrows rights must shoot down the
 * vCPUs' translations (tracing does) and the guest OS must INVLPG what it remaps (it does).
 *
 * <p>Large pages: the page-size bit makes a level-2 entry a 2 MiB leaf and a level-3 entry a 1 GiB
 * leaf, in the guest's tables and in the nested ones, with the reserved address bits below the
 * page size checked (a page fault, resp. an EPT misconfiguration); the TLB caches the combined
 * translation at the smaller of the two sizes and INVLPG of any address inside drops it. The
 * hypervisor maps guest RAM with large nested leaves ({@link
 * org.hvproof.impl.machine.Hypervisor#mapLarge}) and splits one into 512 smaller leaves with the same
 * rights, then shoots down ({@link org.hvproof.impl.machine.Hypervisor#splitLargeMapping}); a
 * page's rights under a large leaf cannot change alone. Accessed/dirty bits: a successful guest
 * walk sets A in every entry it used and a write sets D in the leaf (a TLB entry filled without D
 * walks again for a write); nested A/D bits are set when the view's flag is on (EPTP bit 6, off by
 * default), and then the guest walk's own A/D updates are nested writes to the table pages; one
 * the table page's nested entry refuses is an EPT violation during the walk (SDM 29.3.3.2), its
 * {@link org.hvproof.impl.machine.NestedExit} naming the bits it was setting (as the exit
 * qualification tells an A/D update from the walk's read). A service that emulates it (the
 * tracing service, on a traced table page) has the hypervisor make the update in the processor's
 * place, setting the table page's nested accessed and dirty bits as the processor's write would
 * have (in the nested leaf over it, a large one's included), and retry the walk; unclaimed, the
 * access fails with the violation. No claim reads nested dirty bits (migration's dirty logging is
 * write traces), so machine tests pin that completion. The
 * guest OS maps 2 MiB guest leaves too ({@link org.hvproof.impl.machine.GuestOs#mapLarge}); its
 * edits share one descent, which refuses to treat a large leaf as a table.
 *
 * <p>Interleaving: vCPUs act one action at a time, in any order the generators choose; a
 * hypervisor operation that publishes protection state may run as the micro-steps a real one
 * performs, with other vCPUs' and devices' actions between them (the tracing service's trace
 * request: write the split table, set the pointer, clear the write bit, shoot down, publish; its
 * removal: drop the owner from the record, give devices and then the nested bit the write right back;
 * the protected-page tree's commit, under the tree lock: trace the pages taken for nodes, write
 * them, publish, scrub the freed ones, untrace them and give them back; as the integrity
 * service's store, the same commit inside the protect or unprotect hypercall's exit, the calling
 * vCPU held in the hypervisor until it ends).
 *
 * <p>Inside one access: an access is one step of its vCPU, its walk and its write atomic; another
 * vCPU's action inside it would be the same as the access using the translation it read as a
 * cached one, which the TLBs produce. A write that crosses a page boundary is two pieces, both
 * translated and every exit decided before either is written (a fault on the second leaves the
 * first unwritten, as on hardware). Another vCPU's action between the pieces could change a
 * verdict only through the translations or through the bytes. Every change of another vCPU's
 * rights is published by a shoot-down, which completes only once each vCPU has finished the
 * instruction in flight, so both pieces use the translations they were planned with: the same as
 * the access ordered before the change. The bytes: another vCPU could read the first piece
 * without the second (x86 does not make a page-crossing store atomic), but no claim judges data
 * across two pages of one access: they judge which frames an access reaches and what each page's
 * piece notifies, and PD-1's and INT-1's two runs share one schedule, in which a torn read is the
 * same in both. MIG-1 is where it could matter: a pre-copy round running between the pieces
 * could copy a page already dirty (so untraced) before the second piece lands and re-arm its
 * trace only after, leaving the destination stale unless the round re-arms a page before it
 * copies it. The migration traces run pre-copy rounds in micro-steps (per page, re-arm, then
 * copy) with the VM's writes between them, before a page's re-arm, between its re-arm and its
 * copy, and after its copy, so each piece of a split write lands on its page in a position they
 * check, and the other order (flaw {@code COPY_BEFORE_REARM}) is caught by MIG-1. A write is still
 * one step, so a micro-step between its two pieces is not generated; the split stays
 * unmodelled, and a claim about the atomicity of guest data would need it.
 *
 * <p>Left out, because no claim depends on them yet: an A/D update racing another vCPU's write to
 * its entry (here the walk, its updates and the access are one step; on hardware the locked
 * update lands on whatever the entry holds by then), micro-steps of domain creation (it runs at boot) and of
 * view switches (they touch only their own vCPU, so they commute with every other vCPU's step, as
 * the properties module's switch tests check), PCIDs, global pages, SMEP/SMAP, memory types, caches, timing. Guest page-table
 * memory is a reserved pool the guest OS never maps as data. The machine is deterministic.
 */
package org.hvproof.impl.machine;
