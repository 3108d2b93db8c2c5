package org.hvproof.properties.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.api.Test;

/**
 * The Java tracing model conforms to tracing.als, and the conformance property is not
 * vacuous: deliberately wrong model steps (written here, not in the model) give runs the spec
 * does not allow.
 */
class TracingSpecConformanceTest {

    @Test
    void modelTracesAreSpecTraces() {
        long start = System.nanoTime();
        PropertyResult r = TracingSpecConformance.modelTracesAreSpecTraces().assertHolds();
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf(
                "%d tries in %d ms, %d ms a try (generation, abstraction, one Alloy solve)%n",
                r.tries(), millis, millis / Math.max(1, r.tries()));
    }

    /** The handler raises every notification twice (the spec wants exactly one per traced page). */
    private static TracingStep notifiesTwice(TracingState s, TracingAction a) {
        TracingStep step = TracingModel.step(s, a);
        List<Observation> doubled = new java.util.ArrayList<>();
        for (Observation o : step.observations()) {
            doubled.add(o);
            if (o instanceof Notification) {
                doubled.add(o);
            }
        }
        return new TracingStep(step.next(), doubled);
    }

    /** A second owner's addTrace is accepted but not recorded: the first owner's removal ends the trace. */
    private static TracingStep forgetsSecondOwner(TracingState s, TracingAction a) {
        if (a instanceof AddTrace t
                && s.isTraced(t.page())
                && !s.ownersOf(t.page()).contains(t.owner())) {
            return new TracingStep(s, List.of());
        }
        return TracingModel.step(s, a);
    }

    /** A crossing write notifies both halves at the offset of the write's first byte in each page. */
    private static TracingStep offsetOfWholeWrite(TracingState s, TracingAction a) {
        TracingStep step = TracingModel.step(s, a);
        List<Observation> out = new java.util.ArrayList<>();
        int first = -1;
        for (Observation o : step.observations()) {
            if (o instanceof Notification n) {
                first = first < 0 ? n.offset() : first;
                out.add(new Notification(n.vcpu(), n.page(), first, n.length()));
            } else {
                out.add(o);
            }
        }
        return new TracingStep(step.next(), out);
    }

    private static PropertyResult runFlawed(
            java.util.function.BiFunction<TracingState, TracingAction, TracingStep> model, String name) {
        return TracingSpecConformance.modelTracesAreSpecTraces(model, name)
                .run(Settings.none().withSeed(20261125L).withQuiet(true).withShrinkBudget(40));
    }

    @Test
    void aModelThatNotifiesTwiceIsCaught() {
        PropertyResult r = runFlawed(TracingSpecConformanceTest::notifiesTwice, "notifies twice");
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("tracing.als allows no behaviour");
        assertThat(r.report()).contains("write", r.replayToken());
    }

    @Test
    void aModelThatForgetsTheSecondOwnerIsCaught() {
        PropertyResult r = runFlawed(TracingSpecConformanceTest::forgetsSecondOwner, "forgets second owner");
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("tracing.als allows no behaviour", "addTrace");
    }

    @Test
    void aModelThatMisplacesCrossingOffsetsIsCaught() {
        PropertyResult r = runFlawed(TracingSpecConformanceTest::offsetOfWholeWrite, "crossing offsets");
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("guestWriteCrossing");
    }

    @Test
    void machineTracesAreSpecTraces() {
        long start = System.nanoTime();
        PropertyResult r = TracingSpecConformance.machineTracesAreSpecTraces().assertHolds();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                "machine runs: %d tries in %d ms, %d ms a try (boot, run, one Alloy solve)%n",
                r.tries(), millis, millis / Math.max(1, r.tries()));
    }

    /** Each TRACE-4/5 flaw of the service gives machine runs the spec does not allow. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(
            value = TracingImplFlaw.class,
            names = {
                "NO_SHOOTDOWN_AFTER_TRACE",
                "INVALIDATE_LOCAL_VCPU_ONLY",
                "NO_IOMMU_UPDATE_ON_TRACE",
                "NO_IOTLB_INVALIDATION_ON_TRACE"
            })
    void eachCacheOrDeviceFlawIsCaughtOnSampledMachineRuns(TracingImplFlaw flaw) {
        PropertyResult r = TracingSpecConformance.machineTracesAreSpecTraces(flaw)
                .run(Settings.none().withSeed(20261204L).withQuiet(true).withShrinkBudget(40));
        System.out.println(r.report());

        r.assertFailed();
        assertThat(r.failureMessage()).contains("tracing.als allows no behaviour", "addTrace");
    }

    private static final List<TracingAction> STALE_WRITE = List.of(
            new GuestWrite(new VCpu(1), TracingSpecConformance.VIRTUAL_BASE + 8, Bytes.ofInts(new int[] {1})),
            new AddTrace(TracingTrace.OWNERS.get(0), TracingSpecConformance.PAGES.get(0)),
            new GuestWrite(new VCpu(1), TracingSpecConformance.VIRTUAL_BASE + 8, Bytes.ofInts(new int[] {2})));

    private static final List<TracingAction> DMA_ON_TRACED_PAGE = List.of(
            new DeviceWrite(
                    TracingModel.DEVICE,
                    TracingSpecConformance.PAGES.get(0).number() * 4096 + 8,
                    Bytes.ofInts(new int[] {1})),
            new AddTrace(TracingTrace.OWNERS.get(0), TracingSpecConformance.PAGES.get(0)),
            new DeviceWrite(
                    TracingModel.DEVICE,
                    TracingSpecConformance.PAGES.get(0).number() * 4096 + 8,
                    Bytes.ofInts(new int[] {2})));

    private static String rejection(TracingImplFlaw flaw, List<TracingAction> actions) {
        TracingSpecMachineRun run = TracingSpecMachineRun.of(flaw, TracingSpecConformance.setUpActions(), actions);
        try {
            TracingSpecConformance.validateMachineRun(run);
            return null;
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    /**
     * A write through a cached translation that outlived the trace (no shoot-down): the correct
     * service's run is accepted with a notified walked write, the flawed one is rejected at the state
     * after the trace, where vCPU 1 still caches the traced page writable.
     */
    @Test
    void aWriteThroughAStaleCachedTranslationIsRejectedAtTheTrace() {
        assertThat(rejection(TracingImplFlaw.NONE, STALE_WRITE)).isNull();

        String message = rejection(TracingImplFlaw.NO_SHOOTDOWN_AFTER_TRACE, STALE_WRITE);

        assertThat(message)
                .contains("states 0..1 are possible, state 2 is not (after action 2, addTrace")
                .contains("state 2: ", "Tlb.cachedWritable = vcpu1 -> gpp16")
                .contains("step 2: cachedWrite[vcpu1, gpp16]");
    }

    /**
     * A DMA write landing on a traced page (the device's table kept the write right): accepted as a
     * refusal from the correct service, rejected at the trace from the flawed one, whose state
     * leaves the device writing the traced page.
     */
    @Test
    void aDmaWriteLandingOnATracedPageIsRejectedAtTheTrace() {
        assertThat(rejection(TracingImplFlaw.NONE, DMA_ON_TRACED_PAGE)).isNull();

        String message = rejection(TracingImplFlaw.NO_IOMMU_UPDATE_ON_TRACE, DMA_ON_TRACED_PAGE);

        assertThat(message)
                .contains("states 0..1 are possible, state 2 is not (after action 2, addTrace")
                .contains("state 2: ", "Iommu.deviceWritable = Page and")
                .contains("step 2: dmaWrite[gpp16]", "state 3: ", "Iommu.dmaLanded = gpp16");
    }
}
