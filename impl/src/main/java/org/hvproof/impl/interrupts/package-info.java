/**
 * Secrets embedded in code against compromised interrupt handlers (US10922402B2 with US9411979B2;
 * claims INT-1..INT-6) on the simulated machine, at the level of instructions and the flags a
 * compare sets.
 *
 * <p>The hypervisor writes the secret as the immediate operand of a move instruction in guest
 * code (bytes in guest memory, {@link org.hvproof.impl.interrupts.InstructionCodec}) and makes
 * that code execute-only in the nested page table, so a read or write of it faults. The vCPU
 * executes the protected sequence one instruction per step, each fetched through the guest page
 * tables and the nested page table and decoded ({@link org.hvproof.impl.interrupts.InstructionExecutor}):
 * move the secret into R1; mix it with the message in R3 into the authentication value R2;
 * compare R1 with the erasure constant and start again on equality; hypercall, which the
 * hypervisor checks ({@link org.hvproof.impl.interrupts.SequenceAuthenticator}). The interrupt
 * security module ({@link org.hvproof.impl.interrupts.InterruptSecurityModule}) hears every
 * interrupt and exception before the guest, the faults the machine raises on the guest's own
 * fetches and accesses among them (the hypervisor's one path, {@code Hypervisor.raise}; the guest
 * OS may unmap the sequence's page at any moment); inside the sequence it overwrites R1 and R2 with the
 * erasure constant and clears the flags, then delivers one virtual interrupt with the same vector
 * to the guest's handler, which may be compromised and sees every register. It never writes the
 * secret back, and admits a control transfer into the sequence only at its first byte. The
 * guest's DMA device ({@link org.hvproof.impl.interrupts.InterruptsSystem#device}, {@link
 * org.hvproof.impl.interrupts.InterruptsSystem#DEVICE} alone) reads through
 * the IOMMU, whose table the hypervisor never lets map a page of the execute-only region.
 *
 * <p>Alone, the guest has the machine to itself; on a hypervisor other services share (the
 * composed system) it boots onto its own vCPU, its own view (frames of its own), its own guest OS
 * page-table pool and its own device, and the module acts on its own vCPU's events only.
 *
 * <p>{@link org.hvproof.impl.interrupts.InterruptsSystem} boots it all and runs the model's
 * {@code InterruptsAction}s; {@link org.hvproof.impl.interrupts.InterruptsAbstraction} reads the
 * real structures (vCPU registers, the virtual interrupt controller's frames, decoded code slots,
 * data words, the hypervisor's records) as the model's {@code InterruptsState}.
 * {@link org.hvproof.impl.interrupts.InterruptsImplFlaw} selects deliberately broken variants, off
 * the default path; each declares the claim and check that must catch it.
 *
 * <p>Left out: handler code below its register and memory accesses (a handler is driven by the
 * trace), the guest's stack (interrupt frames are kept by the virtual interrupt controller),
 * more than one vCPU, timing.
 */
package org.hvproof.impl.interrupts;
