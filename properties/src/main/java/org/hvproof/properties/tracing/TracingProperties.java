package org.hvproof.properties.tracing;

import java.util.List;
import org.hvproof.impl.tracing.TracingFlaw;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.tracing.TracingInvariants;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingTransition;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;

/**
 * The TRACE claims over generated traces. Each property runs traces of the machine and the
 * model in lockstep and checks, after every action, the claim's own invariants on the machine's
 * step (read through the abstraction function), then refinement (same observations, abstraction
 * equal to the model state). Coverage minimums fail a property whose traces do not reach the
 * situations its claim speaks of.
 */
public final class TracingProperties {
    /** Default tries per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Actions per trace, at most. */
    public static final int STEPS = 40;

    private TracingProperties() {}

    /** TRACE-1: every write to a traced page is notified exactly once, with vCPU, page, offset and length, then completed. */
    @Claim("TRACE-1")
    public static StatefulProperty<TracingTrace> everyTracedWriteNotifiesOnce() {
        return everyTracedWriteNotifiesOnce(TracingFlaw.NONE);
    }

    /** TRACE-1 against a given tracing service, so tests can show a flawed one is caught. */
    public static StatefulProperty<TracingTrace> everyTracedWriteNotifiesOnce(TracingFlaw flaw) {
        return base("TRACE-1 every write to a traced page is notified exactly once", flaw, "TRACE-1")
                .cover(30, TracingTrace.Labels.WRITE_TO_TRACED_PAGE)
                .cover(5, TracingTrace.Labels.CROSSING_WRITE_TO_TRACED_PAGE)
                .cover(5, TracingTrace.Labels.WRITE_TO_DOUBLY_OWNED_PAGE);
    }

    /** TRACE-2: a write to a page with no trace produces no notification. */
    @Claim("TRACE-2")
    public static StatefulProperty<TracingTrace> untracedWritesAreSilent() {
        return untracedWritesAreSilent(TracingFlaw.NONE);
    }

    /** TRACE-2 against a given tracing service. */
    public static StatefulProperty<TracingTrace> untracedWritesAreSilent(TracingFlaw flaw) {
        return base("TRACE-2 a write to an untraced page is not notified", flaw, "TRACE-2")
                .cover(40, TracingTrace.Labels.WRITE_TO_UNTRACED_PAGE)
                .cover(10, TracingTrace.Labels.SILENT_WRITE_AFTER_LAST_REMOVAL)
                .cover(10, TracingTrace.Labels.CROSSING_WRITE);
    }

    /** TRACE-3: a trace lasts until its last owner removes it; after that the next write is silent. */
    @Claim("TRACE-3")
    public static StatefulProperty<TracingTrace> tracesLastUntilTheirLastOwnerRemovesThem() {
        return tracesLastUntilTheirLastOwnerRemovesThem(TracingFlaw.NONE);
    }

    /** TRACE-3 against a given tracing service. */
    public static StatefulProperty<TracingTrace> tracesLastUntilTheirLastOwnerRemovesThem(TracingFlaw flaw) {
        return base("TRACE-3 a trace lasts until its last owner removes it", flaw, "TRACE-3")
                .cover(15, TracingTrace.Labels.DOUBLY_OWNED_PAGE)
                .cover(5, TracingTrace.Labels.ONE_OF_TWO_OWNERS_REMOVED)
                .cover(2, TracingTrace.Labels.NOTIFIED_AFTER_ONE_OF_TWO_REMOVED)
                .cover(10, TracingTrace.Labels.SILENT_WRITE_AFTER_LAST_REMOVAL);
    }

    /**
     * The common trace: the machine with {@code flaw} and the model in lockstep; refinement and
     * the invariants tied to {@code claim} (and the model's own well-formedness) after every step.
     */
    private static StatefulProperty<TracingTrace> base(String name, TracingFlaw flaw, String claim) {
        String suffix = flaw == TracingFlaw.NONE ? "" : " [flaw " + flaw + "]";
        StatefulProperty<TracingTrace> p = StatefulProperty.<TracingTrace>named(name + suffix)
                .initial(() -> new TracingTrace(flaw))
                .actions(TracingActions::next)
                .steps(STEPS)
                .tries(TRIES)
                .describeState(TracingTrace::describe);
        for (Invariant<TracingTransition> inv : stepInvariants(claim)) {
            p = p.assertion(inv.label(), t -> {
                TracingTransition last = t.lastTransition();
                if (last != null) {
                    inv.assertHolds(last);
                }
            });
        }
        for (Invariant<TracingState> inv : stateInvariants(claim)) {
            p = p.assertion(inv.label(), t -> inv.assertHolds(t.machineState()));
        }
        // Last, so that a failure names the claim's own invariant whenever that invariant sees it.
        return p.assertion("refinement: machine and model agree", TracingTrace::checkRefinement);
    }

    private static List<Invariant<TracingTransition>> stepInvariants(String claim) {
        return TracingInvariants.STEP.stream()
                .filter(i -> i.claim().equals(claim))
                .toList();
    }

    private static List<Invariant<TracingState>> stateInvariants(String claim) {
        return TracingInvariants.STATE.stream()
                .filter(i -> i.claim().equals(claim) || i.claim().equals("model"))
                .toList();
    }
}
