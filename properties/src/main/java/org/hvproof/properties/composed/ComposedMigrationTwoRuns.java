package org.hvproof.properties.composed;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.composed.ComposedAbstraction;
import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.composed.ComposedAction;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.propcheck.Context;
import org.hvproof.properties.harness.JudgedPair;

/**
 * The two runs of MIG-1 on the composed machine: two compositions booted alike, given the same
 * steps of all five guests (the migration VM keeping its driver's contract, as in the migration
 * mechanism's own pairs), except that the migration's start and rounds are taken by one run only
 * (the other stutters). After every migration step the migration mechanism's own {@code
 * destinationMatchesUnmigrated} judges the pair: once the migrated run has switched over its VM's
 * memory and device-visible state equal the unmigrated run's, though the other guests' steps,
 * their walks' accessed and dirty updates and their tracing clients shared the machine with the
 * migration all along.
 */
public final class ComposedMigrationTwoRuns implements JudgedPair<ComposedState, ComposedAction, Object> {
    private final ComposedSystem plain;
    private final ComposedSystem migrated;
    private ComposedState plainState;
    private ComposedState migratedState;
    private final List<TransitionPair<ComposedState, ComposedAction, Object>> lastPairs = new ArrayList<>();

    /** Boots both runs with {@code flaw}. */
    public ComposedMigrationTwoRuns(ComposedImplFlaw flaw) {
        this(flaw, ComposedSystem.MIGRATION);
    }

    /** Boots both runs with {@code flaw}, the migration source's VM in both with {@code migration}. */
    public ComposedMigrationTwoRuns(ComposedImplFlaw flaw, MigrationConfig migration) {
        this.plain = new ComposedSystem(flaw, ComposedSystem.SECRET, ComposedSystem.INTERRUPTS_SECRET, migration);
        this.migrated = new ComposedSystem(flaw, ComposedSystem.SECRET, ComposedSystem.INTERRUPTS_SECRET, migration);
        this.plainState = plain.abstractState();
        this.migratedState = migrated.abstractState();
    }

    /** The migrated run's abstract state: the generator draws from it. */
    ComposedState state() {
        return migratedState;
    }

    /** Runs one generated composed step: the migration's own steps on the migrated run only, everything else on both. */
    void apply(ComposedActions.Step step, Context ctx) {
        lastPairs.clear();
        InterruptsSteps.playOnBoth(step, ctx, () -> migratedState.interrupts(), this::both);
        for (ComposedSystemAction action : step.actions()) {
            if (action instanceof ComposedSystemAction.Migration m
                    && (m.action() instanceof MigrationAction.StartMigration
                            || m.action() instanceof MigrationAction.MigrationRound)) {
                migratedOnly(action, ctx);
            } else {
                both(action, ctx);
            }
        }
    }

    private void both(ComposedSystemAction action, Context ctx) {
        ComposedState beforePlain = plainState;
        List<Object> seenPlain = plain.apply(action);
        plainState = plain.abstractState();
        Transition<ComposedState, ComposedAction, Object> right = step(action, ctx);
        lastPairs.add(
                new TransitionPair<>(new Transition<>(beforePlain, right.action(), plainState, seenPlain), right));
    }

    private void migratedOnly(ComposedSystemAction action, Context ctx) {
        Transition<ComposedState, ComposedAction, Object> right = step(action, ctx);
        lastPairs.add(new TransitionPair<>(new Transition<>(plainState, right.action(), plainState, List.of()), right));
    }

    /** The migrated run's step, labelled. */
    private Transition<ComposedState, ComposedAction, Object> step(ComposedSystemAction action, Context ctx) {
        ComposedState before = migratedState;
        List<Object> seen = migrated.apply(action);
        migratedState = migrated.abstractState();
        label(before.migration(), migratedState.migration(), action, ctx);
        return new Transition<>(before, ComposedAbstraction.modelAction(action), migratedState, seen);
    }

    /**
     * The seams the pair reached: another guest's step while pre-copy runs, a switch-over, and
     * the migration VM's or NIC's work on the destination after it (where the two runs' memory
     * and device are compared again).
     */
    private static void label(MigrationState before, MigrationState after, ComposedSystemAction action, Context ctx) {
        if (!(action instanceof ComposedSystemAction.Migration)) {
            if (before.phase() == MigrationPhase.PRE_COPY) {
                ctx.label(ComposedLabels.OTHER_GUEST_STEP_DURING_PRE_COPY_IN_TWO_RUNS);
            }
            return;
        }
        if (before.phase() != MigrationPhase.MIGRATED && after.phase() == MigrationPhase.MIGRATED) {
            ctx.label(ComposedLabels.MIGRATION_SWITCHED_OVER_IN_TWO_RUNS);
        } else if (before.phase() == MigrationPhase.MIGRATED) {
            ctx.label(ComposedLabels.MIGRATION_WORK_AFTER_SWITCH_OVER_IN_TWO_RUNS);
        }
    }

    @Override
    public List<TransitionPair<ComposedState, ComposedAction, Object>> lastPairs() {
        return List.copyOf(lastPairs);
    }

    /** The unmigrated run never migrates, and the runs were booted alike. */
    @Override
    public void checkRelated() {
        if (!plainState.migration().config().equals(migratedState.migration().config())) {
            throw new AssertionError("the two runs were booted with different figures");
        }
        if (plainState.migration().phase() != MigrationPhase.RUNNING) {
            throw new AssertionError("the unmigrated run migrated");
        }
    }

    @Override
    public String describe() {
        MigrationState m = migratedState.migration();
        return "  migrated run (" + m.config() + "): phase " + m.phase() + ", dirty " + m.dirty() + ", in flight "
                + m.inFlight() + ", posted " + m.posted();
    }
}
