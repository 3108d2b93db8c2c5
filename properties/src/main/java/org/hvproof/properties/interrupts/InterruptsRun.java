package org.hvproof.properties.interrupts;

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
}
