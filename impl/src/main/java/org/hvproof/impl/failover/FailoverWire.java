package org.hvproof.impl.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The link between the hosts: a bandwidth in bytes per microsecond, a one-way latency, up or
 * dropped, and the frames on it in the order they were sent. A frame lands {@code latency} after
 * its last byte is serialised; dropping the link loses every frame on it.
 */
final class FailoverWire {
    private long bandwidth;
    private final long latency;
    private boolean up = true;
    private final List<WireFrame> frames = new ArrayList<>();

    FailoverWire(long bandwidth, long latency) {
        this.bandwidth = bandwidth;
        this.latency = latency;
    }

    long bandwidth() {
        return bandwidth;
    }

    long latency() {
        return latency;
    }

    boolean up() {
        return up;
    }

    void setBandwidth(long b) {
        bandwidth = b;
    }

    void drop() {
        up = false;
        frames.clear();
    }

    void send(WireFrame f) {
        if (up) {
            frames.add(f);
        }
    }

    /** Frames still on the wire, in sending order. */
    List<WireFrame> frames() {
        return List.copyOf(frames);
    }

    /** Removes every frame of {@code kind}. */
    void flush(WireFrame.Kind kind) {
        frames.removeIf(f -> f.kind() == kind);
    }

    /** The earliest frame landing by {@code t} (the first sent among equals), taken off the wire. */
    Optional<WireFrame> nextLandingBy(long t) {
        WireFrame best = null;
        for (WireFrame f : frames) {
            if (f.landAt() <= t && (best == null || f.landAt() < best.landAt())) {
                best = f;
            }
        }
        if (best != null) {
            frames.remove(best);
        }
        return Optional.ofNullable(best);
    }

    /** When the next frame lands, if any is on the wire. */
    Optional<Long> nextLanding() {
        return frames.stream().map(WireFrame::landAt).min(Long::compare);
    }
}
