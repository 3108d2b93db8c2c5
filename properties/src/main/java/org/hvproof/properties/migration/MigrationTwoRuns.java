package org.hvproof.properties.migration;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.migration.MigrationImplFlaw;
import org.hvproof.impl.migration.MigrationSystem;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.properties.harness.JudgedPair;

/**
 * The two runs of MIG-1: the same VM and device actions on two booted VMs of the same figures,
 * one of which is migrated at a generated point (its start and rounds, whole or in micro-steps,
 * are steps of their own, which the other run does not take). After every step the pair of transitions is judged: the
 * unmigrated run's step (a stutter when only the migrated run moved) beside the migrated run's.
 * The VM keeps the driver's contract: it leaves buffers the device owns alone until their
 * completion, as the patent's driver does.
 */
public final class MigrationTwoRuns implements JudgedPair<MigrationState, MigrationAction, MigrationObservation> {
    private final MigrationImplFlaw flaw;
    private MigrationSystem plain;
    private MigrationSystem migrated;
    private List<TransitionPair<MigrationState, MigrationAction, MigrationObservation>> last = List.of();

    /** Two runs whose hosts have {@code flaw}. */
    public MigrationTwoRuns(MigrationImplFlaw flaw) {
        this.flaw = flaw;
    }

    boolean booted() {
        return plain != null;
    }

    void boot(MigrationConfig c) {
        if (plain == null) {
            plain = new MigrationSystem(c, flaw);
            migrated = new MigrationSystem(c, flaw);
        }
    }

    /** The migrated run's state. */
    MigrationState state() {
        boot(MigrationActions.FALLBACK);
        return migrated.abstractState();
    }

    /** Both runs take {@code action}. */
    void both(MigrationAction action, Context ctx) {
        boot(MigrationActions.FALLBACK);
        last = List.of(new TransitionPair<>(step(plain, action), step(migrated, action)));
        label(ctx);
    }

    /** Only the migrated run takes {@code action} (the migration's own steps). */
    void migratedOnly(MigrationAction action, Context ctx) {
        boot(MigrationActions.FALLBACK);
        MigrationState p = plain.abstractState();
        last = List.of(new TransitionPair<>(new Transition<>(p, action, p, List.of()), step(migrated, action)));
        label(ctx);
    }

    private void label(Context ctx) {
        Transition<MigrationState, MigrationAction, MigrationObservation> t =
                last.get(0).right();
        MigrationTrace.label(t.before(), t.action(), t.after(), t.observations(), ctx);
    }

    private static Transition<MigrationState, MigrationAction, MigrationObservation> step(
            MigrationSystem sys, MigrationAction action) {
        MigrationState before = sys.abstractState();
        List<MigrationObservation> seen = sys.apply(action);
        return new Transition<>(before, action, sys.abstractState(), seen);
    }

    @Override
    public List<TransitionPair<MigrationState, MigrationAction, MigrationObservation>> lastPairs() {
        return last;
    }

    @Override
    public void checkRelated() {
        if (booted() && !plain.config().equals(migrated.config())) {
            throw new AssertionError("the two runs were booted with different figures");
        }
        if (booted() && plain.abstractState().phase() != MigrationPhase.RUNNING) {
            throw new AssertionError("the unmigrated run migrated");
        }
    }

    @Override
    public String describe() {
        if (!booted()) {
            return "  not booted";
        }
        MigrationState m = migrated.abstractState();
        return "  " + m.config() + "\n  migrated run: phase " + m.phase() + ", dirty " + m.dirty()
                + MigrationTrace.roundInProgress(m) + ", in flight " + m.inFlight() + ", posted " + m.posted();
    }

    /** The next step: the boot, a migration step of the migrated run, or an action of both. */
    static Gen<Action<MigrationTwoRuns>> next(MigrationTwoRuns pair) {
        if (!pair.booted()) {
            return MigrationActions.config()
                    .map(c -> Action.<MigrationTwoRuns>of(() -> "boot both runs " + c, (t, ctx) -> t.boot(c)));
        }
        MigrationState s = pair.state();
        return MigrationActions.action(s, true, true).flatMap(a -> {
            boolean migration = a instanceof MigrationAction.StartMigration
                    || a instanceof MigrationAction.MigrationRound
                    || a instanceof MigrationAction.RoundStep;
            Action<MigrationTwoRuns> step = migration
                    ? Action.of(() -> "migrated run: " + a, (t, ctx) -> t.migratedOnly(a, ctx))
                    : Action.of(() -> "both runs: " + a, (t, ctx) -> t.both(a, ctx));
            return Gens.constant(step);
        });
    }

    /** For failure reports: the last pairs' actions. */
    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        last.forEach(p -> out.add(p.right().action().toString()));
        return out.toString();
    }
}
