/**
 * Application fault tolerance by battery-backed replication on two simulated hosts (claims
 * FT-1..FT-4; US10929234B2).
 *
 * <p>{@link org.hvproof.impl.failover.FailoverSystem} is the pair of hosts, each on the simulated
 * machine ({@code ApplicationHost}): a {@code Machine} with its {@code Hypervisor}, whose guest's
 * RAM on the default view is the host's volatile memory (the model's page {@code i} is the first
 * {@code pageBytes} bytes of guest-physical page {@code i}), and a NIC on the link ({@code
 * FailoverWire}: a bandwidth, a latency, frames landing in order, dropped for good); the primary
 * has a battery (a hold-up time from the failure) and a panic handler (a stated time). The
 * application is a key-value store ({@code KeyValueStore}) whose state is its guest memory and
 * its virtual NIC's receive queue ({@code VirtualNic}, device state the hypervisor keeps); it runs
 * on the host's vCPU, and serving an update is a guest write at its virtual address, walked
 * through the guest OS's page tables (a pool above the memory) and the nested table, which the
 * hypervisor backs on the first touch; the update is acknowledged only once that write completed.
 * On an AC power failure the budget is reported ({@link
 * org.hvproof.impl.failover.FailoverBudgetCalculator}), the panic handler suspends the application
 * and starts the post-fail agent ({@code PostFailAgent}), which copies the checkpoint page by page
 * (the application's pages, read by the hypervisor from the host frames behind the view, then the
 * NIC's serialised state) over the link, waits for every chunk's acknowledgement and signals; the
 * secondary's agent ({@code StandbyAgent}) writes each chunk into the frame behind that guest page
 * of the secondary (backing it first), acknowledges it, and starts the application only on a
 * signal from the primary for the epoch it holds, not started before, with every chunk landed:
 * the hypervisor restores the NIC from the landed NIC pages, the guest OS builds the
 * application's page tables, and the store runs on from its guest memory. After signalling the
 * primary powers off. Losing power (battery out, the primary off after its signal, the secondary's
 * crash) is losing the machine: a blank one takes its place, its frames, nested and guest tables
 * gone.
 *
 * <p>Power returning before the signal resumes the primary from its own memory; the copy is
 * abandoned (chunks on the wire dropped, the secondary's agent discards the epoch). After the
 * signal the primary stays off. {@link org.hvproof.impl.failover.FailoverAbstraction} reads the
 * whole of both hosts as the model's state; {@link org.hvproof.impl.failover.FailoverImplFlaw}
 * selects deliberately broken variants, each declaring the claims that catch it.
 *
 * <p>Left out: retransmission after a link drop, the secondary's own power, CPU state beyond the
 * application's memory and NIC, clients' reads; the guest's page tables are not in the checkpoint
 * (the secondary's guest OS builds its own), the hosts use one vCPU and one view each, no IOMMU or
 * device DMA (the virtual NIC is the hypervisor's). On the composed machine the secondary is a
 * guest beside the others (a vCPU and a view of its own, its standby agent on the shared
 * hypervisor, its crash a fresh view for that guest alone, the crashed view's frames not
 * reclaimed); the primary stays a host of its own.
 */
package org.hvproof.impl.failover;
