package org.hvproof.model.failover;

/** The link between the hosts: bandwidth (bytes per microsecond), one-way latency (microseconds), up or dropped. */
public record FailoverLink(long bandwidth, long latency, boolean up) {
    @Override
    public String toString() {
        return bandwidth + " B/us, latency " + latency + " us, " + (up ? "up" : "down");
    }
}
