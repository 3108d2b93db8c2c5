package org.hvproof.impl.composed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.impl.failover.FailoverImplFlaw;
import org.hvproof.impl.failover.FailoverSystem;
import org.hvproof.impl.integrity.IntegrityService;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.impl.interrupts.InterruptsSystem;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.migration.MigrationSystem;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverModel;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/** The integrity and domains services and the interrupts guest on one machine, one behaviour per test. */
class ComposedSystemTest {
    private static final long PAGE = 4096;
    private static final long CODE = 16 * PAGE;
    private static final long DATA = 18 * PAGE;
    private static final long ENTRY = CODE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);

    private final ComposedSystem system = new ComposedSystem();

    private List<Object> integrity(IntegrityAction a) {
        return system.apply(new ComposedSystemAction.Integrity(a));
    }

    private List<Object> domains(DomainsSystemAction a) {
        return system.apply(new ComposedSystemAction.Domains(a));
    }

    private void protectFromIntegrityMode(long firstPage, long pages) {
        assertThat(integrity(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(integrity(new IntegrityAction.Enter(DRIVER))).containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(integrity(new IntegrityAction.Protect(
                        DRIVER, firstPage * PAGE, pages * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.OK));
    }

    @Test
    void bootsTheServicesOnDisjointVcpusAndViews() {
        assertThat(system.machine().vcpus()).hasSize(9);
        assertThat(system.machine().viewIds())
                .contains(
                        ViewId.DEFAULT,
                        IntegrityService.INTEGRITY_VIEW,
                        ComposedSystem.DOMAINS_ROOT_VIEW,
                        new ViewId("secure-1"),
                        new ViewId("secure-2"),
                        ComposedSystem.INTERRUPTS_VIEW,
                        ComposedSystem.MIGRATION_VIEW,
                        new ViewId(ComposedSystem.FAILOVER_VIEW),
                        ComposedSystem.TRACING_VIEW);
        assertThat(system.machine().vcpus().get(6).view()).isEqualTo(new ViewId(ComposedSystem.FAILOVER_VIEW));
        assertThat(system.machine().vcpus().get(7).view()).isEqualTo(ComposedSystem.TRACING_VIEW);
        assertThat(system.abstractState().failover()).isEqualTo(FailoverModel.initial());
        assertThat(system.domains().vcpus())
                .allSatisfy(cpu -> assertThat(cpu.view()).isEqualTo(ComposedSystem.DOMAINS_ROOT_VIEW));
        assertThat(system.interrupts().cpu().id().id()).isEqualTo(4);
        assertThat(system.interrupts().cpu().view()).isEqualTo(ComposedSystem.INTERRUPTS_VIEW);
        assertThat(system.abstractState().integrity()).isEqualTo(IntegrityState.initial(ComposedSystem.INTEGRITY));
        assertThat(system.abstractState().interrupts())
                .isEqualTo(InterruptsState.initial(ComposedSystem.INTERRUPTS_SECRET, InterruptsState.DEFAULT_ERASURE));
        assertThat(system.migration().sourceVcpu().id().id()).isEqualTo(5);
        assertThat(system.migration().sourceVcpu().view()).isEqualTo(ComposedSystem.MIGRATION_VIEW);
        assertThat(system.abstractState().migration()).isEqualTo(MigrationState.initial(ComposedSystem.MIGRATION));
        // The migration source turned the machine's nested accessed and dirty flags on, every view's
        // but the tracing guest's, whose EPTP keeps them off as on its own machine.
        assertThat(system.machine().nestedAccessedDirty()).isTrue();
        assertThat(system.machine()
                        .view(ComposedSystem.TRACING_VIEW)
                        .orElseThrow()
                        .accessedDirty())
                .isFalse();
        assertThat(system.machine().vcpus().subList(ComposedSystem.TRACING_VCPU, ComposedSystem.TRACING_VCPU + 2))
                .allSatisfy(cpu -> assertThat(cpu.view()).isEqualTo(ComposedSystem.TRACING_VIEW));
        assertThat(system.abstractState().tracing()).isEqualTo(TracingState.initial(ComposedSystem.TRACING));
    }

    @Test
    void theTracingGuestsRequestsGoToTheSharedServiceInItsOwnViewAndItsVcpusAreNumberedFromZero() {
        GuestPhysicalPage page = new GuestPhysicalPage(3);
        Owner owner = new Owner("log");
        assertThat(system.apply(new ComposedSystemAction.Tracing(new AddTrace(owner, page))))
                .isEmpty();
        assertThat(system.tracing().holds(ComposedSystem.TRACING_VIEW, owner, page))
                .isTrue();
        assertThat(system.tracing().holds(ViewId.DEFAULT, owner, page)).isFalse();
        long va = 0x7000;
        system.apply(new ComposedSystemAction.Tracing(new MapPage(new VCpu(1), va, page, PagePermissions.KERNEL_DATA)));
        List<Object> seen =
                system.apply(new ComposedSystemAction.Tracing(new GuestWrite(new VCpu(1), va + 8, Bytes.ofInts(7))));
        assertThat(seen)
                .containsExactly(
                        new Notification(new VCpu(1), page, 8, 1),
                        new Completed(new VCpu(1), AccessKind.WRITE, va + 8, 1));
        // The guest's vCPU 2 is the machine's first vCPU after the guest's: not the guest's.
        assertThat(system.apply(new ComposedSystemAction.Tracing(new GuestWrite(new VCpu(2), va, Bytes.ofInts(1)))))
                .containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        // Page 512 is beyond the guest's RAM, though the machine has it.
        assertThat(system.apply(new ComposedSystemAction.Tracing(new AddTrace(owner, new GuestPhysicalPage(512)))))
                .containsExactly(new Refused(ErrorCode.OUT_OF_RANGE));
    }

    @Test
    void theMigrationSourceBootsWithTheFiguresGivenAndTrapsItsBufferAsAlone() {
        MigrationConfig trapping = new MigrationConfig(
                4,
                1,
                2,
                MigrationConfig.PAGE_BYTES,
                MigrationConfig.DEFAULT_BANDWIDTH,
                ComposedSystem.MIGRATION.downtimeLimitMicros(),
                1,
                MigrationEmbodiment.COPY_AS_VCPU_BUFFER,
                MigrationStrategy.TRAP_VCPU_ACCESS);
        ComposedSystem composed = new ComposedSystem(
                ComposedImplFlaw.NONE, ComposedSystem.SECRET, ComposedSystem.INTERRUPTS_SECRET, trapping);
        MigrationSystem alone = new MigrationSystem(trapping);
        assertThat(composed.migrationConfig()).isEqualTo(trapping);
        assertThat(composed.abstractState().migration()).isEqualTo(MigrationState.initial(trapping));
        List<MigrationAction> run = List.of(
                new MigrationAction.StartMigration(100),
                new MigrationAction.GuestWrite(1, 8, Bytes.ofInts(7, 9)),
                new MigrationAction.GuestRead(1, 0, 16),
                new MigrationAction.MigrationRound(),
                new MigrationAction.MigrationRound());
        for (MigrationAction a : run) {
            assertThat(composed.apply(new ComposedSystemAction.Migration(a)))
                    .as(a.toString())
                    .isEqualTo(List.copyOf(alone.apply(a)));
            assertThat(composed.abstractState().migration()).as(a.toString()).isEqualTo(alone.abstractState());
        }
        // The trapping strategy's exits ran on the shared hypervisor, as many as alone.
        assertThat(composed.migration().protectionExits()).isPositive().isEqualTo(alone.protectionExits());
    }

    @Test
    void aMigrationOnTheComposedMachineRunsAsAloneAndLeavesTheOtherGuestsAsTheyWere() {
        protectFromIntegrityMode(40, 2);
        MigrationSystem alone = new MigrationSystem(ComposedSystem.MIGRATION);
        ComposedState before = system.abstractState();
        List<MigrationAction> run = List.of(
                new MigrationAction.GuestWrite(3, 5, Bytes.ofInts(1, 2)),
                new MigrationAction.Submit(4096 + 8, 64, 1),
                new MigrationAction.Doorbell(1),
                new MigrationAction.DeviceStep(16),
                new MigrationAction.StartMigration(100),
                new MigrationAction.MigrationRound(),
                new MigrationAction.DeviceStep(64),
                new MigrationAction.CompletionInterrupt(),
                new MigrationAction.GuestRead(4, 0, 8),
                new MigrationAction.MigrationRound(),
                new MigrationAction.MigrationRound(),
                new MigrationAction.MigrationRound());
        for (MigrationAction a : run) {
            assertThat(system.apply(new ComposedSystemAction.Migration(a)))
                    .as(a.toString())
                    .isEqualTo(List.copyOf(alone.apply(a)));
            ComposedState now = system.abstractState();
            assertThat(now.migration()).as(a.toString()).isEqualTo(alone.abstractState());
            assertThat(now.withMigration(before.migration())).as(a.toString()).isEqualTo(before);
        }
        assertThat(system.migration().migrated()).isTrue();
    }

    /**
     * A failover on the composed machine, step by step: provisioned with two store pages of 16
     * bytes and two queue slots (five chunks), an update served and one queued, the AC failure,
     * the panic handler, the five chunks and the signal; then the secondary serves.
     */
    private static final List<FailoverAction> FAILOVER_RUN = List.of(
            new FailoverAction.Provision(new FailoverConfig(2, 16, 2, 8, 64, 1, 1_000_000, 5)),
            new FailoverAction.ClientUpdate(1, 0x1234_5678L),
            new FailoverAction.Serve(),
            new FailoverAction.ClientUpdate(0, 77),
            new FailoverAction.PowerFail(),
            new FailoverAction.PanicDone(),
            new FailoverAction.CopyChunk(),
            new FailoverAction.CopyChunk(),
            new FailoverAction.CopyChunk(),
            new FailoverAction.CopyChunk(),
            new FailoverAction.CopyChunk(),
            new FailoverAction.Signal(),
            new FailoverAction.Serve());

    @Test
    void aFailoverToTheComposedMachineRunsAsOnHostsOfTheirOwnAndLeavesTheOtherGuestsAsTheyWere() {
        protectFromIntegrityMode(0, 2);
        FailoverSystem alone = new FailoverSystem(FailoverImplFlaw.NONE);
        ComposedState before = system.abstractState();
        NestedPageTable integrityView = system.machine().defaultView();
        List<Boolean> integrityBacked = backed(integrityView, 8);
        for (FailoverAction a : FAILOVER_RUN) {
            assertThat(system.apply(new ComposedSystemAction.Failover(a)))
                    .as(a.toString())
                    .isEqualTo(List.copyOf(alone.apply(a)));
            ComposedState now = system.abstractState();
            assertThat(now.failover()).as(a.toString()).isEqualTo(alone.abstractState());
            assertThat(now.withFailover(before.failover())).as(a.toString()).isEqualTo(before);
        }
        assertThat(system.abstractState().failover().phase()).isEqualTo(FailoverPhase.FAILED_OVER);
        // The standby agent backed the chunks' pages in the secondary's own view, with frames no other view maps.
        NestedPageTable secondary =
                system.machine().view(new ViewId(ComposedSystem.FAILOVER_VIEW)).orElseThrow();
        assertThat(backed(integrityView, 8)).isEqualTo(integrityBacked);
        for (int page = 0; page < 5; page++) {
            long frame =
                    secondary.leaf(new GuestPhysicalPage(page)).orElseThrow().hostFrame();
            for (ViewId other : system.machine().viewIds()) {
                if (!other.equals(secondary.view())) {
                    assertThat(mapsFrame(system.machine().view(other).orElseThrow(), frame))
                            .as(other + " maps frame " + frame)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void withTheStandbyWritingThroughTheDefaultViewTheChunksLandInTheIntegrityGuestsMemory() {
        ComposedSystem flawed = new ComposedSystem(ComposedImplFlaw.STANDBY_WRITES_THROUGH_DEFAULT_VIEW);
        // Every chunk sent: all but the last have landed (one microsecond's latency) by then.
        for (FailoverAction a : FAILOVER_RUN.subList(0, 11)) {
            flawed.apply(new ComposedSystemAction.Failover(a));
        }
        assertThat(flawed.abstractState().failover().agent().landed()).contains(0);
        // Chunk 0 holds key 1's value; it went into the integrity guest's page 0, the secondary's page 0 is unbacked.
        byte[] page0 = flawed.machine().peekGuestPage(ViewId.DEFAULT, new GuestPhysicalPage(0));
        assertThat(page0[8]).isEqualTo((byte) 0x78);
        assertThat(flawed.machine()
                        .view(new ViewId(ComposedSystem.FAILOVER_VIEW))
                        .orElseThrow()
                        .leaf(new GuestPhysicalPage(0)))
                .isEmpty();
    }

    @Test
    void theSecondarysCrashIsItsGuestsAloneItGoesOnWithAFreshViewTheOtherGuestsAsTheyWere() {
        protectFromIntegrityMode(0, 2);
        FailoverSystem alone = new FailoverSystem(FailoverImplFlaw.NONE);
        for (FailoverAction a : FAILOVER_RUN) {
            system.apply(new ComposedSystemAction.Failover(a));
            alone.apply(a);
        }
        ComposedState before = system.abstractState();
        FailoverAction crash = new FailoverAction.SecondaryCrash();
        assertThat(system.apply(new ComposedSystemAction.Failover(crash))).isEqualTo(List.copyOf(alone.apply(crash)));
        ComposedState now = system.abstractState();
        assertThat(now.failover()).isEqualTo(alone.abstractState());
        assertThat(now.withFailover(before.failover())).isEqualTo(before);
        ViewId fresh = system.failover().secondaryView().orElseThrow();
        assertThat(fresh).isNotEqualTo(new ViewId(ComposedSystem.FAILOVER_VIEW));
        assertThat(system.machine().vcpus().get(ComposedSystem.FAILOVER_VCPU).view())
                .isEqualTo(fresh);
        assertThat(backed(system.machine().view(fresh).orElseThrow(), 8)).containsOnly(false);
    }

    private static List<Boolean> backed(NestedPageTable view, int pages) {
        List<Boolean> out = new java.util.ArrayList<>();
        for (int p = 0; p < pages; p++) {
            out.add(view.leaf(new GuestPhysicalPage(p)).isPresent());
        }
        return out;
    }

    private static boolean mapsFrame(NestedPageTable view, long frame) {
        boolean[] found = {false};
        view.forEachLeaf((page, entry) -> found[0] |= entry.hostFrame() == frame);
        return found[0];
    }

    /** Registers a driver whose code and data are pages 0 and 1, numbers the migration VM's pages have too, then starts a migration. */
    private static void driverOnTheMigrationVmsPageNumbersThenMigrate(ComposedSystem system) {
        assertThat(system.apply(new ComposedSystemAction.Integrity(
                        new IntegrityAction.Register(new Writer(0, 0xfff, 0), 0, PAGE, PAGE, PAGE, 0xfff))))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(system.apply(new ComposedSystemAction.Migration(new MigrationAction.StartMigration(100))))
                .isEmpty();
    }

    @Test
    void theMigrationVmsDirtyLoggedWriteToAPageNumberTheIntegrityGuestProtectsCompletes() {
        driverOnTheMigrationVmsPageNumbersThenMigrate(system);
        system.apply(new ComposedSystemAction.Migration(new MigrationAction.GuestWrite(1, 0, Bytes.ofInts(20))));
        assertThat(system.abstractState().migration().memory().get(1).slice(0, 1))
                .isEqualTo(Bytes.ofInts(20));
        assertThat(system.abstractState().migration().dirty()).contains(1L);
    }

    @Test
    void withTheIntegrityListenerJudgingEveryViewTheMigrationVmsWriteIsBlocked() {
        ComposedSystem flawed = new ComposedSystem(ComposedImplFlaw.INTEGRITY_LISTENER_JUDGES_EVERY_VIEW);
        driverOnTheMigrationVmsPageNumbersThenMigrate(flawed);
        flawed.apply(new ComposedSystemAction.Migration(new MigrationAction.GuestWrite(1, 0, Bytes.ofInts(20))));
        assertThat(flawed.abstractState().migration().memory().get(1).slice(0, 1))
                .isEqualTo(Bytes.ofInts(0));
    }

    @Test
    void aTreeEditOfTheIntegrityStoreLeavesTheDomainsViewsAsTheyWere() {
        DomainsState before = system.abstractState().domains();
        protectFromIntegrityMode(100, 40);
        assertThat(system.abstractState().domains()).isEqualTo(before);
    }

    @Test
    void anInterruptOnADomainsVcpuLeavesTheIntegrityGuestInIntegrityMode() {
        protectFromIntegrityMode(100, 1);
        assertThat(domains(new DomainsSystemAction.Transfer(0, org.hvproof.impl.domains.DomainLayout.gateAddress(1))))
                .singleElement()
                .isInstanceOf(DomainsObservation.Entered.class);
        assertThat(domains(new DomainsSystemAction.Event(0, 32, false)))
                .singleElement()
                .isInstanceOf(DomainsObservation.Returned.class);
        assertThat(system.integrity().integrity().mode(0)).isEqualTo(Mode.INTEGRITY);
    }

    @Test
    void theIntegrityGuestsViewsAreBoundedToItsOwnRamOnTheMachineShapedForTheInterruptsWindow() {
        assertThat(system.machine().shape().guestPhysicalPages())
                .isEqualTo(InterruptsSystem.SHAPE.guestPhysicalPages());
        long integrityRam = IntegritySystem.shape(ComposedSystem.INTEGRITY, ComposedSystem.STORE, 2)
                .guestPhysicalPages();
        assertThat(system.hypervisor().guestRamPages(ViewId.DEFAULT)).isEqualTo(integrityRam);
        assertThat(system.hypervisor().guestRamPages(IntegrityService.INTEGRITY_VIEW))
                .isEqualTo(integrityRam);
        assertThat(system.hypervisor().populate(ViewId.DEFAULT, new GuestPhysicalPage(integrityRam)))
                .isFalse();
    }

    @Test
    void anInterruptOnTheInterruptsVcpuLeavesTheIntegrityGuestInIntegrityModeAndTheDomainsAsTheyWere() {
        protectFromIntegrityMode(100, 1);
        DomainsState domainsBefore = system.abstractState().domains();
        List<Object> seen = system.apply(
                new ComposedSystemAction.Interrupts(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 33)));
        assertThat(seen).singleElement().isInstanceOf(InterruptsObservation.VirtualInterrupt.class);
        assertThat(system.integrity().integrity().mode(0)).isEqualTo(Mode.INTEGRITY);
        assertThat(system.abstractState().domains()).isEqualTo(domainsBefore);
        assertThat(system.abstractState().interrupts().returnStack()).hasSize(1);
    }

    @Test
    void anInterruptOnAnIntegrityVcpuLeavesTheInterruptsGuestAsItWas() {
        InterruptsState before = system.abstractState().interrupts();
        integrity(new IntegrityAction.Interrupt(0, 40));
        assertThat(system.abstractState().interrupts()).isEqualTo(before);
    }

    @Test
    void anIntegrityActionNamingADomainsVcpuFindsNoVcpu() {
        assertThat(integrity(new IntegrityAction.Enter(new Writer(2, ENTRY, 0))))
                .containsExactly(new RequestResult(IntegrityCode.UNKNOWN_VCPU));
    }
}
