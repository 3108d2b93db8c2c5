package org.hvproof.model.tracing;

/** The hypervisor runs the next micro-step of the trace request it started ({@link StartTrace}); none pending: nothing. */
public record ContinueTrace() implements TracingAction {
    @Override
    public String toString() {
        return "continueTrace";
    }
}
