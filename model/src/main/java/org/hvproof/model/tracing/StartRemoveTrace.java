package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;

/**
 * {@code owner} withdraws its trace of {@code page}, and the hypervisor (on vCPU 0) runs only the
 * request's first micro-step: its checks and the owner's removal from the record. Giving the write
 * right back follows one {@link ContinueTrace} at a time, with other vCPUs' actions between them.
 */
public record StartRemoveTrace(Owner owner, GuestPhysicalPage page) implements TracingAction {
    @Override
    public String toString() {
        return "startRemoveTrace " + owner + " " + page;
    }
}
