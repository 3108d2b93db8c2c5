package org.hvproof.model.failover;

import java.util.List;
import org.hvproof.model.common.Bytes;

/** The application's state: its memory pages and its virtual NIC's receive queue. */
public record ApplicationImage(List<Bytes> pages, List<KeyValueUpdate> queue) {
    public ApplicationImage {
        pages = List.copyOf(pages);
        queue = List.copyOf(queue);
    }
}
