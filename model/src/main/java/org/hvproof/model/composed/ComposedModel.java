package org.hvproof.model.composed;

import java.util.List;
import org.hvproof.model.domains.DomainsModel;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsStep;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverStep;
import org.hvproof.model.integrity.IntegrityModel;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.IntegrityStep;
import org.hvproof.model.interrupts.InterruptsModel;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.InterruptsStep;
import org.hvproof.model.migration.MigrationModel;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStep;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;

/**
 * The composed model: the per-mechanism models side by side. Each action goes to its own
 * mechanism's step function, which sees only its own part of the state; every other part stays
 * as it was. That is the whole of the composition's specification: a mechanism's claims are
 * stated on its own part, and no mechanism's action may change another's.
 */
public final class ComposedModel {
    private ComposedModel() {}

    /** The initial state: each mechanism's own initial state, the failover pair unprovisioned. */
    public static ComposedState initial(
            IntegrityState integrity,
            DomainsState domains,
            InterruptsState interrupts,
            MigrationState migration,
            TracingState tracing) {
        return new ComposedState(integrity, domains, interrupts, migration, FailoverModel.initial(), tracing);
    }

    /** The composed step: {@code action} routed to its mechanism's model. */
    public static ComposedStep step(ComposedState s, ComposedAction action) {
        if (action instanceof ComposedAction.Integrity i) {
            IntegrityStep step = IntegrityModel.step(s.integrity(), i.action());
            return new ComposedStep(s.withIntegrity(step.next()), List.copyOf(step.observations()));
        }
        if (action instanceof ComposedAction.Interrupts r) {
            InterruptsStep step = InterruptsModel.step(s.interrupts(), r.action());
            return new ComposedStep(s.withInterrupts(step.next()), List.copyOf(step.observations()));
        }
        if (action instanceof ComposedAction.Tracing t) {
            TracingStep step = TracingModel.step(s.tracing(), t.action());
            return new ComposedStep(s.withTracing(step.next()), List.copyOf(step.observations()));
        }
        if (action instanceof ComposedAction.Migration m) {
            MigrationStep step = MigrationModel.step(s.migration(), m.action());
            return new ComposedStep(s.withMigration(step.next()), List.copyOf(step.observations()));
        }
        if (action instanceof ComposedAction.Failover f) {
            FailoverStep step = FailoverModel.step(s.failover(), f.action());
            return new ComposedStep(s.withFailover(step.next()), List.copyOf(step.observations()));
        }
        ComposedAction.Domains d = (ComposedAction.Domains) action;
        DomainsStep step = DomainsModel.step(s.domains(), d.action());
        return new ComposedStep(s.withDomains(step.next()), List.copyOf(step.observations()));
    }
}
