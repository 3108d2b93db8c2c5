package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;

/** {@code owner} asks to be notified of writes to {@code page} (operation {@code addTrace}). */
public record AddTrace(Owner owner, GuestPhysicalPage page) implements TracingAction {
    @Override
    public String toString() {
        return "addTrace " + owner + " " + page;
    }
}
