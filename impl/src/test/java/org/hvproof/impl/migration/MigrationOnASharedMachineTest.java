package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationAction.CompletionInterrupt;
import org.hvproof.model.migration.MigrationAction.DeviceStep;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestRead;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The migration source's VM booted onto a hypervisor another guest shares: its own vCPU, view,
 * frames and NIC, its dirty logging on the hypervisor's one tracing service; and the seam it
 * brings, the machine's EPT accessed and dirty flags turned on for every view.
 */
class MigrationOnASharedMachineTest {
    private static final ViewId VIEW = new ViewId("migration");
    private static final DeviceId NIC = new DeviceId(0x0500);
    private static final int VCPU = 1;
    /** Two vCPUs; the other guest, on the default view and vCPU 0, has 64 pages of RAM and its tables at 48..63. */
    private static final MachineShape SHAPE = new MachineShape(2, 256, 48, 16);

    private static final Owner OTHER = new Owner("other");

    private static MigrationConfig config(MigrationEmbodiment embodiment, MigrationStrategy strategy) {
        return MigrationConfig.withDefaults(6, 2, embodiment, strategy);
    }

    /** The shared machine with the other guest booted: vCPU 0 on the default view, virtual page 0 mapped to page 1. */
    private record Shared(Hypervisor hypervisor, TracingService tracing, GuestOs os, long cr3) {
        static Shared boot() {
            Hypervisor hypervisor = new Hypervisor(new Machine(SHAPE));
            hypervisor.limitGuestRam(ViewId.DEFAULT, 64);
            TracingService tracing = new TracingService(hypervisor, TracingImplFlaw.NONE);
            GuestOs os =
                    new GuestOs(hypervisor, ViewId.DEFAULT, SHAPE.pageTablePoolFirst(), SHAPE.pageTablePoolPages());
            long cr3 = os.newAddressSpace().orElseThrow();
            os.map(cr3, 0, new GuestPhysicalPage(1), PagePermissions.KERNEL_DATA);
            hypervisor.machine().vcpus().get(0).setCr3(cr3);
            return new Shared(hypervisor, tracing, os, cr3);
        }

        MigrationSystem bootMigration(MigrationConfig c) {
            hypervisor.limitGuestRam(VIEW, c.totalPages());
            return new MigrationSystem(hypervisor, tracing, VIEW, VCPU, NIC, c, MigrationImplFlaw.NONE);
        }

        /** The other guest's table page holding virtual page 0's leaf entry. */
        GuestPhysicalPage otherLeafTable() {
            return GuestPhysicalPage.containing(os.entryAddress(cr3, 0, 1).orElseThrow());
        }

        List<Observation> otherRead() {
            return hypervisor.read(new VCpu(0), 0, 8);
        }
    }

    /** A receive across a buffer page's end, a transmit, VM writes and reads, and a migration to the end. */
    private static final List<MigrationAction> RUN = List.of(
            new GuestWrite(4, 3, Bytes.ofInts(1, 2, 3)),
            new Submit(2 * 4096 - 100, 300, 1),
            new Submit(4096, 32, 0),
            new Doorbell(2),
            new DeviceStep(100),
            new StartMigration(100),
            new MigrationRound(),
            new DeviceStep(200),
            new GuestRead(5, 0, 4),
            new GuestWrite(2, 7, Bytes.ofInts(9)),
            new DeviceStep(32),
            new CompletionInterrupt(),
            new CompletionInterrupt(),
            new MigrationRound(),
            new MigrationRound(),
            new MigrationRound(),
            new GuestRead(4, 3, 3));

    @ParameterizedTest
    @EnumSource(MigrationStrategy.class)
    void theVmOnASharedMachineRunsAsOnAHostOfItsOwnWhileTheOtherGuestRuns(MigrationStrategy strategy) {
        for (MigrationEmbodiment embodiment : MigrationEmbodiment.values()) {
            MigrationConfig c = config(embodiment, strategy);
            MigrationSystem alone = new MigrationSystem(c);
            Shared shared = Shared.boot();
            MigrationSystem sys = shared.bootMigration(c);
            assertThat(sys.abstractState()).isEqualTo(alone.abstractState());
            for (MigrationAction a : RUN) {
                String at = embodiment + " " + strategy + ": " + a;
                assertThat(sys.apply(a)).as(at).isEqualTo(alone.apply(a));
                assertThat(sys.abstractState()).as(at).isEqualTo(alone.abstractState());
                assertThat(sys.poolPages()).as(at).isEqualTo(alone.poolPages());
                assertThat(sys.protection()).as(at).isEqualTo(alone.protection());
                // The other guest's access between the VM's steps sees its own page, nothing else.
                assertThat(shared.otherRead()).as(at).containsExactly(new ValueRead(new VCpu(0), 0, Bytes.zeros(8)));
            }
            assertThat(sys.abstractState().phase()).isEqualTo(MigrationPhase.MIGRATED);
            assertThat(sys.report()).isEqualTo(alone.report());
        }
    }

    @Test
    void theVmRunsOnItsOwnVcpuViewAndNicAndItsPagesAreBackedInItsViewOnly() {
        Shared shared = Shared.boot();
        MigrationConfig c =
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = shared.bootMigration(c);
        Machine machine = shared.hypervisor().machine();
        VirtualCpu cpu = sys.sourceVcpu();
        assertThat(cpu.id()).isEqualTo(new VCpu(VCPU));
        assertThat(cpu.view()).isEqualTo(VIEW);
        assertThat(sys.view()).isEqualTo(VIEW);
        assertThat(sys.nic()).isEqualTo(NIC);
        assertThat(machine.iommu().table(NIC)).isPresent();
        assertThat(machine.vcpus().get(0).view()).isEqualTo(ViewId.DEFAULT);
        // The ring page (0) and the VM's tables are backed in its view; the default view's page 0
        // stays the other guest's, unbacked (it mapped only page 1 and its pool).
        assertThat(machine.view(VIEW).orElseThrow().leaf(new GuestPhysicalPage(0)))
                .isPresent();
        assertThat(machine.defaultView().leaf(new GuestPhysicalPage(0))).isEmpty();
        // Dirty logging's traces are the VM's view's, under the migration owner, once it starts.
        sys.apply(new StartMigration(100));
        assertThat(shared.tracing().pagesTracedBy(VIEW, MigrationService.OWNER)).hasSize(c.totalPages());
        assertThat(shared.tracing().pagesTracedBy(ViewId.DEFAULT, MigrationService.OWNER))
                .isEmpty();
    }

    @Test
    void bootingTheVmTurnsTheMachinesNestedAccessedDirtyFlagsOnForTheOtherGuestsViewToo() {
        Shared shared = Shared.boot();
        Machine machine = shared.hypervisor().machine();
        assertThat(machine.defaultView().accessedDirty()).isFalse();

        shared.bootMigration(config(MigrationEmbodiment.COPY_AS_VCPU_BUFFER, MigrationStrategy.TRAP_VCPU_ACCESS));

        assertThat(machine.nestedAccessedDirty()).isTrue();
        assertThat(machine.defaultView().accessedDirty()).isTrue();
    }

    @Test
    void withTheFlagOnTheOtherGuestsWalkUpdatingItsTracedTablePageIsNotifiedAndItsReadStillCompletes() {
        // Without the migration guest: the walk's accessed-bit update of the traced table page is
        // a read for the nested rights, and nothing is notified.
        Shared without = Shared.boot();
        without.tracing().addTrace(ViewId.DEFAULT, OTHER, without.otherLeafTable());
        assertThat(without.otherRead()).containsExactly(new ValueRead(new VCpu(0), 0, Bytes.zeros(8)));

        // With it: the same update is a write on the traced page, an EPT violation during the walk
        // that the tracing service notifies and completes; the read goes on.
        Shared with = Shared.boot();
        with.bootMigration(
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION));
        with.tracing().addTrace(ViewId.DEFAULT, OTHER, with.otherLeafTable());
        List<Observation> seen = with.otherRead();
        assertThat(seen)
                .filteredOn(o -> o instanceof Notification)
                .singleElement()
                .satisfies(o -> assertThat(((Notification) o).page()).isEqualTo(with.otherLeafTable()));
        assertThat(seen).contains(new ValueRead(new VCpu(0), 0, Bytes.zeros(8)));
    }

    @Test
    void aVcpuTheMachineLacksOrAViewTooSmallForTheVmIsRefusedAtBoot() {
        MigrationConfig c =
                config(MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);
        Shared shared = Shared.boot();
        assertThatThrownBy(() -> new MigrationSystem(
                        shared.hypervisor(), shared.tracing(), VIEW, 2, NIC, c, MigrationImplFlaw.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        shared.hypervisor().limitGuestRam(new ViewId("small"), c.totalPages() - 1);
        assertThatThrownBy(() -> new MigrationSystem(
                        shared.hypervisor(),
                        shared.tracing(),
                        new ViewId("small"),
                        VCPU,
                        NIC,
                        c,
                        MigrationImplFlaw.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        TracingService elsewhere = new TracingService(new Hypervisor(new Machine(SHAPE)), TracingImplFlaw.NONE);
        assertThatThrownBy(() ->
                        new MigrationSystem(shared.hypervisor(), elsewhere, VIEW, VCPU, NIC, c, MigrationImplFlaw.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
