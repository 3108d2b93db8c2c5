/**
 * The write-tracing service on the simulated machine. A trace is a cleared write bit in the
 * default view's nested page-table entry of a guest-physical page, plus the service's claim on
 * the resulting write violation: it notifies the hypervisor (vCPU, page, offset, length) and the
 * hypervisor then completes the write by emulation. Writes to untraced pages never exit.
 * Traces have owners; the write bit comes back only when the last owner removes its trace.
 *
 * <p>{@link org.hvproof.impl.tracing.TracingSystem} assembles machine, hypervisor, guest OS and
 * service, runs the model's actions, and computes the abstraction function to the model's
 * {@code TracingState} from the real structures. {@link org.hvproof.impl.tracing.TracingImplFlaw}
 * selects deliberately broken variants so the property suite can show it catches each one.
 *
 * <p>Traces are kept per view: a mechanism that adds a view (integrity mode's second nested page
 * table) traces pages in it through the same service, and a completion listener may block a
 * notified write (an alert action). By default only the default view is traced and every
 * notified write completes.
 *
 * <p>Left out: any guest-facing hypercall to request traces.
 */
package org.hvproof.impl.tracing;
