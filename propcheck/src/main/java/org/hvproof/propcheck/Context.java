package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-try context handed to checks and actions: labels for statistics and coverage, notes for the
 * failure report, assumptions, and draws of further values inside an action.
 */
public final class Context {

    private final DataSource source;
    private final Set<String> labels = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();

    Context(DataSource source) {
        this.source = source;
    }

    /** Marks that this try exercised a situation; a label counts once per try in the statistics. */
    public void label(String label) {
        labels.add(label);
    }

    /** Adds a line shown in the failure report of the minimal case (ignored when the try passes). */
    public void note(String note) {
        notes.add(note);
    }

    /** Discards this try when {@code condition} is false: it neither passes nor fails. */
    public void assume(boolean condition) {
        if (!condition) {
            throw Invalid.DISCARD;
        }
    }

    /** Draws a further value from the try's choices (shrunk and replayed like every other choice). */
    public <T> T draw(Gen<T> gen) {
        return source.draw(gen);
    }

    Set<String> labels() {
        return Collections.unmodifiableSet(labels);
    }

    List<String> notes() {
        return Collections.unmodifiableList(notes);
    }
}
