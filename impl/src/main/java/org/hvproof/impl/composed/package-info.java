/**
 * The composed system: one machine, one hypervisor and one tracing service with the integrity
 * service (its protections kept in the traced tree, TREE-7), the protection-domain service, the
 * interrupt security module with its guest, the migration source's VM with its passthrough NIC
 * and migration service, the failover pair's secondary (its standby agent on this hypervisor), and
 * the tracing mechanism's own guest with its owners and device, registered together ({@link
 * org.hvproof.impl.composed.ComposedSystem}), driven by
 * {@link org.hvproof.impl.composed.ComposedSystemAction}s and read by
 * {@link org.hvproof.impl.composed.ComposedAbstraction}: each mechanism's own abstraction
 * function on the one machine.
 *
 * <p>What is shared: the machine's host memory, IOMMU and translation caches, the hypervisor's
 * exit, hypercall and event paths (every interrupt and exception reaches every service), the
 * tracing service and, through it, the tree's coverage of views. What is not: the integrity guest
 * runs on vCPUs 0-1 with the default and integrity views, the domains on vCPUs 2-3 with a root
 * view of their own and one view per secure domain, the interrupts guest on vCPU 4 with a view,
 * a guest OS page-table pool and a DMA device of its own, the migration source's VM on vCPU 5
 * with a view, a guest OS page-table pool and a NIC of its own (its destination a host of its
 * own), the failover secondary on vCPU 6 with a view and a guest OS page-table pool of its own,
 * its standby agent writing landed checkpoint chunks into the frames behind that view (its
 * primary a host of its own, its crash a fresh view for it alone), the tracing guest on vCPUs 7-8
 * with a view (its RAM 512 pages, mapped by a large nested leaf its traces split), a guest OS
 * page-table pool and a DMA device of its own, its owners' requests, atomic or in micro-steps,
 * going to the tracing service the tree and dirty logging use; each service serves only its own
 * vCPUs and views. The migration source turns the machine's nested accessed and dirty flags on
 * for every view but the tracing guest's (its EPTP keeps them off, as on its own machine), so
 * every other guest's walks update their tables' accessed and dirty bits as writes; its dirty
 * logging traces its pages on the
 * shared tracing service, whose other clients judge only notes from their own guest's views.
 * The machine has the guest-physical pages of the largest guest (the interrupts guest's 2^36-page
 * window), the integrity guest's views bounded to its own RAM. The guests' guest-physical page
 * numbers overlap (each mechanism's model fixes where its pages are), but each guest reads them
 * only through its own views, none of which maps a frame of another's. {@link org.hvproof.impl.composed.ComposedImplFlaw} plants wrong compositions of the
 * correct services.
 *
 * <p>Left out: one guest holding both (the domains' root domain as the integrity guest itself,
 * so that one vCPU's context is switched by both services, or the interrupt security module
 * scrubbing a secure domain's registers), the tracing guest's walks with nested accessed and dirty
 * flags on (its model knows of no walk's writes to a traced table page), the failover primary (a host of its own) and the reclaiming of a crashed failover
 * secondary's frames (its old view keeps them). The migration source boots with the figures,
 * embodiment, strategy, downtime limit and round limit it is given (the composed traces draw them
 * per trace).
 */
package org.hvproof.impl.composed;
