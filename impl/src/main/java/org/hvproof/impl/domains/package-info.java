/**
 * Root and secure protection domains on the simulated machine (US9870324B2; claims PD-1..PD-4).
 *
 * <p>A secure domain's region of guest-physical pages (its code, its data and the real 4-level
 * guest page table its code runs on) is mapped to host frames by its own nested page table, a
 * machine view; those frames appear in no other view. The hypervisor's
 * {@link org.hvproof.impl.domains.SecureDomainService} controls every transition: root code
 * enters only by a control transfer to a registered gate, which switches CR3 and the view
 * together; the exit gate, an interrupt and an exception switch both back, and the secure register
 * file is saved and cleared before the root's handler runs, so nothing of the secure domain
 * reaches the root. {@link org.hvproof.impl.domains.DomainsSystem} boots such a guest (laid out by
 * {@link org.hvproof.impl.domains.DomainLayout}) and plays
 * {@link org.hvproof.impl.domains.DomainsSystemAction}s on it through the MMU: byte-addressed
 * transfers, CR3 loads, interrupts and exceptions, whole-page writes.
 * {@link org.hvproof.impl.domains.DomainsAbstraction} reads its real structures as a
 * {@code DomainsState} and each of its actions as a {@code DomainsAction}.
 * {@link org.hvproof.impl.domains.DomainsImplFlaw} holds the deliberately broken variants, each
 * declaring the claims that catch it.
 *
 * <p>Left out: the guest uses only the top 2 MiB window of its address space, with every page
 * readable, writable and executable; a page holds a page-table image and one data word; TLBs and
 * calls from one secure domain into another are not modelled.
 */
package org.hvproof.impl.domains;
