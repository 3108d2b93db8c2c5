package org.hvproof.model.failover;

import java.util.List;
import org.hvproof.model.common.Bytes;

/**
 * One host: whether it is up (powered, on AC or battery), whether it runs the application, every
 * page of its volatile memory, and the receive queue of the application's virtual NIC on it (kept
 * while the application is suspended on battery; empty where the host has no application).
 */
public record FailoverHost(boolean up, boolean runsApp, List<Bytes> memory, List<KeyValueUpdate> queue) {
    public FailoverHost {
        memory = List.copyOf(memory);
        queue = List.copyOf(queue);
    }

    /** A host that is up, runs nothing and has {@code pages} zeroed pages of {@code pageBytes}. */
    public static FailoverHost idle(int pages, int pageBytes) {
        return new FailoverHost(true, false, zeros(pages, pageBytes), List.of());
    }

    /** The application's image on this host: its first {@code pages} pages and its queue. */
    public ApplicationImage image(int pages) {
        return new ApplicationImage(memory.subList(0, Math.min(pages, memory.size())), queue);
    }

    /** This host with its memory lost and nothing running (power gone, or a crash). */
    FailoverHost lost(boolean stillUp) {
        Bytes zero =
                memory.isEmpty() ? Bytes.zeros(0) : Bytes.zeros(memory.get(0).length());
        return new FailoverHost(stillUp, false, java.util.Collections.nCopies(memory.size(), zero), List.of());
    }

    static List<Bytes> zeros(int pages, int pageBytes) {
        return java.util.Collections.nCopies(pages, Bytes.zeros(pageBytes));
    }
}
