package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.junit.jupiter.api.Test;

/** A trace inside a 1 GiB nested leaf: split to 2 MiB at the request, then to 4 KiB in the micro-steps. */
class TracingGiantPageTest {
    private static final long GIB_PAGES = 1L << 18;
    private static final Owner ALICE = new Owner("alice");

    @Test
    void aTraceInsideAGibibyteLeafSplitsItTwiceSoOnlyThatPageLosesWrite() {
        Machine machine = new Machine(MachineShape.of(1, GIB_PAGES + 512), 3 * GIB_PAGES);
        Hypervisor hypervisor = new Hypervisor(machine);
        assertThat(hypervisor.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(0), NestedPageTable.LEVEL_1G))
                .isTrue();
        NestedPageTable npt = machine.defaultView();
        GuestPhysicalPage traced = new GuestPhysicalPage(1000);
        assertThat(npt.leafSize(traced)).isEqualTo(1L << 30);
        TracingService tracing = new TracingService(hypervisor, TracingImplFlaw.NONE);

        assertThat(tracing.startTrace(ALICE, traced)).isEmpty();
        assertThat(npt.leafSize(traced)).as("split to 2 MiB at the request").isEqualTo(1L << 21);
        assertThat(npt.leafSize(new GuestPhysicalPage(GIB_PAGES - 1))).isEqualTo(1L << 21);
        while (tracing.pendingTrace().isPresent()) {
            tracing.continueTrace();
        }
        assertThat(npt.leafSize(traced)).isEqualTo(4096);
        assertThat(tracing.isTraced(traced)).isTrue();
        assertThat(tracing.isTraced(new GuestPhysicalPage(999))).isFalse();
        assertThat(tracing.isTraced(new GuestPhysicalPage(1001))).isFalse();
        assertThat(npt.leafSize(new GuestPhysicalPage(0))).isEqualTo(1L << 21);
    }
}
