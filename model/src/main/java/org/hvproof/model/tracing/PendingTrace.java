package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;

/**
 * A trace request the hypervisor has started and not finished: {@code microStepsLeft} more {@link
 * ContinueTrace} steps carry it out. Adding ({@link StartTrace}): the last one publishes the trace
 * (from then on it counts, exactly as after {@link AddTrace}); until then the page is not traced
 * for it, and a write that reaches it meanwhile is ordered before the trace. Removing ({@link
 * StartRemoveTrace}, {@code removing}): the owner left the page's owners at the start, exactly as
 * after {@link RemoveTrace}; the micro-steps give the write right back, to devices at the first.
 */
public record PendingTrace(Owner owner, GuestPhysicalPage page, int microStepsLeft, boolean removing) {
    /** A pending request adding a trace. */
    public PendingTrace(Owner owner, GuestPhysicalPage page, int microStepsLeft) {
        this(owner, page, microStepsLeft, false);
    }

    /** This request with one micro-step fewer to go. */
    public PendingTrace next() {
        return new PendingTrace(owner, page, microStepsLeft - 1, removing);
    }

    @Override
    public String toString() {
        return (removing ? "removing " : "adding ") + owner + " " + page + " (" + microStepsLeft + " micro-steps left)";
    }
}
