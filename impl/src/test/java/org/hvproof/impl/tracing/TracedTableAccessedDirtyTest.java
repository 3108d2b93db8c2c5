package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.HardwareTranslation;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A guest walk's accessed/dirty update of an entry in a write-traced table page, with nested A/D
 * flags on: the EPT violation the machine raises names the bits (hardware's exit qualification
 * tells an A/D update from the walk's read), and the tracing service treats it as the 8-byte write
 * it is: one notification, the update made, the walk retried, the guest's access completed.
 */
class TracedTableAccessedDirtyTest {
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x0000_0040_0000_0000L;
    private static final Owner OWNER = new Owner("log");

    private TracingSystem system;
    private Machine machine;
    private VirtualCpu cpu;
    private GuestOs os;
    private long leaf;
    private GuestPhysicalPage table;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(1, 1024), TracingImplFlaw.NONE, false);
        machine = system.machine();
        cpu = machine.vcpu(CPU).orElseThrow();
        os = system.guestOs();
        os.map(cpu.cr3(), VA, new GuestPhysicalPage(42), PagePermissions.ALL);
        leaf = os.entryAddress(cpu.cr3(), VA, 1).orElseThrow();
        table = GuestPhysicalPage.containing(leaf);
        // A first read backs every page the walk uses; then the leaf loses its accessed bit again.
        system.hypervisor().read(CPU, VA, 1);
        os.writeEntry(leaf, os.readEntry(leaf) & ~(GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY));
        machine.tlb(cpu).invalidateAll();
    }

    private void traceTheLeafTable() {
        assertThat(system.tracing().addTrace(OWNER, table)).isEmpty();
    }

    private long leafBits() {
        return os.readEntry(leaf) & (GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY);
    }

    @Test
    void theExitOfARefusedUpdateNamesTheBitsTheWalkWasSetting() {
        traceTheLeafTable();
        machine.setNestedAccessedDirty(true);

        HardwareTranslation read = machine.translate(cpu, VA, AccessKind.READ);
        assertThat(read).isInstanceOf(HardwareTranslation.Exit.class);
        var exit = ((HardwareTranslation.Exit) read).exit();
        assertThat(exit.guestPhysicalAddress()).isEqualTo(leaf);
        assertThat(exit.access()).isEqualTo(AccessKind.WRITE);
        assertThat(exit.duringWalk()).isTrue();
        assertThat(exit.accessedDirtyBits()).isEqualTo(GuestPageTableEntry.ACCESSED);

        // With the accessed bit set, a write still has the dirty bit to set in the leaf.
        os.writeEntry(leaf, os.readEntry(leaf) | GuestPageTableEntry.ACCESSED);
        var write = ((HardwareTranslation.Exit) machine.translate(cpu, VA, AccessKind.WRITE)).exit();
        assertThat(write.accessedDirtyBits()).isEqualTo(GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY);
        assertThat(leafBits()).isEqualTo(GuestPageTableEntry.ACCESSED);
    }

    @Test
    void aReadWhoseAccessedUpdateHitsATracedTableIsNotifiedOnceAndCompletes() {
        traceTheLeafTable();
        machine.setNestedAccessedDirty(true);

        List<Observation> seen = system.hypervisor().read(CPU, VA + 8, 4);

        assertThat(seen)
                .containsExactly(
                        new Notification(CPU, table, (int) (leaf & 0xfff), Long.BYTES),
                        new ValueRead(CPU, VA + 8, Bytes.zeros(4)));
        assertThat(leafBits()).isEqualTo(GuestPageTableEntry.ACCESSED);
        assertThat(system.tracing().isTraced(table)).isTrue();
        // The bit is set now: the next walk has nothing to update, so nothing is notified.
        machine.tlb(cpu).invalidateAll();
        assertThat(system.hypervisor().read(CPU, VA + 8, 4)).singleElement().isInstanceOf(ValueRead.class);
    }

    @Test
    void aWriteWhoseDirtyUpdateHitsATracedTableIsNotifiedAndTheWriteLands() {
        os.writeEntry(leaf, os.readEntry(leaf) | GuestPageTableEntry.ACCESSED);
        traceTheLeafTable();
        machine.setNestedAccessedDirty(true);

        assertThat(system.hypervisor().write(CPU, VA, Bytes.ofInts(7)))
                .containsExactly(
                        new Notification(CPU, table, (int) (leaf & 0xfff), Long.BYTES),
                        new Completed(CPU, AccessKind.WRITE, VA, 1));
        assertThat(leafBits()).isEqualTo(GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY);
        assertThat(system.hypervisor().read(CPU, VA, 1)).containsExactly(new ValueRead(CPU, VA, Bytes.ofInts(7)));
    }

    @Test
    void withNestedAccessedDirtyOffTheUpdateIsAReadForTheNestedRightsAndNothingIsNotified() {
        traceTheLeafTable();

        assertThat(system.hypervisor().write(CPU, VA, Bytes.ofInts(7)))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA, 1));
        assertThat(leafBits()).isEqualTo(GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY);
    }

    @Test
    void anUpdateAListenerBlocksLeavesTheEntryAndFailsTheAccessWithTheViolation() {
        traceTheLeafTable();
        system.tracing().addCompletionListener((c, note) -> TracingService.Completion.BLOCK);
        machine.setNestedAccessedDirty(true);

        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(
                        new Notification(CPU, table, (int) (leaf & 0xfff), Long.BYTES),
                        new NptViolation(CPU, leaf, AccessKind.WRITE));
        assertThat(leafBits()).isZero();
    }

    @Test
    void anUntracedTableWithoutTheWriteRightIsNoServicesExitAndIsReported() {
        var npt = machine.defaultView();
        npt.setPermissions(table, npt.leaf(table).orElseThrow().permissions().withWrite(false));
        machine.shootDown(cpu.view());
        machine.setNestedAccessedDirty(true);

        assertThat(system.hypervisor().read(CPU, VA, 1)).containsExactly(new NptViolation(CPU, leaf, AccessKind.WRITE));
        assertThat(leafBits()).isZero();
    }
}
