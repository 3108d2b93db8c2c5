/**
 * Application fault tolerance by battery-backed replication on two simulated hosts (claims
 * FT-1..FT-4; US10929234B2).
 *
 * <p>{@link org.hvproof.impl.failover.FailoverSystem} is the pair of hosts: each has volatile
 * memory as pages of bytes ({@code VolatileMemory}) and a NIC on the link ({@code FailoverWire}: a
 * bandwidth, a latency, frames landing in order, dropped for good); the primary has a battery
 * (a hold-up time from the failure) and a panic handler (a stated time). The application is a
 * key-value store ({@code KeyValueStore}) whose state is its memory pages and its virtual NIC's
 * receive queue ({@code VirtualNic}); an update is acknowledged only once applied. On an AC power
 * failure the budget is reported ({@link org.hvproof.impl.failover.FailoverBudgetCalculator}), the
 * panic handler suspends the application and starts the post-fail agent ({@code PostFailAgent}),
 * which copies the checkpoint page by page (the application's pages, then the NIC's serialised
 * state) over the link, waits for every chunk's acknowledgement and signals; the secondary's
 * agent ({@code StandbyAgent}) writes each chunk into memory, acknowledges it, and starts the
 * application from its memory only on a signal from the primary for the epoch it holds, not
 * started before, with every chunk landed. After signalling the primary powers off.
 *
 * <p>Power returning before the signal resumes the primary from its own memory; the copy is
 * abandoned (chunks on the wire dropped, the secondary's agent discards the epoch). After the
 * signal the primary stays off. {@link org.hvproof.impl.failover.FailoverAbstraction} reads the
 * whole of both hosts as the model's state; {@link org.hvproof.impl.failover.FailoverImplFlaw}
 * selects deliberately broken variants, each declaring the claims that catch it.
 *
 * <p>Left out: retransmission after a link drop, the secondary's own power, CPU state beyond the
 * application's memory and NIC, clients' reads.
 */
package org.hvproof.impl.failover;
