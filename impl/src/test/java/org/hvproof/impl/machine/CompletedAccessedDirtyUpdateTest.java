package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.Test;

/**
 * A guest walk's accessed/dirty update that the table page's nested entry refuses and the
 * hypervisor completes in the processor's place leaves the nested bits the processor's own write
 * would have left (SDM 29.3.3.2): accessed and dirty in the nested leaf over the table page, the
 * one large entry where a large leaf maps it. No claim reads nested dirty bits yet (dirty logging
 * is write traces), so this pins what a dirty-bit reader would rely on.
 */
class CompletedAccessedDirtyUpdateTest {
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x0000_0040_0000_0000L;
    private static final long NESTED_AD = NestedPageTable.ACCESSED | NestedPageTable.DIRTY;

    private TracingSystem system;
    private Machine machine;
    private VirtualCpu cpu;
    private long leafEntry;
    private GuestPhysicalPage table;

    private void boot(boolean largePages) {
        system = new TracingSystem(MachineShape.of(1, 1024), TracingImplFlaw.NONE, largePages);
        machine = system.machine();
        cpu = machine.vcpu(CPU).orElseThrow();
        GuestOs os = system.guestOs();
        os.map(cpu.cr3(), VA, new GuestPhysicalPage(42), PagePermissions.ALL);
        leafEntry = os.entryAddress(cpu.cr3(), VA, 1).orElseThrow();
        table = GuestPhysicalPage.containing(leafEntry);
        // A first read backs every page the walk uses; then the guest leaf loses its accessed bit.
        system.hypervisor().read(CPU, VA, 1);
        os.writeEntry(leafEntry, os.readEntry(leafEntry) & ~(GuestPageTableEntry.ACCESSED | GuestPageTableEntry.DIRTY));
        machine.tlb(cpu).invalidateAll();
    }

    private long nestedLeafOverTable() {
        return machine.defaultView().rawLeaf(table).orElseThrow();
    }

    @Test
    void aTracedTablePagesCompletedAccessedUpdateMarksItsNestedLeafAccessedAndDirty() {
        boot(false);
        assertThat(system.tracing().addTrace(new Owner("log"), table)).isEmpty();
        machine.setNestedAccessedDirty(true);
        assertThat(nestedLeafOverTable() & NESTED_AD).isZero();

        List<?> seen = system.hypervisor().read(CPU, VA + 8, 1);

        assertThat(seen).last().isInstanceOf(ValueRead.class);
        assertThat(system.guestOs().readEntry(leafEntry) & GuestPageTableEntry.ACCESSED)
                .isNotZero();
        assertThat(nestedLeafOverTable() & NESTED_AD).isEqualTo(NESTED_AD);
        // Still read-only: the completion sets bits, it grants no right.
        assertThat(nestedLeafOverTable() & NestedPageTable.WRITE).isZero();
    }

    @Test
    void underALargeNestedLeafTheCompletionMarksTheLargeEntryAndKeepsItWhole() {
        boot(true);
        NestedPageTable npt = machine.defaultView();
        NestedPageTable.LargeLeaf large = npt.largeLeaf(table).orElseThrow();
        // The whole 2 MiB block read-only, so the walk's update of the table page inside it exits;
        // a handler completes A/D updates as a service emulating them would.
        machine.memory().writeLong(large.slot(), large.entry() & ~NestedPageTable.WRITE & ~NESTED_AD);
        machine.tlb(cpu).invalidateAll();
        system.hypervisor()
                .addExitHandler((c, exit, piece) -> exit.accessedDirtyUpdate()
                        ? new ExitDecision.Emulate(List.of(), true)
                        : new ExitDecision.Decline());
        machine.setNestedAccessedDirty(true);

        List<?> seen = system.hypervisor().read(CPU, VA + 8, 1);

        assertThat(seen).last().isInstanceOf(ValueRead.class);
        long after = machine.memory().readLong(large.slot());
        assertThat(npt.largeLeaf(table)).isPresent();
        assertThat(after & NESTED_AD).isEqualTo(NESTED_AD);
        assertThat(after & NestedPageTable.WRITE).isZero();
    }
}
