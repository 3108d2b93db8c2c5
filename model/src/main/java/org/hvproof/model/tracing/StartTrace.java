package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;

/**
 * {@code owner} asks to trace {@code page}, and the hypervisor (on vCPU 0) runs only the request's
 * first micro-step: its checks and bookkeeping. The rest follows one {@link ContinueTrace} at a
 * time, with other vCPUs' actions between them; the trace counts once the last one has run.
 */
public record StartTrace(Owner owner, GuestPhysicalPage page) implements TracingAction {
    @Override
    public String toString() {
        return "startTrace " + owner + " " + page;
    }
}
