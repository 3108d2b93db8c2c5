/**
 * The abstract model of root and secure protection domains (US9870324B2; claims PD-1..PD-4),
 * the oracle the reference implementation is compared with; names follow {@code domains.als}.
 *
 * <p>{@link org.hvproof.model.domains.DomainsState} holds the domains, the host frames and the
 * vCPUs ({@link org.hvproof.model.domains.DomainsVCpu}). Each {@link org.hvproof.model.domains.Domain}
 * owns a region of guest-physical pages and a nested page table; a secure domain's NPT maps only
 * its region and no other NPT reaches its frames. Guest page tables are stored in frames
 * ({@link org.hvproof.model.domains.FrameContent}) and walked four levels deep through the
 * recursive slot 511. A vCPU has a current domain, a guest page-table root and an NPT pointer;
 * every access walks the page table the root points at, each table read and the final access
 * through the NPT. {@link org.hvproof.model.domains.DomainsModel#step} answers one
 * {@link org.hvproof.model.domains.DomainsAction} with a {@link org.hvproof.model.domains.DomainsStep}
 * (next state and {@link org.hvproof.model.domains.DomainsObservation}s): a jump from root code to
 * a secure address enters the domain only at a registered gate, switching both pointers together;
 * anywhere else it faults and changes nothing. Gate exit and an interrupt during secure code clear
 * the register and switch both pointers back. {@link org.hvproof.model.domains.DomainsInvariants}
 * states the claims as named invariants ({@code ALL}); {@link org.hvproof.model.domains.RootView}
 * and {@link org.hvproof.model.domains.DomainsLowEquivalence} state "two runs that differ only in a
 * secure domain's memory and registers look the same to the root domain".
 * {@link org.hvproof.model.domains.DomainsModelFlaw} holds deliberately wrong steps for the model's
 * own tests.
 *
 * <p>Left out: permission bits, offsets, TLBs, shared memory between domains, the saved secure
 * context and its resumption (re-entry is through a gate), calls between secure domains, and all
 * registers but one.
 */
package org.hvproof.model.domains;
