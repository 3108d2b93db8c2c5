package org.hvproof.impl.tracing;

import java.util.List;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;

/**
 * A hypervisor service told of every notified write to a page its owner traces, before the write
 * is carried out, and allowed to veto it (an alert action that blocks). Like an exit handler it
 * must not change state: the access may still fault on its other page, and then nothing it
 * returns is seen.
 */
@FunctionalInterface
public interface TraceListener {

    /** What the listener wants seen after the notification, and whether the write may complete. */
    record Verdict(List<Observation> seen, boolean complete) {
        /** Copies the observations. */
        public Verdict {
            seen = List.copyOf(seen);
        }

        /** Nothing to add; the write completes. */
        public static Verdict allow() {
            return new Verdict(List.of(), true);
        }
    }

    /** Decides about one notified write by {@code cpu}. */
    Verdict onTracedWrite(VirtualCpu cpu, Notification notification);
}
