package org.hvproof.specs;

import java.nio.file.Path;

/**
 * Progress callbacks for a caller that shows progress on long runs. Every method has an
 * empty default, so a listener implements only what it shows. Called on the running thread.
 */
public interface RunListener {

    /** Does nothing. */
    RunListener NONE = new RunListener() {};

    /** A spec was parsed and has {@code commands} commands (0 when it failed to parse). */
    default void specParsed(Path spec, int commands) {}

    /** Alloy warned about a spec (unused variables and the like); {@code message} is located. */
    default void warning(Path spec, String message) {}

    /** The solver starts on {@code command}. */
    default void commandStarted(SpecCommand command) {}

    /** Alloy reports translation or solving progress for {@code command}, in one line. */
    default void progress(SpecCommand command, String message) {}

    /** {@code command} finished, as expected or not. */
    default void commandFinished(CommandOutcome outcome) {}

    /** A listener whose callbacks never overlap, for a runner that solves on several threads. */
    static RunListener serialized(RunListener inner) {
        if (inner == NONE) {
            return NONE;
        }
        return new RunListener() {
            @Override
            public synchronized void specParsed(Path spec, int commands) {
                inner.specParsed(spec, commands);
            }

            @Override
            public synchronized void warning(Path spec, String message) {
                inner.warning(spec, message);
            }

            @Override
            public synchronized void commandStarted(SpecCommand command) {
                inner.commandStarted(command);
            }

            @Override
            public synchronized void progress(SpecCommand command, String message) {
                inner.progress(command, message);
            }

            @Override
            public synchronized void commandFinished(CommandOutcome outcome) {
                inner.commandFinished(outcome);
            }
        };
    }
}
