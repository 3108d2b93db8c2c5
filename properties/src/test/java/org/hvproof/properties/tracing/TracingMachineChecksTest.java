package org.hvproof.properties.tracing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TRACE-3's machine-level check of a shared tracing service, {@code tracedPagesWriteProtected},
 * fails where an owner's trace leaves the page writable: no carried tracing flaw reaches that on
 * the composed machine (its views are mapped with 4 KiB nested leaves and no page has two owners
 * there), so the check is shown to fail on the tracing machine, whose RAM boots on 2 MiB leaves.
 */
class TracingMachineChecksTest {
    private static final Owner OWNER = new Owner("integrity");
    private static final GuestPhysicalPage PAGE = new GuestPhysicalPage(5);

    @Test
    @DisplayName("TRACE-3 tracedPagesWriteProtected holds for a trace the correct service splits out of a large leaf")
    void correctTraceInsideALargeLeafIsWriteProtected() {
        TracingSystem system = new TracingSystem(TracingTrace.SHAPE, TracingImplFlaw.NONE, true);
        TracingMachineChecks checks = new TracingMachineChecks(system.tracing());
        system.tracing().addTrace(OWNER, PAGE);
        checks.afterAction();
        assertThatCode(() -> checks.checkTracedPagesWriteProtected("TRACE-3")).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("TRACE-3 tracedPagesWriteProtected fails for a trace left inside a writable large leaf")
    void traceWithoutSplitLeavesThePageWritable() {
        TracingSystem system = new TracingSystem(TracingTrace.SHAPE, TracingImplFlaw.TRACE_WITHOUT_SPLIT, true);
        TracingMachineChecks checks = new TracingMachineChecks(system.tracing());
        system.tracing().addTrace(OWNER, PAGE);
        checks.afterAction();
        assertThatThrownBy(() -> checks.checkTracedPagesWriteProtected("TRACE-3"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(
                        "TRACE-3 tracedPagesWriteProtected violated: gpp 0x5 is traced in view default");
    }
}
