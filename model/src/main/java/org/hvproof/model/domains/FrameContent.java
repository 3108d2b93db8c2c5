package org.hvproof.model.domains;

import java.util.Map;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/** A frame's content, read as a page table (entries) and as data (value). */
public record FrameContent(Map<VirtualPage, GuestPage> entries, long value) {
    public FrameContent {
        entries = Map.copyOf(entries);
    }

    public static final FrameContent EMPTY = new FrameContent(Map.of(), 0);
}
