package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.junit.jupiter.api.Test;

/**
 * A new trace takes the page's cached writable translation from every vCPU; the two shootdown
 * flaws leave it with vCPU 1 (the local-only invalidation still takes vCPU 0's).
 */
class TracingShootDownTest {
    private static final long VA = 0x40_0000;
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    private static final VCpu ZERO = new VCpu(0);
    private static final VCpu ONE = new VCpu(1);

    /** Both vCPUs have written P, so each caches a writable translation of it; then a trace of P. */
    private static TracingSystem tracedAfterBothWrote(TracingImplFlaw flaw) {
        TracingSystem system = new TracingSystem(MachineShape.of(2, 1024), flaw);
        for (VCpu cpu : new VCpu[] {ZERO, ONE}) {
            system.apply(new MapPage(cpu, VA, P, PagePermissions.KERNEL_DATA));
            system.apply(new GuestWrite(cpu, VA, Bytes.ofInts(1)));
            assertThat(cachesWritable(system, cpu)).isTrue();
        }
        system.apply(new AddTrace(new Owner("alice"), P));
        return system;
    }

    private static boolean cachesWritable(TracingSystem system, VCpu cpu) {
        var tlb = system.machine().tlb(system.machine().vcpu(cpu).orElseThrow());
        return tlb.writableGuestPhysicalPages(ViewId.DEFAULT).contains(P.number());
    }

    @Test
    void aTraceTakesTheWritableTranslationFromEveryVcpu() {
        TracingSystem system = tracedAfterBothWrote(TracingImplFlaw.NONE);
        assertThat(cachesWritable(system, ZERO)).isFalse();
        assertThat(cachesWritable(system, ONE)).isFalse();
    }

    @Test
    void theLocalInvalidationFlawLeavesItWithEveryVcpuButTheFirst() {
        TracingSystem system = tracedAfterBothWrote(TracingImplFlaw.INVALIDATE_LOCAL_VCPU_ONLY);
        assertThat(cachesWritable(system, ZERO)).isFalse();
        assertThat(cachesWritable(system, ONE)).isTrue();
    }

    @Test
    void theNoShootDownFlawLeavesItWithTheOtherVcpu() {
        TracingSystem system = tracedAfterBothWrote(TracingImplFlaw.NO_SHOOTDOWN_AFTER_TRACE);
        assertThat(cachesWritable(system, ONE)).isTrue();
    }
}
