package org.hvproof.propcheck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one step changed in a described state, line by line: the lines of the state before that the
 * state after no longer has ({@code - line}), then the lines the state after gained ({@code + line}).
 * A state description is one fact per line ({@code traces {gpp:0x0=[integrity]}}), so a changed fact
 * reads as its old line and its new one, and an unchanged fact does not show. A line starting with
 * {@link #EVENT} says what the step was seen to do rather than what holds: it is the step's own, kept
 * whole whether or not the step before saw the same, and never shown as removed.
 *
 * @param events  the event lines of the state after ({@code observed ...})
 * @param removed the lines only the state before has, in its order
 * @param added   the lines only the state after has, in its order
 */
public record StateDiff(List<String> events, List<String> removed, List<String> added) {

    /** How a state description marks a line that tells what the step was seen to do. */
    public static final String EVENT = "observed ";

    public StateDiff {
        events = List.copyOf(events);
        removed = List.copyOf(removed);
        added = List.copyOf(added);
    }

    /** The change from {@code before} to {@code after} (null reads as an empty description). */
    public static StateDiff between(String before, String after) {
        List<String> was = factLines(before);
        List<String> now = factLines(after);
        List<String> events = now.stream().filter(l -> l.startsWith(EVENT)).toList();
        was.removeIf(l -> l.startsWith(EVENT));
        now.removeIf(l -> l.startsWith(EVENT));
        Set<String> wasSet = new LinkedHashSet<>(was);
        Set<String> nowSet = new LinkedHashSet<>(now);
        List<String> removed = new ArrayList<>();
        for (String l : was) {
            if (!nowSet.contains(l)) {
                removed.add(l);
            }
        }
        List<String> added = new ArrayList<>();
        for (String l : now) {
            if (!wasSet.contains(l)) {
                added.add(l);
            }
        }
        return new StateDiff(events, removed, added);
    }

    /** True when the step changed nothing the description shows. */
    public boolean isEmpty() {
        return removed.isEmpty() && added.isEmpty();
    }

    /**
     * The step's event lines as they are, then {@code - line} for each removed line and {@code + line} for
     * each added one; {@code (no change)} when the state did not change.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>(events);
        if (isEmpty()) {
            out.add("(no change)");
            return out;
        }
        removed.forEach(l -> out.add("- " + l));
        added.forEach(l -> out.add("+ " + l));
        return out;
    }

    private static List<String> factLines(String description) {
        List<String> out = new ArrayList<>();
        if (description == null) {
            return out;
        }
        for (String l : description.split("\n")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }
}
