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
 * reaches the root. {@link org.hvproof.impl.domains.DomainsSystem} boots such a guest and plays
 * {@link org.hvproof.impl.domains.DomainsSystemAction}s on it through the MMU;
 * {@link org.hvproof.impl.domains.DomainsAbstraction} maps it to the model's state.
 * {@link org.hvproof.impl.domains.DomainsImplFlaw} holds the deliberately broken variants the
 * properties must catch.
 */
package org.hvproof.impl.domains;
