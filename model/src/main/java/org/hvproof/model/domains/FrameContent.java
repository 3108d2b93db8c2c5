package org.hvproof.model.domains;

import java.util.Map;
import java.util.Set;
import org.hvproof.model.common.Notation;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/**
 * A frame's content, read as a page table (entries) and as data (value); {@code large} holds the
 * slots whose entry has the page-size bit (PS) set: read at level 2 such an entry is a 2 MiB leaf,
 * at level 3 a 1 GiB leaf, at level 4 a reserved bit (the walk faults).
 */
public record FrameContent(Map<VirtualPage, GuestPage> entries, long value, Set<VirtualPage> large) {
    public FrameContent {
        entries = Map.copyOf(entries);
        large = Set.copyOf(large);
    }

    /** A content with no page-size bit set. */
    public FrameContent(Map<VirtualPage, GuestPage> entries, long value) {
        this(entries, value, Set.of());
    }

    public static final FrameContent EMPTY = new FrameContent(Map.of(), 0);

    /** Entries by slot, in slot order, the page-size slots and the data word, in the domain's notation. */
    @Override
    public String toString() {
        String table = entries.entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator.comparingLong(VirtualPage::n)))
                .map(e -> e.getKey() + " -> " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
        String ps = large.isEmpty()
                ? ""
                : ", PS at "
                        + large.stream()
                                .map(VirtualPage::n)
                                .sorted()
                                .map(Notation::hex)
                                .toList();
        return "entries " + table + ps + ", value " + Notation.hex(value);
    }
}
