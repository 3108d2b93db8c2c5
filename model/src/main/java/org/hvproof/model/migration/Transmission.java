package org.hvproof.model.migration;

import org.hvproof.model.common.Bytes;

/** What the device sent for one finished transmit request: the device-visible output of the VM's data. */
public record Transmission(long id, Bytes data) {
    @Override
    public String toString() {
        return "request " + id + " sent " + data;
    }
}
