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
 * <p>The syncs run on exits the machine raises. The NIC's registers are a host frame of their
 * own that the VM's nested page table maps at the guest-physical page past guest memory, and the
 * guest at the virtual page past its data (its page-table pool holds that table too): passed
 * through, the driver's doorbell store reaches the device without an exit; under the doorbell
 * strategy the service makes the page read-only, so the store is a nested violation that the run
 * loop hands to the service (as KVM hands an unclaimed EPT violation to the VMM), which copies
 * what the device will read into the device buffer, forwards the store to the device and resumes
 * the guest past it. Under the trapping strategy the vCPU buffer pages are execute-only in the
 * nested table: an access exits, the service syncs and opens the page, the guest retries the
 * access under single step, and the single-step exit writes through, protects the page again and
 * shoots down the translations the retry cached. The hosts run with EPT accessed and dirty flags,
 * so the processor's accessed and dirty updates of the guest's page tables are writes that dirty
 * logging sees: on a traced table page each is an EPT violation during the walk, which the tracing
 * service notifies (the run loop marks the page dirty and drops its trace, on every access path,
 * the doorbell store's included) and completes, and the access goes on. {@link org.hvproof.impl.migration.MigrationProtection} reads the protections back
 * for the machine-level checks.
 *
 * <p>A pre-copy round runs whole ({@code MigrationRound}) or in micro-steps while the VM keeps
 * running ({@code RoundStep}): the round fixes its pages (the dirty set when it begins), then per
 * page re-arms the page's write trace and takes it out of the dirty set, and only then copies it
 * to the destination, so a VM write landing between the two, or after the copy, is notified and
 * leaves the page dirty for the next round. The other order (copy, then re-arm: flaw {@code
 * COPY_BEFORE_REARM}) loses such a write, the classic dirty-logging race. The report counts each
 * page and its transfer time as it is copied. Stop-and-copy runs with the VM stopped, in one step.
 * The composed traces take rounds whole.
 *
 * <p>The source host may be a machine other guests share: {@link
 * org.hvproof.impl.migration.MigrationSystem} then boots the VM on a vCPU, a view and a NIC
 * device id of its own on the given hypervisor, with dirty logging on that hypervisor's tracing
 * service (in the VM's view), and turns the machine's EPT accessed and dirty flags on for every
 * view, so the other guests' walks update their tables' accessed and dirty bits as writes too.
 * The destination is always a host of its own.
 */
package org.hvproof.impl.migration;
