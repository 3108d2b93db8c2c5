package org.hvproof.model.composed;

import java.util.Objects;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.tracing.TracingAction;

/** One action of the composed system: an action of one of the composed mechanisms, routed to its model. */
public sealed interface ComposedAction {

    /** An action of the integrity mechanism (a driver's hypercall, a guest write, an interrupt or a fault). */
    record Integrity(IntegrityAction action) implements ComposedAction {
        public Integrity {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "integrity " + action;
        }
    }

    /** An action of the protection-domain mechanism (a transfer, an access, an event, a device write). */
    record Domains(DomainsAction action) implements ComposedAction {
        public Domains {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "domains " + action;
        }
    }

    /** An action of the interrupts mechanism (an instruction, an arrival, a return, a low-code access, a device read). */
    record Interrupts(InterruptsAction action) implements ComposedAction {
        public Interrupts {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "interrupts " + action;
        }
    }

    /** An action of the migration mechanism (the source VM's access, its driver's, its NIC's, the operator's). */
    record Migration(MigrationAction action) implements ComposedAction {
        public Migration {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "migration " + action;
        }
    }

    /** An action of the failover mechanism (its operator's, a client's, the primary's power and agent, the link's, the secondary's). */
    record Failover(FailoverAction action) implements ComposedAction {
        public Failover {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "failover " + action;
        }
    }

    /** An action of the tracing mechanism's own guest (a mapping, an owner's request or its micro-step, an access, a DMA write). */
    record Tracing(TracingAction action) implements ComposedAction {
        public Tracing {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String toString() {
            return "tracing " + action;
        }
    }
}
