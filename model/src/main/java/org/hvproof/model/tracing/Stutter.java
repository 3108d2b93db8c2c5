package org.hvproof.model.tracing;

/** Nothing happens; lets traces end and matches the Alloy spec's {@code stutter}. */
public record Stutter() implements TracingAction {
    @Override
    public String toString() {
        return "stutter";
    }
}
