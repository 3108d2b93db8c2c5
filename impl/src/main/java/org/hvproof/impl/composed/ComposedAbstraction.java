package org.hvproof.impl.composed;

import org.hvproof.impl.domains.DomainsAbstraction;
import org.hvproof.model.composed.ComposedAction;
import org.hvproof.model.composed.ComposedState;

/**
 * The composed abstraction function: each mechanism's own abstraction function, reading the one
 * machine ({@code IntegrityAbstraction} through the integrity system, {@link DomainsAbstraction}
 * through the domains system, {@code InterruptsAbstraction} through the interrupts system, {@code
 * MigrationAbstraction} through the migration system, {@code FailoverAbstraction} through the
 * failover pair, its secondary's memory read through the secondary guest's own view, {@code
 * TracingAbstraction} through the tracing guest's system, restricted to that guest's view, vCPUs
 * and RAM), side by side; and the model's reading of a composed action.
 */
public final class ComposedAbstraction {
    private ComposedAbstraction() {}

    /** The composed state {@code system} represents. */
    public static ComposedState abstractState(ComposedSystem system) {
        return new ComposedState(
                system.integrity().abstractState(),
                system.domains().abstractState(),
                system.interrupts().abstractState(),
                system.migration().abstractState(),
                system.failover().abstractState(),
                system.tracingGuest().abstractState());
    }

    /** The model's reading of {@code action}: an integrity, interrupts, migration or tracing action as it is, the domains one as the domains abstraction reads it. */
    public static ComposedAction modelAction(ComposedSystemAction action) {
        if (action instanceof ComposedSystemAction.Integrity i) {
            return new ComposedAction.Integrity(i.action());
        }
        if (action instanceof ComposedSystemAction.Interrupts r) {
            return new ComposedAction.Interrupts(r.action());
        }
        if (action instanceof ComposedSystemAction.Migration m) {
            return new ComposedAction.Migration(m.action());
        }
        if (action instanceof ComposedSystemAction.Failover f) {
            return new ComposedAction.Failover(f.action());
        }
        if (action instanceof ComposedSystemAction.Tracing t) {
            return new ComposedAction.Tracing(t.action());
        }
        return new ComposedAction.Domains(DomainsAbstraction.modelAction(
                ((ComposedSystemAction.Domains) action).action(), ComposedSystem.LAYOUT));
    }
}
