package org.hvproof.impl.machine;

import java.util.List;
import org.hvproof.model.common.Observation;

/**
 * What a handler decides about one nested exit. Decisions are pure: nothing a handler wants
 * seen happens until every page of the access has been translated, so a crossing access that
 * faults on its second page notifies no one and writes nothing.
 */
public sealed interface ExitDecision {
    /** Not this handler's exit; ask the next. */
    record Decline() implements ExitDecision {}

    /** The handler fixed the cause (e.g. backed the page); translate again. */
    record Retry() implements ExitDecision {}

    /**
     * The hypervisor completes this part itself: {@code before} is seen first, then the access is
     * carried out if {@code complete}. Only a deliberately flawed service passes false, or one
     * whose listener vetoes the write. For a walk's accessed/dirty update ({@link
     * NestedExit#accessedDirtyUpdate()}) the part is that update: the hypervisor makes it at once
     * and retries the walk, and {@code before} is seen whatever the access then does, since the
     * update has happened; refused, the access fails with the violation.
     */
    record Emulate(List<Observation> before, boolean complete) implements ExitDecision {
        /** Copies the observations. */
        public Emulate {
            before = List.copyOf(before);
        }
    }

    /** The access fails with {@code fault}, seen by the observer. */
    record Reflect(Observation fault) implements ExitDecision {}
}
