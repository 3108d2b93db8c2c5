package org.hvproof.impl.machine;

import java.util.Optional;

/**
 * What a DMA transfer did. A transfer is split at 4 KiB bus-page boundaries, each piece
 * translated on its own, as a device's requests are; the pieces before a refused one have landed
 * (a write) or been read, and the transfer stops at the refusal.
 *
 * @param completed the bytes transferred before any refusal (the whole length when none)
 * @param data      for a read, the bytes read (length {@code completed}); empty for a write
 * @param fault     the refusal that stopped the transfer, if one did
 */
public record DmaResult(int completed, byte[] data, Optional<DmaFault> fault) {
    public DmaResult {
        data = data.clone();
    }

    /** True when every byte was transferred. */
    public boolean whole() {
        return fault.isEmpty();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
