package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;

/**
 * A trace request the hypervisor has started ({@link StartTrace}) and not finished: {@code
 * microStepsLeft} more {@link ContinueTrace} steps carry it out, and the last one publishes the
 * trace (from then on it counts, exactly as after {@link AddTrace}). Until then the page is not
 * traced: a write that reaches it meanwhile is ordered before the trace.
 */
public record PendingTrace(Owner owner, GuestPhysicalPage page, int microStepsLeft) {
    @Override
    public String toString() {
        return "adding " + owner + " " + page + " (" + microStepsLeft + " micro-steps left)";
    }
}
