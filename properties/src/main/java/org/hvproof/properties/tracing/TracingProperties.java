package org.hvproof.properties.tracing;

import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.model.common.Observation;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingInvariants;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ClaimHarness;
import org.hvproof.properties.harness.MachineCheck;

/**
 * The TRACE claims over generated traces. Each property runs traces of the machine and the model
 * in lockstep through the {@link ClaimHarness}: after every action, the claim's invariants
 * ({@link TracingInvariants}) on the machine's step read through the abstraction function, then
 * refinement. Coverage minimums fail a property whose traces do not reach the situations its
 * claim speaks of.
 */
public final class TracingProperties {
    /** Default tries per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Actions per trace, at most. */
    public static final int STEPS = 40;

    /** The tracing mechanism plugged into the claim harness. */
    static final ClaimHarness<TracingImplFlaw, TracingTrace, TracingState, TracingAction, Observation> HARNESS =
            new ClaimHarness<>("tracing", TracingInvariants.ALL, TracingTrace::new, TracingActions::next, TRIES, STEPS);

    /** TRACE-5 on the translation caches, checked after every step ({@link TracingTrace#checkNoStaleWritableTranslation}). */
    static final MachineCheck<TracingTrace> NO_STALE_WRITABLE_TRANSLATION =
            MachineCheck.of("TRACE-5", "noStaleWritableTranslation", TracingTrace::checkNoStaleWritableTranslation);

    /** TRACE-4 on the IOMMU, checked after every step ({@link TracingTrace#checkNoDeviceWritableTracedPage}). */
    static final MachineCheck<TracingTrace> NO_DEVICE_WRITABLE_TRACED_PAGE =
            MachineCheck.of("TRACE-4", "noDeviceWritableTracedPage", TracingTrace::checkNoDeviceWritableTracedPage);

    /** Share of traces (percent) that must add a trace over a cached writable translation. */
    static final double COVER_STALE = 5;

    private TracingProperties() {}

    /** TRACE-1: every write to a traced page is notified exactly once, with vCPU, page, offset and length, then completed. */
    @Claim("TRACE-1")
    public static StatefulProperty<TracingTrace> everyTracedWriteNotifiesOnce(TracingImplFlaw flaw) {
        return HARNESS.claim("TRACE-1", "every write to a traced page is notified exactly once", flaw)
                .cover(30, TracingLabels.WRITE_TO_TRACED_PAGE)
                .cover(5, TracingLabels.CROSSING_WRITE_TO_TRACED_PAGE)
                .cover(5, TracingLabels.WRITE_TO_DOUBLY_OWNED_PAGE)
                .cover(5, TracingLabels.LONG_NOTIFIED_WRITE)
                .cover(3, TracingLabels.NOTIFIED_AT_RAM_EDGE)
                .cover(5, TracingLabels.TRACE_INSIDE_LARGE_NESTED_MAPPING)
                .cover(20, TracingLabels.INTERLEAVED_TRACE_PUBLISHED);
    }

    /** TRACE-2: a write to a page with no trace produces no notification. */
    @Claim("TRACE-2")
    public static StatefulProperty<TracingTrace> untracedWritesAreSilent(TracingImplFlaw flaw) {
        return HARNESS.claim("TRACE-2", "a write to an untraced page is not notified", flaw)
                .cover(40, TracingLabels.WRITE_TO_UNTRACED_PAGE)
                .cover(10, TracingLabels.SILENT_WRITE_AFTER_LAST_REMOVAL)
                .cover(10, TracingLabels.CROSSING_WRITE)
                .cover(5, TracingLabels.HIGH_BIT_ALIAS)
                .cover(5, TracingLabels.UPPER_HALF_WRITE)
                .cover(5, TracingLabels.NON_CANONICAL_OR_NO_VCPU)
                .cover(10, TracingLabels.WRITE_TO_PAGE_BEING_TRACED)
                .cover(2, TracingLabels.WRITE_TO_PAGE_BEING_UNTRACED);
    }

    /**
     * TRACE-3: a trace lasts until its last owner removes it; after that the next write is silent,
     * also when the removal runs in micro-steps with writes to the page between them.
     */
    @Claim("TRACE-3")
    public static StatefulProperty<TracingTrace> tracesLastUntilTheirLastOwnerRemovesThem(TracingImplFlaw flaw) {
        return HARNESS.claim("TRACE-3", "a trace lasts until its last owner removes it", flaw)
                .cover(15, TracingLabels.DOUBLY_OWNED_PAGE)
                .cover(5, TracingLabels.ONE_OF_TWO_OWNERS_REMOVED)
                .cover(2, TracingLabels.NOTIFIED_AFTER_ONE_OF_TWO_REMOVED)
                .cover(10, TracingLabels.SILENT_WRITE_AFTER_LAST_REMOVAL)
                .cover(5, TracingLabels.TRACE_BEYOND_RAM)
                .cover(2, TracingLabels.WRITE_TO_PAGE_BEING_UNTRACED)
                .cover(8, TracingLabels.INTERLEAVED_REMOVAL_DONE);
    }

    /**
     * TRACE-5: adding a trace takes effect on every vCPU. After every step no vCPU caches a
     * writable translation of a traced page (the machine check), and no completed write reaches a
     * traced page without its notification, whichever vCPU writes; with other vCPUs' accesses
     * between the micro-steps of a trace request, at every boundary between them.
     */
    @Claim("TRACE-5")
    public static StatefulProperty<TracingTrace> traceTakesEffectOnEveryVcpu(TracingImplFlaw flaw) {
        return HARNESS.claim("TRACE-5", "a trace takes effect on every vCPU", flaw, NO_STALE_WRITABLE_TRANSLATION)
                .cover(COVER_STALE, TracingLabels.TRACE_OVER_CACHED_WRITABLE_TRANSLATION)
                .cover(COVER_STALE, TracingLabels.TRACE_OVER_REMOTE_CACHED_WRITABLE_TRANSLATION)
                .cover(COVER_STALE, TracingLabels.WRITE_AFTER_TRACE_BY_CACHING_VCPU)
                .cover(20, TracingLabels.ACCESS_BY_ANOTHER_VCPU_BETWEEN_MICRO_STEPS)
                .cover(4, TracingLabels.WRITE_BETWEEN_CLEAR_AND_SHOOT_DOWN);
    }

    /**
     * TRACE-4: a device's DMA write to a traced page never lands unseen. After every step neither
     * the device's I/O page table nor its IOTLB lets it write a traced page (the machine check),
     * and no DMA write changes or goes through on a traced page without its notification.
     */
    @Claim("TRACE-4")
    public static StatefulProperty<TracingTrace> deviceWritesNeverLandUnseen(TracingImplFlaw flaw) {
        return HARNESS.claim(
                        "TRACE-4",
                        "a DMA write to a traced page is blocked and reported",
                        flaw,
                        NO_DEVICE_WRITABLE_TRACED_PAGE)
                .cover(20, TracingLabels.DMA_REFUSED_AT_TRACED_PAGE)
                .cover(2, TracingLabels.DMA_LANDED_THEN_REFUSED_AT_TRACED_PAGE)
                .cover(20, TracingLabels.DMA_LANDED)
                .cover(5, TracingLabels.DMA_REFUSED_ELSEWHERE)
                .cover(5, TracingLabels.TRACE_OVER_DEVICE_CACHED_WRITABLE_TRANSLATION);
    }
}
