package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.NestedEntry;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.Mapping;
import org.hvproof.model.tracing.RemoveTrace;
import org.junit.jupiter.api.Test;

/** Tracing a 4 KiB page that a 2 MiB nested leaf maps: the leaf is split so only that page loses write. */
class TracingLargePageTest {
    private static final VCpu CPU = new VCpu(1);
    private static final Owner ALICE = new Owner("alice");
    private static final long VA = 0x4000_0000L;
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    private static final GuestPhysicalPage NEIGHBOUR = new GuestPhysicalPage(11);

    private static TracingSystem boot(TracingImplFlaw flaw) {
        TracingSystem system = new TracingSystem(MachineShape.of(2, 1024), flaw, true);
        system.apply(new MapPage(CPU, VA, P, PagePermissions.KERNEL_DATA));
        system.apply(new MapPage(CPU, VA + 4096, NEIGHBOUR, PagePermissions.KERNEL_DATA));
        return system;
    }

    @Test
    void guestRamBootsMappedByTwoMebibyteNestedLeaves() {
        NestedPageTable npt = boot(TracingImplFlaw.NONE).machine().defaultView();
        assertThat(npt.leafSize(P)).isEqualTo(2L << 20);
        assertThat(npt.leafSize(new GuestPhysicalPage(1023))).isEqualTo(2L << 20);
        assertThat(npt.leafSize(new GuestPhysicalPage(1024))).isZero();
    }

    @Test
    void aTraceInsideALargeNestedMappingSplitsItSoOnlyThatPageLosesWrite() {
        TracingSystem system = boot(TracingImplFlaw.NONE);
        NestedPageTable npt = system.machine().defaultView();
        NestedEntry neighbourBefore = npt.leaf(NEIGHBOUR).orElseThrow();
        long frameBefore = npt.leaf(P).orElseThrow().hostFrame();
        system.apply(new AddTrace(ALICE, P));
        assertThat(npt.leafSize(P)).isEqualTo(4096);
        assertThat(npt.leaf(P).orElseThrow().hostFrame()).isEqualTo(frameBefore);
        assertThat(npt.leaf(P).orElseThrow().permissions().write()).isFalse();
        assertThat(npt.leaf(NEIGHBOUR)).contains(neighbourBefore);
        assertThat(system.apply(new GuestWrite(CPU, VA + 4, Bytes.ofInts(1))))
                .containsExactly(new Notification(CPU, P, 4, 1), new Completed(CPU, AccessKind.WRITE, VA + 4, 1));
        assertThat(system.apply(new GuestWrite(CPU, VA + 4096, Bytes.ofInts(1))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA + 4096, 1));
        system.apply(new RemoveTrace(ALICE, P));
        assertThat(npt.leaf(P).orElseThrow().permissions().write()).isTrue();
    }

    @Test
    void splittingDropsTheVcpusCachedLargeTranslations() {
        TracingSystem system = boot(TracingImplFlaw.NONE);
        var cpu = system.machine().vcpu(CPU).orElseThrow();
        system.apply(new GuestWrite(CPU, VA + 4096, Bytes.ofInts(1)));
        assertThat(system.machine().tlb(cpu).writableGuestPhysicalPages(ViewId.DEFAULT))
                .contains(NEIGHBOUR.number());
        assertThat(system.hypervisor().splitLargeMapping(ViewId.DEFAULT, P)).isTrue();
        assertThat(system.machine().tlb(cpu).size()).isZero();
        assertThat(system.machine().defaultView().leafSize(NEIGHBOUR)).isEqualTo(4096);
    }

    @Test
    void theAbstractionSeesALargeGuestLeafAsItsFourKibibytePages() {
        TracingSystem system = boot(TracingImplFlaw.NONE);
        var cpu = system.machine().vcpu(CPU).orElseThrow();
        long at = system.guestOs().entryAddress(cpu.cr3(), VA, 2).orElseThrow();
        system.guestOs()
                .writeEntry(
                        at, GuestPageTableEntry.largeLeaf(new GuestPhysicalPage(512), 2, PagePermissions.KERNEL_DATA));
        var mappings = system.abstractState().mappings().get(CPU);
        assertThat(mappings.get(new GuestVirtualPage(VA + 0x5000)))
                .isEqualTo(new Mapping(new GuestPhysicalPage(517), PagePermissions.KERNEL_DATA));
        assertThat(mappings.keySet().stream().filter(v -> v.base() >= VA && v.base() < VA + (2L << 20)))
                .hasSize(512);
    }

    @Test
    void traceWithoutSplitLetsAWriteToTheTracedPageLandUnseen() {
        TracingSystem system = boot(TracingImplFlaw.TRACE_WITHOUT_SPLIT);
        system.apply(new AddTrace(ALICE, P));
        assertThat(system.machine().defaultView().leafSize(P)).isEqualTo(2L << 20);
        assertThat(system.apply(new GuestWrite(CPU, VA + 4, Bytes.ofInts(1))))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA + 4, 1));
    }
}
