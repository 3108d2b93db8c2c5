/**
 * The abstract model of root and secure protection domains (US9870324B2; claims PD-1..PD-4),
 * the oracle the reference implementation is compared with; names follow {@code domains.als}.
 *
 * <p>Each domain owns a region of guest-physical pages and a nested page table; a secure
 * domain's NPT maps only its region and no other NPT reaches its frames. Guest page tables are
 * stored in frames (one level: virtual page to guest-physical page). A vCPU has a current
 * domain, a guest page-table root and an NPT pointer; every access walks the page table the
 * root points at, then the NPT. A jump from root code to a secure address enters the domain
 * only at a registered gate, switching both pointers together; anywhere else it faults and
 * changes nothing. Gate exit and an interrupt during secure code clear the register and switch
 * both pointers back. {@link org.hvproof.model.domains.RootView} and
 * {@link org.hvproof.model.domains.DomainsLowEquivalence} state "two runs that differ only in a secure
 * domain's memory and registers look the same to the root domain".
 *
 * <p>Left out: multi-level tables, permission bits, offsets, TLBs, shared memory between
 * domains, the saved secure context and its resumption (re-entry is through a gate), calls
 * between secure domains.
 */
package org.hvproof.model.domains;
