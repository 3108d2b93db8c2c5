package org.hvproof.propcheck;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One step of a state-machine trace: applied to the system under test (and its model), described in
 * one readable line for the failure report.
 *
 * @param <S> the system under test (typically implementation plus reference model)
 */
public interface Action<S> {

    /** One readable line, e.g. "guest 2 writes page 0x3000"; shown numbered in a shrunk trace. */
    String describe();

    /** Applies the action; an exception or {@code AssertionError} fails the trace at this step. */
    void apply(S system, Context ctx) throws Exception;

    /** Body of an action that does not need the context. */
    @FunctionalInterface
    interface Body<S> {
        /** Applies the action to the system. */
        void apply(S system) throws Exception;
    }

    /** Body of an action that uses the context (labels, notes, further draws). */
    @FunctionalInterface
    interface ContextBody<S> {
        /** Applies the action to the system. */
        void apply(S system, Context ctx) throws Exception;
    }

    /** An action from a description and a body that uses the context. */
    static <S> Action<S> of(String description, ContextBody<S> body) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(body, "body");
        return new Action<>() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public void apply(S system, Context ctx) throws Exception {
                body.apply(system, ctx);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /**
     * An action whose description is built when first asked for (a report, a shrunk trace), then
     * kept: most generated steps pass and are never described.
     */
    static <S> Action<S> of(Supplier<String> description, ContextBody<S> body) {
        LazyText text = new LazyText(description);
        Objects.requireNonNull(body, "body");
        return new Action<>() {
            @Override
            public String describe() {
                return text.get();
            }

            @Override
            public void apply(S system, Context ctx) throws Exception {
                body.apply(system, ctx);
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /** An action from a description and a body. */
    static <S> Action<S> of(String description, Body<S> body) {
        Objects.requireNonNull(body, "body");
        return of(description, (ContextBody<S>) (system, ctx) -> body.apply(system));
    }
}
