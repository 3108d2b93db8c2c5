package org.hvproof.model.composed;

import java.util.Objects;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.tracing.TracingState;

/**
 * The composed system's abstract state: each composed mechanism's own state, side by side. No
 * part belongs to two mechanisms: what one mechanism's actions may do to another's state is
 * nothing, and the composed property holds the implementation to that through each mechanism's
 * refinement.
 *
 * @param integrity the integrity mechanism's state (its protections are kept in the tree store)
 * @param domains    the protection-domain mechanism's state
 * @param interrupts the interrupts mechanism's state (its guest's registers, code, memory and secret)
 * @param migration  the migration mechanism's state (the source VM, its NIC, the service, the destination)
 * @param failover   the failover mechanism's state (both hosts, the link, the agents; its secondary a guest here)
 * @param tracing    the tracing mechanism's own guest's state (its mappings, its owners' traces on the
 *                   shared service in its view, its memory, its pending request)
 */
public record ComposedState(
        IntegrityState integrity,
        DomainsState domains,
        InterruptsState interrupts,
        MigrationState migration,
        FailoverState failover,
        TracingState tracing) {
    public ComposedState {
        Objects.requireNonNull(integrity, "integrity");
        Objects.requireNonNull(domains, "domains");
        Objects.requireNonNull(interrupts, "interrupts");
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(failover, "failover");
        Objects.requireNonNull(tracing, "tracing");
    }

    /** This state with the integrity part replaced. */
    public ComposedState withIntegrity(IntegrityState next) {
        return new ComposedState(next, domains, interrupts, migration, failover, tracing);
    }

    /** This state with the domains part replaced. */
    public ComposedState withDomains(DomainsState next) {
        return new ComposedState(integrity, next, interrupts, migration, failover, tracing);
    }

    /** This state with the interrupts part replaced. */
    public ComposedState withInterrupts(InterruptsState next) {
        return new ComposedState(integrity, domains, next, migration, failover, tracing);
    }

    /** This state with the migration part replaced. */
    public ComposedState withMigration(MigrationState next) {
        return new ComposedState(integrity, domains, interrupts, next, failover, tracing);
    }

    /** This state with the failover part replaced. */
    public ComposedState withFailover(FailoverState next) {
        return new ComposedState(integrity, domains, interrupts, migration, next, tracing);
    }

    /** This state with the tracing guest's part replaced. */
    public ComposedState withTracing(TracingState next) {
        return new ComposedState(integrity, domains, interrupts, migration, failover, next);
    }
}
