/**
 * Application fault tolerance by battery-backed replication (claims FT-1..FT-4; US10929234B2,
 * seed abstracts 6 and 8), as a pure model: the oracle for the two simulated hosts and the Java
 * twin of {@code specs/failover.als}.
 *
 * <p>{@link org.hvproof.model.failover.FailoverModel#step} takes a
 * {@link org.hvproof.model.failover.FailoverState} and a
 * {@link org.hvproof.model.failover.FailoverAction} to a
 * {@link org.hvproof.model.failover.FailoverStep}. A key-value store runs on the primary: its
 * state is its memory pages (key {@code k} in slot {@code k}, {@link
 * org.hvproof.model.failover.FailoverLayout}) and its virtual NIC's receive queue; an update is
 * acknowledged only when the application has applied it to its memory. Nothing is replicated
 * before the failure. On an AC power failure the budget is reported ({@link
 * org.hvproof.model.failover.FailoverBudget}), the panic handler takes its stated time, then the
 * post-fail agent copies the checkpoint page by page (the application's pages, then the NIC's
 * state) over the link into the secondary's memory, and signals once the last chunk's
 * acknowledgement is back; the secondary's agent starts the application from the checkpoint only
 * on that signal, with every chunk of that epoch landed. Simulated time is in microseconds: the
 * panic handler ends {@code panic} after the failure, chunk {@code i} is serialised when the
 * segment's bytes over the bandwidth have passed and lands {@code latency} later, the signal
 * leaves when the last chunk's acknowledgement is back. Any step whose time lies past the
 * battery's deadline ({@code holdUp} after the failure) is replaced by the battery running out:
 * the primary's memory is lost and the failure is reported ({@code BATTERY_EXHAUSTED}).
 *
 * <p>The reading of power returning. Power returning before the signal (on battery, panic
 * handler or copy running): the primary resumes the application from its own memory, which it
 * never lost; the copy is abandoned, what is on the wire is dropped and the secondary's agent
 * discards the chunks of that epoch, so the secondary never starts from it. Power returning after
 * the signal: the takeover is committed; the primary powered itself off when it signalled and
 * stays a standby that runs nothing. Either way exactly one host runs the application (FT-2). A
 * second AC failure while on battery changes nothing; one after power returned starts a new
 * failover (a new epoch) from the state then.
 *
 * <p>Faults: the battery running out early, the link slowing (any new bandwidth, from the next
 * chunk on) or dropping for good (chunks on the wire lost), the secondary crashing for good (its
 * memory lost; after failover that is a reported failure), stray signals from another host or
 * replayed ones (refused). Bad provisioning figures are refused with a {@link
 * org.hvproof.model.failover.FailoverCode}.
 *
 * <p>{@link org.hvproof.model.failover.FailoverInvariants} states the claims as named invariants
 * ({@code ALL}); {@link org.hvproof.model.failover.FailoverModelFlaw} selects deliberately wrong
 * model steps for the model's own tests. Left out: reads by clients, the secondary's own power,
 * retransmission after a link drop, CPU state beyond the application's memory and NIC.
 */
package org.hvproof.model.failover;
