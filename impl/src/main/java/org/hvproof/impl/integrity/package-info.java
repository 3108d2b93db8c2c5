/**
 * The guest integrity driver and integrity mode on the simulated machine (claims GI-1..GI-8;
 * US11379385B2, US10430223B2).
 *
 * <p>{@link org.hvproof.impl.integrity.IntegrityService} is the hypervisor's side: a driver
 * registers once by hypercall (code pages, data pages, entry point), and from then on its pages
 * are write traces with the {@code BLOCK} action in the protected view. Two nested page tables
 * share every host frame: the protected view (the default one) and the integrity view, which
 * carries the same traces except on the driver's own data pages. A vCPU switches to the integrity
 * view by an entry hypercall made from exactly the registered entry point, and back on exit, on an
 * interrupt and on an exception. Protect and unprotect requests are honoured only from integrity
 * mode; the requested protections live in the traced tree of the tree mechanism
 * ({@link org.hvproof.impl.integrity.TreeProtectionStore} behind the
 * {@link org.hvproof.impl.integrity.ProtectionStore} interface, TREE-7), whose node pool lies in
 * guest RAM above the guarded pages and whose node pages are traced in both views. Every monitored write becomes an alert naming page, cause, action
 * and writer; a blocking action keeps the write from completing. The integrity view is built
 * without execute rights; registration grants execute on the driver's code pages only, so in
 * integrity mode an instruction fetched from anywhere else takes a nested violation, and every
 * exception there ends the mode with a fault alert (GI-8).
 *
 * <p>{@link org.hvproof.impl.integrity.IntegritySystem} boots a guest under the service and plays
 * the model's {@code IntegrityAction}s on it; {@link org.hvproof.impl.integrity.IntegrityAbstraction}
 * reads the real structures as the model's {@code IntegrityState};
 * {@link org.hvproof.impl.integrity.IntegrityImplFlaw} selects deliberately broken variants, each
 * declaring the claims that catch it.
 *
 * <p>Left out: instruction fetch outside integrity mode and decoding everywhere (an action loads
 * the caller's instruction pointer as a control transfer would; in integrity mode the system then
 * fetches one byte there through the guest's text mapping and the current nested page table),
 * and delivery of interrupts into the guest (the interrupts mechanism).
 */
package org.hvproof.impl.integrity;
