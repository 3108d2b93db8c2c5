/**
 * The abstract model of the write-tracing service: the oracle the simulated machine is checked
 * against. A trace is an owner's wish to be told of every guest write to a guest-physical page;
 * the service notifies (vCPU, page, offset, length) once per traced page a write touches and
 * then lets the write complete.
 *
 * <p>The state is flat and immutable: each vCPU's virtual-to-guest-physical mappings with their
 * effective rights (no 4-level walk; that is the point of the abstraction), the owners of each
 * traced page, the contents of written pages, each vCPU's privilege, and the trace request the
 * hypervisor has started and not finished ({@link org.hvproof.model.tracing.PendingTrace}: the
 * model counts its micro-steps and adds the trace at the last, where the machine publishes it; a
 * removal drops the owner at its start and gives the write right back in its micro-steps). {@link
 * org.hvproof.model.tracing.TracingModel#step} is a pure function from a state and an action to
 * the next state and the observations; {@link org.hvproof.model.tracing.TracingInvariants}
 * states TRACE-1..3 as named checks on states and steps.
 *
 * <p>Left out: the page tables themselves (the guest's page-table pages are a reserved pool that
 * may not be mapped as data), nested page tables and host memory, TLBs, accessed/dirty bits,
 * large pages, timing, and the case where the guest OS runs out of page-table pages.
 */
package org.hvproof.model.tracing;
