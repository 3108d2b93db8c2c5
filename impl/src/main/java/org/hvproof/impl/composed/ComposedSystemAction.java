package org.hvproof.impl.composed;

import java.util.Objects;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.tracing.TracingAction;

/**
 * One action the composed system runs: an action of one composed mechanism, in the form that
 * mechanism's system takes it (the integrity and interrupts models' actions; the domains' own
 * system actions, which name addresses at byte precision and tell interrupts from exceptions).
 */
public sealed interface ComposedSystemAction {

    /** An integrity action, on the integrity guest's vCPUs. */
    record Integrity(IntegrityAction action) implements ComposedSystemAction {
        public Integrity {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "integrity " + action;
        }
    }

    /** A domains action, on the domains' vCPUs (numbered from 0 among themselves). */
    record Domains(DomainsSystemAction action) implements ComposedSystemAction {
        public Domains {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "domains " + action;
        }
    }

    /** An interrupts action, on the interrupts guest's one vCPU. */
    record Interrupts(InterruptsAction action) implements ComposedSystemAction {
        public Interrupts {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "interrupts " + action;
        }
    }

    /** A migration action, on the migration source's one vCPU, its NIC or its service (the operator's). */
    record Migration(MigrationAction action) implements ComposedSystemAction {
        public Migration {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "migration " + action;
        }
    }

    /** A failover action: its operator's, its clients', its primary's power and agent, its link, its secondary guest's. */
    record Failover(FailoverAction action) implements ComposedSystemAction {
        public Failover {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "failover " + action;
        }
    }

    /** An action of the tracing mechanism's own guest (its vCPUs numbered from 0 among themselves, its owners, its device). */
    record Tracing(TracingAction action) implements ComposedSystemAction {
        public Tracing {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "tracing " + action;
        }
    }
}
