package org.hvproof.impl.composed;

import java.util.Objects;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.integrity.IntegrityAction;

/**
 * One action the composed system runs: an action of one composed mechanism, in the form that
 * mechanism's system takes it (the integrity model's actions; the domains' own system actions,
 * which name addresses at byte precision and tell interrupts from exceptions).
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
}
