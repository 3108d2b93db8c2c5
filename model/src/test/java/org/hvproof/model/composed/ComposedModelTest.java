package org.hvproof.model.composed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.domains.DomainsModel;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsVCpu;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverInvariants;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityModel;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsModel;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationInvariants;
import org.hvproof.model.migration.MigrationModel;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.TracingInvariants;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/** The composed model routes each action to its mechanism's model and leaves the other part alone. */
class ComposedModelTest {
    private static final IntegrityState INTEGRITY = IntegrityState.initial(IntegrityConfig.small());
    private static final DomainsState DOMAINS = DomainsState.example(2, 2, 77);
    private static final InterruptsState INTERRUPTS = InterruptsState.initial(0x5EC2E7L);
    private static final MigrationState MIGRATION = MigrationState.initial(MigrationConfig.withDefaults(
            4, 2, MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION));
    private static final FailoverState FAILOVER = FailoverModel.initial();
    private static final TracingState TRACING = TracingState.initial(MachineShape.of(2, 512));
    private static final ComposedState INITIAL =
            ComposedModel.initial(INTEGRITY, DOMAINS, INTERRUPTS, MIGRATION, TRACING);

    @Test
    void anIntegrityActionStepsTheIntegrityModelOnlyAndShowsItsObservations() {
        IntegrityAction register = new IntegrityAction.Register(
                new Writer(0, 16 * 4096 + 0x40, 0), 16 * 4096, 2 * 4096, 18 * 4096, 2 * 4096, 16 * 4096 + 0x40);
        ComposedStep step = ComposedModel.step(INITIAL, new ComposedAction.Integrity(register));
        var alone = IntegrityModel.step(INTEGRITY, register);
        assertThat(step.next())
                .isEqualTo(new ComposedState(alone.next(), DOMAINS, INTERRUPTS, MIGRATION, FAILOVER, TRACING));
        assertThat(step.observations()).isEqualTo(List.copyOf(alone.observations()));
        assertThat(step.next().integrity()).isNotEqualTo(INTEGRITY);
    }

    @Test
    void aDomainsActionStepsTheDomainsModelOnlyAndShowsItsObservations() {
        DomainsAction jump = new DomainsAction.Jump(0, new GuestPage(17));
        ComposedStep step = ComposedModel.step(INITIAL, new ComposedAction.Domains(jump));
        var alone = DomainsModel.step(DOMAINS, jump);
        assertThat(step.next())
                .isEqualTo(new ComposedState(INTEGRITY, alone.next(), INTERRUPTS, MIGRATION, FAILOVER, TRACING));
        assertThat(step.observations()).isEqualTo(List.copyOf(alone.observations()));
        assertThat(step.next().domains()).isNotEqualTo(DOMAINS);
    }

    @Test
    void anInterruptsActionStepsTheInterruptsModelOnlyAndShowsItsObservations() {
        InterruptsAction arrive = new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 32);
        ComposedStep step = ComposedModel.step(INITIAL, new ComposedAction.Interrupts(arrive));
        var alone = InterruptsModel.step(INTERRUPTS, arrive);
        assertThat(step.next())
                .isEqualTo(new ComposedState(INTEGRITY, DOMAINS, alone.next(), MIGRATION, FAILOVER, TRACING));
        assertThat(step.observations()).isEqualTo(List.copyOf(alone.observations()));
        assertThat(step.next().interrupts()).isNotEqualTo(INTERRUPTS);
    }

    @Test
    void aMigrationActionStepsTheMigrationModelOnlyAndShowsItsObservations() {
        MigrationAction start = new MigrationAction.StartMigration(1);
        ComposedStep refused = ComposedModel.step(INITIAL, new ComposedAction.Migration(start));
        assertThat(refused.observations())
                .isEqualTo(List.copyOf(MigrationModel.step(MIGRATION, start).observations()))
                .isNotEmpty();
        MigrationAction write = new MigrationAction.GuestWrite(3, 0, Bytes.ofInts(9));
        ComposedStep step = ComposedModel.step(INITIAL, new ComposedAction.Migration(write));
        var alone = MigrationModel.step(MIGRATION, write);
        assertThat(step.next())
                .isEqualTo(new ComposedState(INTEGRITY, DOMAINS, INTERRUPTS, alone.next(), FAILOVER, TRACING));
        assertThat(step.next().migration()).isNotEqualTo(MIGRATION);
    }

    @Test
    void aFailoverActionStepsTheFailoverModelOnlyAndShowsItsObservations() {
        FailoverAction provision = new FailoverAction.Provision(new FailoverConfig(2, 16, 2, 8, 64, 1, 1_000_000, 5));
        ComposedStep step = ComposedModel.step(INITIAL, new ComposedAction.Failover(provision));
        var alone = FailoverModel.step(FAILOVER, provision);
        assertThat(step.next())
                .isEqualTo(new ComposedState(INTEGRITY, DOMAINS, INTERRUPTS, MIGRATION, alone.next(), TRACING));
        assertThat(step.observations()).isEqualTo(List.copyOf(alone.observations()));
        assertThat(step.next().failover()).isNotEqualTo(FAILOVER);
    }

    @Test
    void theComposedInvariantsAreEveryMechanismsSingleRunInvariantsUnderTheirOwnLabelsThenTheTwoRunOnes() {
        List<String> both = new ArrayList<>();
        both.addAll(IntegrityInvariants.ALL.state().stream().map(i -> i.label()).toList());
        both.addAll(DomainsInvariants.ALL.state().stream().map(i -> i.label()).toList());
        both.addAll(
                InterruptsInvariants.ALL.state().stream().map(i -> i.label()).toList());
        both.addAll(MigrationInvariants.ALL.state().stream().map(i -> i.label()).toList());
        both.addAll(FailoverInvariants.ALL.state().stream().map(i -> i.label()).toList());
        both.addAll(TracingInvariants.ALL.state().stream().map(i -> i.label()).toList());
        both.addAll(IntegrityInvariants.ALL.step().stream().map(i -> i.label()).toList());
        both.addAll(DomainsInvariants.ALL.step().stream().map(i -> i.label()).toList());
        both.addAll(InterruptsInvariants.ALL.step().stream().map(i -> i.label()).toList());
        both.addAll(MigrationInvariants.ALL.step().stream().map(i -> i.label()).toList());
        both.addAll(FailoverInvariants.ALL.step().stream().map(i -> i.label()).toList());
        both.addAll(TracingInvariants.ALL.step().stream().map(i -> i.label()).toList());
        // The pair invariants: the domains' own PD-1 and PD-1 across guests (two composed runs).
        both.add(DomainsInvariants.ROOT_SEES_NOTHING_SECURE.label());
        both.add(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_SECURE.label());
        // INT-1's: the interrupts guest's own noninterference and INT-1 across guests.
        both.add(InterruptsInvariants.NONINTERFERENCE.label());
        both.add(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET.label());
        // MIG-1's: the migrated run against the unmigrated one.
        both.add(MigrationInvariants.DESTINATION_MATCHES_UNMIGRATED.label());
        assertThat(ComposedInvariants.ALL.labels()).containsExactlyElementsOf(both);
    }

    @Test
    void anotherGuestsStepMustLookTheSameInTwoRunsThatDifferOnlyInTheInterruptsSecret() {
        ComposedState runA = INITIAL;
        ComposedState runB =
                ComposedModel.initial(INTEGRITY, DOMAINS, InterruptsState.initial(0x0BAD_C0DEL), MIGRATION, TRACING);
        DomainsAction jump = new DomainsAction.Jump(0, new GuestPage(17));
        ComposedAction action = new ComposedAction.Domains(jump);
        ComposedStep a = ComposedModel.step(runA, action);
        ComposedStep b = ComposedModel.step(runB, action);
        var same = new TransitionPair<>(
                new Transition<>(runA, action, a.next(), List.<Object>copyOf(a.observations())),
                new Transition<>(runB, action, b.next(), List.<Object>copyOf(b.observations())));
        // the interrupts parts differ (their secrets), which is no leak
        assertThat(a.next().interrupts()).isNotEqualTo(b.next().interrupts());
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET
                        .violation()
                        .apply(same))
                .isEmpty();

        // run B's domains saw something else: the secret reached them
        var leaked = new TransitionPair<>(
                same.left(), new Transition<>(runB, action, b.next(), List.<Object>of("secret 0xbadc0de")));
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET
                        .violation()
                        .apply(leaked))
                .hasValueSatisfying(v -> assertThat(v).contains("observed"));
        // or, after an interrupts guest's own step, another guest's state differs
        ComposedAction arrive = new ComposedAction.Interrupts(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 32));
        ComposedStep ia = ComposedModel.step(runA, arrive);
        ComposedStep ib = ComposedModel.step(runB, arrive);
        var differs = new TransitionPair<>(
                new Transition<>(runA, arrive, ia.next(), List.<Object>copyOf(ia.observations())),
                new Transition<>(
                        runB,
                        arrive,
                        ib.next().withDomains(a.next().domains()),
                        List.<Object>copyOf(ib.observations())));
        assertThat(a.next().domains()).isNotEqualTo(DOMAINS);
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET
                        .violation()
                        .apply(differs))
                .hasValueSatisfying(v -> assertThat(v).contains("domains' state"));
        // while the interrupts guest's own step is judged by its own noninterference
        var own = new TransitionPair<>(
                differs.left(), new Transition<>(runB, arrive, ib.next(), List.<Object>copyOf(ib.observations())));
        assertThat(ComposedInvariants.INTERRUPTS_NONINTERFERENCE.violation().apply(own))
                .isEmpty();
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_OF_THE_SECRET
                        .violation()
                        .apply(own))
                .isEmpty();
    }

    @Test
    void anotherGuestsStepMustLookTheSameInTwoRunsThatDifferOnlyInSecureContents() {
        ComposedState runA = INITIAL;
        ComposedState runB =
                ComposedModel.initial(INTEGRITY, DomainsState.example(2, 2, 78), INTERRUPTS, MIGRATION, TRACING);
        IntegrityAction register = new IntegrityAction.Register(
                new Writer(0, 16 * 4096 + 0x40, 0), 16 * 4096, 2 * 4096, 18 * 4096, 2 * 4096, 16 * 4096 + 0x40);
        ComposedAction action = new ComposedAction.Integrity(register);
        ComposedStep a = ComposedModel.step(runA, action);
        ComposedStep b = ComposedModel.step(runB, action);
        var same = new TransitionPair<>(
                new Transition<>(runA, action, a.next(), List.<Object>copyOf(a.observations())),
                new Transition<>(runB, action, b.next(), List.<Object>copyOf(b.observations())));
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_SECURE
                        .violation()
                        .apply(same))
                .isEmpty();

        // run B's integrity guest saw something else: a secret reached it
        var leaked = new TransitionPair<>(
                same.left(), new Transition<>(runB, action, b.next(), List.<Object>of("secret 78")));
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_SECURE
                        .violation()
                        .apply(leaked))
                .hasValueSatisfying(v -> assertThat(v).contains("observed"));
        // or its state differs afterwards
        var differs = new TransitionPair<>(
                same.left(),
                new Transition<>(
                        runB, action, b.next().withIntegrity(INTEGRITY), List.<Object>copyOf(b.observations())));
        assertThat(ComposedInvariants.OTHER_GUESTS_SEE_NOTHING_SECURE
                        .violation()
                        .apply(differs))
                .hasValueSatisfying(v -> assertThat(v).contains("integrity guest's state"));
    }

    @Test
    void migrationsTwoRunInvariantJudgesTheMigrationSourcesStepsOnly() {
        MigrationAction write = new MigrationAction.GuestWrite(3, 0, Bytes.ofInts(9));
        ComposedAction migrationStep = new ComposedAction.Migration(write);
        ComposedState written = ComposedModel.step(INITIAL, migrationStep).next();
        // one run's VM wrote a page the other's did not: its memory no longer matches
        var differs = new TransitionPair<>(
                new Transition<>(INITIAL, migrationStep, INITIAL, List.<Object>of()),
                new Transition<>(INITIAL, migrationStep, written, List.<Object>of()));
        assertThat(ComposedInvariants.MIGRATION_DESTINATION_MATCHES_UNMIGRATED
                        .violation()
                        .apply(differs))
                .hasValueSatisfying(v -> assertThat(v).contains("data page 3"));
        var same = new TransitionPair<>(
                new Transition<>(INITIAL, migrationStep, written, List.<Object>of()),
                new Transition<>(INITIAL, migrationStep, written, List.<Object>of()));
        assertThat(ComposedInvariants.MIGRATION_DESTINATION_MATCHES_UNMIGRATED
                        .violation()
                        .apply(same))
                .isEmpty();
        // another guest's step is not the migration's to judge (refinement holds the parts apart)
        ComposedAction jump = new ComposedAction.Domains(new DomainsAction.Jump(0, new GuestPage(17)));
        var other = new TransitionPair<>(
                new Transition<>(INITIAL, jump, INITIAL, List.<Object>of()),
                new Transition<>(INITIAL, jump, written, List.<Object>of()));
        assertThat(ComposedInvariants.MIGRATION_DESTINATION_MATCHES_UNMIGRATED
                        .violation()
                        .apply(other))
                .isEmpty();
    }

    @Test
    void aTracingActionStepsTheTracingModelOnly() {
        AddTrace add = new AddTrace(new Owner("log"), new GuestPhysicalPage(3));
        ComposedStep step = ComposedModel.step(INITIAL, new ComposedAction.Tracing(add));
        TracingStep alone = TracingModel.step(TRACING, add);
        assertThat(step.next())
                .isEqualTo(new ComposedState(INTEGRITY, DOMAINS, INTERRUPTS, MIGRATION, FAILOVER, alone.next()));
        assertThat(step.next().tracing().isTraced(new GuestPhysicalPage(3))).isTrue();
        assertThat(step.observations()).isEqualTo(alone.observations());
    }

    @Test
    void aLiftedStateInvariantJudgesItsOwnPart() {
        // vCPU 0 counted in secure domain 1 but still on the root's page table and NPT
        List<DomainsVCpu> vcpus = new ArrayList<>(DOMAINS.vcpus());
        vcpus.set(0, new DomainsVCpu(new DomainId(1), new GuestPage(0), DomainId.ROOT, new GuestPage(0), 0));
        ComposedState leaky = new ComposedState(
                INTEGRITY,
                new DomainsState(DOMAINS.domains(), DOMAINS.frames(), vcpus),
                INTERRUPTS,
                MIGRATION,
                FAILOVER,
                TRACING);
        List<String> violated = ComposedInvariants.ALL.state().stream()
                .filter(inv -> !inv.check(leaky).holds())
                .map(inv -> inv.label())
                .toList();
        assertThat(violated).isNotEmpty().allMatch(label -> label.startsWith("PD-"));
        assertThat(ComposedInvariants.ALL.state().stream()
                        .filter(inv -> !inv.check(INITIAL).holds()))
                .isEmpty();
    }
}
