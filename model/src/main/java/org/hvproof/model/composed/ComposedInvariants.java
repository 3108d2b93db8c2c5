package org.hvproof.model.composed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.failover.FailoverInvariants;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationInvariants;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.tracing.TracingInvariants;

/**
 * Every composed mechanism's invariants, each judging its own part of the composed state: a state
 * invariant reads its mechanism's part, a step invariant judges the steps its mechanism took (with
 * that mechanism's observations). Labels, claims and names are the mechanisms' own, so a failure
 * on a composed trace names the same invariant a per-mechanism trace would. That another
 * mechanism's action leaves a part unchanged is no invariant here: each mechanism's refinement
 * checks it (its model does not move on another's action).
 */
public final class ComposedInvariants {
    private ComposedInvariants() {}

    /**
     * PD-1 across guests, on two runs that differ only in the secure domains' contents: a step of
     * any other guest (the integrity guest's, the interrupts guest's, the migration source's) shows
     * the same observations in both runs, and after any step (the domains' own included) every
     * other guest's state is the same in both: no secure content reaches a guest beside the
     * domains through the machine they share.
     */
    public static final Invariant<TransitionPair<ComposedState, ComposedAction, Object>>
            OTHER_GUESTS_SEE_NOTHING_SECURE = Invariant.of(
                    "PD-1", "otherGuestsSeeNothingSecure", ComposedInvariants::otherGuestsSeeNothingSecure);

    /**
     * INT-1's noninterference ({@link InterruptsInvariants#NONINTERFERENCE}, under its own label)
     * judged on the interrupts guest's steps of two composed runs that differ only in the
     * interrupts guest's secret.
     */
    public static final Invariant<TransitionPair<ComposedState, ComposedAction, Object>> INTERRUPTS_NONINTERFERENCE =
            interruptsPair();

    /**
     * INT-1 across guests, on two runs that differ only in the interrupts guest's secret: a step
     * of any other guest (the integrity guest's, the domains', the migration source's) shows the
     * same observations in both runs, and after any step every other guest's state is the same in
     * both: the secret reaches no guest beside the interrupts guest through the machine they share.
     */
    public static final Invariant<TransitionPair<ComposedState, ComposedAction, Object>>
            OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET = Invariant.of(
                    "INT-1", "otherGuestsSeeNothingOfTheSecret", ComposedInvariants::otherGuestsSeeNothingOfTheSecret);

    /**
     * MIG-1's two runs ({@link MigrationInvariants#DESTINATION_MATCHES_UNMIGRATED}, under its own
     * label) judged on the migration source's steps of two composed runs given the same steps,
     * one of which also migrates: once it has switched over (or before it starts) its VM's memory
     * and device-visible state equal the unmigrated run's.
     */
    public static final Invariant<TransitionPair<ComposedState, ComposedAction, Object>>
            MIGRATION_DESTINATION_MATCHES_UNMIGRATED = migrationPair();

    /**
     * The integrity, domains, interrupts, migration, failover and tracing invariants, lifted to the composed state,
     * then the pair invariants of two composed runs: PD-1's (differing in the secure domains'
     * contents), INT-1's (differing in the interrupts guest's secret) and MIG-1's (migrated and
     * unmigrated).
     */
    public static final InvariantSet<ComposedState, ComposedAction, Object> ALL = new InvariantSet<>(
            "composed",
            concat(
                    concat(
                            lift(IntegrityInvariants.ALL.state(), ComposedState::integrity),
                            lift(DomainsInvariants.ALL.state(), ComposedState::domains)),
                    concat(
                            concat(
                                    lift(InterruptsInvariants.ALL.state(), ComposedState::interrupts),
                                    lift(MigrationInvariants.ALL.state(), ComposedState::migration)),
                            concat(
                                    lift(FailoverInvariants.ALL.state(), ComposedState::failover),
                                    lift(TracingInvariants.ALL.state(), ComposedState::tracing)))),
            concat(
                    concat(concat(integritySteps(), domainsSteps()), concat(interruptsSteps(), migrationSteps())),
                    concat(failoverSteps(), tracingSteps())),
            List.of(
                    domainsPair(),
                    OTHER_GUESTS_SEE_NOTHING_SECURE,
                    INTERRUPTS_NONINTERFERENCE,
                    OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET,
                    MIGRATION_DESTINATION_MATCHES_UNMIGRATED));

    /** The migration mechanism's own two-run invariant (MIG-1), judged on the migration source's steps of both runs. */
    private static Invariant<TransitionPair<ComposedState, ComposedAction, Object>> migrationPair() {
        Invariant<TransitionPair<MigrationState, MigrationAction, MigrationObservation>> i =
                MigrationInvariants.DESTINATION_MATCHES_UNMIGRATED;
        return Invariant.of(i.claim(), i.name(), p -> {
            if (!(p.left().action() instanceof ComposedAction.Migration a)) {
                return Optional.empty();
            }
            return i.violation().apply(new TransitionPair<>(migrationPart(p.left(), a), migrationPart(p.right(), a)));
        });
    }

    private static Transition<MigrationState, MigrationAction, MigrationObservation> migrationPart(
            Transition<ComposedState, ComposedAction, Object> t, ComposedAction.Migration a) {
        List<MigrationObservation> seen = new ArrayList<>();
        t.observations().forEach(o -> seen.add((MigrationObservation) o));
        return new Transition<>(t.before().migration(), a.action(), t.after().migration(), seen);
    }

    private static Optional<String> otherGuestsSeeNothingOfTheSecret(
            TransitionPair<ComposedState, ComposedAction, Object> p) {
        return otherGuestsSame(p, ComposedAction.Interrupts.class);
    }

    private static Optional<String> otherGuestsSeeNothingSecure(
            TransitionPair<ComposedState, ComposedAction, Object> p) {
        return otherGuestsSame(p, ComposedAction.Domains.class);
    }

    /**
     * Two runs that differ only in a secret of the guest whose actions are {@code holder}: a step
     * of any other guest shows the same observations in both runs (the holder's own steps are its
     * mechanism's pair invariant's to judge), and after any step every other guest's state is the
     * same in both.
     */
    private static Optional<String> otherGuestsSame(
            TransitionPair<ComposedState, ComposedAction, Object> p, Class<? extends ComposedAction> holder) {
        ComposedAction action = p.left().action();
        if (!holder.isInstance(action)
                && !p.left().observations().equals(p.right().observations())) {
            return Optional.of("after " + action + " the runs observed "
                    + p.left().observations() + " and " + p.right().observations());
        }
        ComposedState a = p.left().after();
        ComposedState b = p.right().after();
        if (holder != ComposedAction.Integrity.class && !a.integrity().equals(b.integrity())) {
            return Optional.of("after " + action + " the integrity guest's state differs between the runs");
        }
        if (holder != ComposedAction.Domains.class && !a.domains().equals(b.domains())) {
            return Optional.of("after " + action + " the domains' state differs between the runs");
        }
        if (holder != ComposedAction.Interrupts.class && !a.interrupts().equals(b.interrupts())) {
            return Optional.of("after " + action + " the interrupts guest's state differs between the runs");
        }
        if (holder != ComposedAction.Migration.class && !a.migration().equals(b.migration())) {
            return Optional.of("after " + action + " the migration guest's state differs between the runs");
        }
        if (holder != ComposedAction.Failover.class && !a.failover().equals(b.failover())) {
            return Optional.of("after " + action + " the failover secondary's state differs between the runs");
        }
        if (holder != ComposedAction.Tracing.class && !a.tracing().equals(b.tracing())) {
            return Optional.of("after " + action + " the tracing guest's state differs between the runs");
        }
        return Optional.empty();
    }

    /** The interrupts mechanism's own two-run invariant (INT-1), judged on the interrupts guest's steps of both runs. */
    private static Invariant<TransitionPair<ComposedState, ComposedAction, Object>> interruptsPair() {
        Invariant<TransitionPair<InterruptsState, InterruptsAction, InterruptsObservation>> i =
                InterruptsInvariants.NONINTERFERENCE;
        return Invariant.of(i.claim(), i.name(), p -> {
            if (!(p.left().action() instanceof ComposedAction.Interrupts a)) {
                return Optional.empty();
            }
            return i.violation().apply(new TransitionPair<>(interruptsPart(p.left(), a), interruptsPart(p.right(), a)));
        });
    }

    private static Transition<InterruptsState, InterruptsAction, InterruptsObservation> interruptsPart(
            Transition<ComposedState, ComposedAction, Object> t, ComposedAction.Interrupts a) {
        List<InterruptsObservation> seen = new ArrayList<>();
        t.observations().forEach(o -> seen.add((InterruptsObservation) o));
        return new Transition<>(t.before().interrupts(), a.action(), t.after().interrupts(), seen);
    }

    /** The domains' own two-run invariant (PD-1), judged on the domains' steps of both runs. */
    private static Invariant<TransitionPair<ComposedState, ComposedAction, Object>> domainsPair() {
        Invariant<TransitionPair<DomainsState, DomainsAction, DomainsObservation>> i =
                DomainsInvariants.ROOT_SEES_NOTHING_SECURE;
        return Invariant.of(i.claim(), i.name(), p -> {
            if (!(p.left().action() instanceof ComposedAction.Domains a)) {
                return Optional.empty();
            }
            return i.violation().apply(new TransitionPair<>(domainsPart(p.left(), a), domainsPart(p.right(), a)));
        });
    }

    private static Transition<DomainsState, DomainsAction, DomainsObservation> domainsPart(
            Transition<ComposedState, ComposedAction, Object> t, ComposedAction.Domains a) {
        List<DomainsObservation> seen = new ArrayList<>();
        t.observations().forEach(o -> seen.add((DomainsObservation) o));
        return new Transition<>(t.before().domains(), a.action(), t.after().domains(), seen);
    }

    private static <S> List<Invariant<ComposedState>> lift(
            List<Invariant<S>> invariants, Function<ComposedState, S> part) {
        return invariants.stream()
                .map(i -> Invariant.<ComposedState>of(
                        i.claim(), i.name(), s -> i.violation().apply(part.apply(s))))
                .toList();
    }

    private static List<Invariant<Transition<ComposedState, ComposedAction, Object>>> integritySteps() {
        return steps(
                IntegrityInvariants.ALL.step(),
                ComposedState::integrity,
                a -> a instanceof ComposedAction.Integrity i ? i.action() : null,
                IntegrityObservation.class);
    }

    private static List<Invariant<Transition<ComposedState, ComposedAction, Object>>> domainsSteps() {
        return steps(
                DomainsInvariants.ALL.step(),
                ComposedState::domains,
                a -> a instanceof ComposedAction.Domains d ? d.action() : null,
                DomainsObservation.class);
    }

    private static List<Invariant<Transition<ComposedState, ComposedAction, Object>>> interruptsSteps() {
        return steps(
                InterruptsInvariants.ALL.step(),
                ComposedState::interrupts,
                a -> a instanceof ComposedAction.Interrupts r ? r.action() : null,
                InterruptsObservation.class);
    }

    private static List<Invariant<Transition<ComposedState, ComposedAction, Object>>> migrationSteps() {
        return steps(
                MigrationInvariants.ALL.step(),
                ComposedState::migration,
                a -> a instanceof ComposedAction.Migration m ? m.action() : null,
                MigrationObservation.class);
    }

    private static List<Invariant<Transition<ComposedState, ComposedAction, Object>>> failoverSteps() {
        return steps(
                FailoverInvariants.ALL.step(),
                ComposedState::failover,
                a -> a instanceof ComposedAction.Failover f ? f.action() : null,
                FailoverObservation.class);
    }

    /** The tracing mechanism's step invariants, judged on its own guest's steps (their observations are its own). */
    private static List<Invariant<Transition<ComposedState, ComposedAction, Object>>> tracingSteps() {
        return steps(
                TracingInvariants.ALL.step(),
                ComposedState::tracing,
                a -> a instanceof ComposedAction.Tracing t ? t.action() : null,
                Observation.class);
    }

    /**
     * One mechanism's step invariants lifted to the composed steps: each judges only the steps
     * whose action is that mechanism's ({@code own} gives it, null for another's), on that
     * mechanism's part of the states before and after, with the step's observations as its own.
     */
    private static <S, A, O> List<Invariant<Transition<ComposedState, ComposedAction, Object>>> steps(
            List<Invariant<Transition<S, A, O>>> invariants,
            Function<ComposedState, S> part,
            Function<ComposedAction, A> own,
            Class<O> observation) {
        List<Invariant<Transition<ComposedState, ComposedAction, Object>>> out = new ArrayList<>();
        for (Invariant<Transition<S, A, O>> i : invariants) {
            out.add(Invariant.of(i.claim(), i.name(), t -> {
                A action = own.apply(t.action());
                if (action == null) {
                    return Optional.empty();
                }
                List<O> seen = new ArrayList<>();
                t.observations().forEach(o -> seen.add(observation.cast(o)));
                return i.violation()
                        .apply(new Transition<>(part.apply(t.before()), action, part.apply(t.after()), seen));
            }));
        }
        return out;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
