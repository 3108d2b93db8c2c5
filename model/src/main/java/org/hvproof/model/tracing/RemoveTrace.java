package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;

/** {@code owner} withdraws its trace of {@code page} (operation {@code removeTrace}). */
public record RemoveTrace(Owner owner, GuestPhysicalPage page) implements TracingAction {
    @Override
    public String toString() {
        return "removeTrace " + owner + " " + page;
    }
}
