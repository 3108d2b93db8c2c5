package org.hvproof.propcheck;

/**
 * A span of choices: [start, end) in the choice sequence, under a parent span (-1 for none), with
 * a label naming what drew it (a generator's description, or a structural label such as a list
 * element). The label of a generator's span is its description, asked for only when a shrink pass
 * or a report reads it: most executions pass and are never shrunk, so their labels are never built.
 */
final class Span {
    private final int start;
    private final int end;
    private final int parent;
    private Object label;

    /** @param label a {@code String}, or the {@link Gen} whose description is the label */
    Span(int start, int end, Object label, int parent) {
        this.start = start;
        this.end = end;
        this.label = label;
        this.parent = parent;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    int parent() {
        return parent;
    }

    int length() {
        return end - start;
    }

    String label() {
        if (label instanceof Gen<?> gen) {
            label = gen.describe();
        }
        return (String) label;
    }

    @Override
    public String toString() {
        return "Span[" + start + ", " + end + ") " + label() + " parent " + parent;
    }
}
