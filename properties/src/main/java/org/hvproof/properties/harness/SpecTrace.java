package org.hvproof.properties.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hvproof.specs.TraceValidator;

/**
 * A model run written in an Alloy spec's vocabulary: the {@link TraceValidator.Trace} (one formula
 * per spec state, one operation per spec step) and, for each spec state, the model action that
 * led to it. One model action may become several spec steps (a range request is one step per
 * page in a spec that names pages), so failure reports map a rejected spec state back to the
 * model action that produced it.
 *
 * @param trace    what the validator checks
 * @param actionOf per spec state, the 1-based index of the model action it follows (0: the initial state)
 */
public record SpecTrace(TraceValidator.Trace trace, List<Integer> actionOf) {

    public SpecTrace {
        actionOf = List.copyOf(actionOf);
        if (actionOf.size() != trace.states().size()) {
            throw new IllegalArgumentException(
                    trace.states().size() + " spec states but " + actionOf.size() + " action indices");
        }
    }

    /**
     * Adds to {@code decls} the declaration of {@code atoms} as atoms of {@code sig}
     * ({@code disj gp3, gp4: Page}, or {@code gp3: Page} for one); nothing when there are none.
     */
    public static void declare(List<String> decls, java.util.Collection<String> atoms, String sig) {
        if (!atoms.isEmpty()) {
            decls.add((atoms.size() > 1 ? "disj " : "") + String.join(", ", atoms) + ": " + sig);
        }
    }

    /** Collects states and steps in order; the atoms and scopes are known only at the end. */
    public static final class Builder {
        private final List<String> states = new ArrayList<>();
        private final List<String> steps = new ArrayList<>();
        private final List<Integer> actionOf = new ArrayList<>();

        /** Starts with the spec's initial state. */
        public Builder(String initialState) {
            states.add(initialState);
            actionOf.add(0);
        }

        /** One spec step: {@code operation} evaluated in the last state, leading to {@code after}. */
        public Builder step(String operation, String after, int action) {
            steps.add(operation);
            states.add(after);
            actionOf.add(action);
            return this;
        }

        /** Spec states so far. */
        public int size() {
            return states.size();
        }

        /** The finished trace, its atoms declared as {@code atoms} and scopes raised as {@code scopes}. */
        public SpecTrace build(String atoms, Map<String, Integer> scopes) {
            return new SpecTrace(new TraceValidator.Trace(atoms, states, steps, scopes), actionOf);
        }
    }
}
