package org.hvproof.propcheck;

/** A recorded structural unit: choices {@code [start, end)}, its label, and its enclosing span (-1: none). */
record Span(int start, int end, String label, int parent) {
    int length() {
        return end - start;
    }
}
