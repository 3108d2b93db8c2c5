package org.hvproof.properties.interrupts;

import java.util.OptionalLong;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.Context;

/** What the trace generator needs of a trace: its current model state, and a way to run a step. */
public interface InterruptsRun {
    /** Whether the machine(s) exist yet (a two-run trace boots in its first step). */
    boolean booted();

    /** The model state the next action is drawn from (run A's, for two runs). */
    InterruptsState state();

    /** Runs one generated step on the machine(s) and the model(s), labelling what happened. */
    void perform(InterruptsTraceStep step, Context ctx);

    /**
     * A value low code never writes: a single run's secret, because INT-2's and INT-5's state
     * invariants read any register or readable word equal to it as a leak. Two runs have none: a
     * guess equal to one of their secrets is what INT-1 must withstand.
     */
    default OptionalLong unguessable() {
        return OptionalLong.empty();
    }
}
