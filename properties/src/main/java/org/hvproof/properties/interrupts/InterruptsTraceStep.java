package org.hvproof.properties.interrupts;

import java.util.List;
import org.hvproof.model.interrupts.InterruptsAction;

/** One generated step of a trace: some model actions in a row, letting interrupts stop, or booting the two runs. */
public sealed interface InterruptsTraceStep {

    /** These actions, one after the other (several for a storm or a run of instructions). */
    record Actions(List<InterruptsAction> actions, String label) implements InterruptsTraceStep {
        public Actions {
            actions = List.copyOf(actions);
        }

        @Override
        public String toString() {
            return actions.size() == 1 ? actions.get(0).toString() : label + " " + actions;
        }
    }

    /** The guest runs (at most 16 instructions) until it is about to execute {@code target}. */
    record RunTo(long target) implements InterruptsTraceStep {
        @Override
        public String toString() {
            return "run to 0x" + Long.toHexString(target);
        }
    }

    /** Interrupts stop: every handler returns, then the guest runs until it leaves the sequence. */
    record Quiesce() implements InterruptsTraceStep {
        @Override
        public String toString() {
            return "interrupts stop: handlers return, the sequence runs to its end";
        }
    }

    /** Boot the two runs of a two-run trace with these secrets. */
    record Boot(long secretA, long secretB) implements InterruptsTraceStep {
        @Override
        public String toString() {
            return "boot two runs with secrets 0x" + Long.toHexString(secretA) + " and 0x" + Long.toHexString(secretB);
        }
    }
}
