package org.hvproof.model.failover;

/**
 * What can happen in one step: the operator provisions the hosts, clients update the store, the
 * application serves them, the AC power fails and the failure path runs (panic handler done, a
 * chunk copied, the signal), and faults strike (battery out, link slows or drops, secondary
 * crashes, power returns, a stray signal arrives). Raw arguments: may be hostile.
 */
public sealed interface FailoverAction {

    /** The host id of the primary, the only host whose signal the secondary accepts. */
    long PRIMARY = 1;

    /** The operator provisions both hosts, the link and the battery with raw figures. */
    record Provision(FailoverConfig config) implements FailoverAction {
        @Override
        public String toString() {
            return "provision " + config;
        }
    }

    /** A client's update arrives at the virtual NIC of the host running the application. */
    record ClientUpdate(long key, long value) implements FailoverAction {
        @Override
        public String toString() {
            return "client sets key " + key + " = " + value;
        }
    }

    /** The application takes the oldest queued update, applies it to its memory and acknowledges it. */
    record Serve() implements FailoverAction {
        @Override
        public String toString() {
            return "serve";
        }
    }

    /** AC power fails at the primary. */
    record PowerFail() implements FailoverAction {
        @Override
        public String toString() {
            return "power fails";
        }
    }

    /** The panic handler has switched CPU, memory and NIC to the battery and starts the post-fail agent. */
    record PanicDone() implements FailoverAction {
        @Override
        public String toString() {
            return "panic handler done";
        }
    }

    /** The post-fail agent copies the next chunk of the checkpoint over the link. */
    record CopyChunk() implements FailoverAction {
        @Override
        public String toString() {
            return "copy chunk";
        }
    }

    /** The post-fail agent signals the secondary's agent to start the application from the checkpoint. */
    record Signal() implements FailoverAction {
        @Override
        public String toString() {
            return "signal";
        }
    }

    /** The battery runs out now (early: an aged battery). */
    record BatteryOut() implements FailoverAction {
        @Override
        public String toString() {
            return "battery out";
        }
    }

    /** The link's bandwidth becomes {@code bandwidth} bytes per microsecond (slower, or faster). */
    record LinkSlows(long bandwidth) implements FailoverAction {
        @Override
        public String toString() {
            return "link slows to " + bandwidth + " B/us";
        }
    }

    /** The link drops, for good: what is on the wire is lost. */
    record LinkDrops() implements FailoverAction {
        @Override
        public String toString() {
            return "link drops";
        }
    }

    /** The secondary crashes, for good: its memory is lost. */
    record SecondaryCrash() implements FailoverAction {
        @Override
        public String toString() {
            return "secondary crashes";
        }
    }

    /** AC power returns at the primary. */
    record PowerReturns() implements FailoverAction {
        @Override
        public String toString() {
            return "power returns";
        }
    }

    /** A signal message reaches the secondary that the primary's agent did not send now: from {@code fromHost}, or a replay. */
    record StraySignal(long fromHost) implements FailoverAction {
        @Override
        public String toString() {
            return "stray signal from host " + fromHost;
        }
    }
}
