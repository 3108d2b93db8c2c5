package org.hvproof.impl.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.failover.FailoverCopy;
import org.hvproof.model.failover.FailoverHost;
import org.hvproof.model.failover.FailoverLink;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.model.failover.InFlightChunk;
import org.hvproof.model.failover.KeyValueUpdate;
import org.hvproof.model.failover.SecondaryAgent;

/**
 * The abstraction function from the two simulated hosts to the model's {@link FailoverState},
 * read off the whole of their state: every page of both memories, both virtual NICs' queues, the
 * primary's power and the secondary's, the link's figures and every checkpoint chunk on it, the
 * post-fail agent's record of the attempt and the secondary agent's record of what landed, and
 * what the console and the clients were told. The phase is derived, not stored: the secondary
 * runs the application (failed over), the primary runs it on AC (running), the primary is on
 * battery with its agent started or not (copying, on battery), or neither runs it (failed).
 */
final class FailoverAbstraction {
    private FailoverAbstraction() {}

    static FailoverState abstractState(FailoverSystem sys) {
        if (sys.config() == null) {
            return FailoverState.initial();
        }
        List<KeyValueUpdate> primaryQueue = sys.primaryApp().nic().queued();
        FailoverHost primary = new FailoverHost(
                sys.primaryPower() != FailoverSystem.PrimaryPower.OFF,
                sys.primaryAppRunning(),
                sys.primaryHost().pages(),
                primaryQueue);
        KeyValueStore secondaryApp = sys.secondaryApp();
        FailoverHost secondary = new FailoverHost(
                sys.secondaryUp(),
                secondaryApp != null,
                sys.secondaryHost().pages(),
                secondaryApp == null ? List.of() : secondaryApp.nic().queued());
        FailoverWire wire = sys.wire();
        StandbyAgent standby = sys.standby();
        TreeSet<Integer> landed = new TreeSet<>();
        standby.landed.stream().forEach(landed::add);
        PostFailAgent agent = sys.agent();
        Optional<FailoverCopy> copy = Optional.empty();
        if (agent != null) {
            List<InFlightChunk> inFlight = new ArrayList<>();
            for (WireFrame f : wire.frames()) {
                if (f.kind() == WireFrame.Kind.CHUNK) {
                    inFlight.add(new InFlightChunk(f.epoch(), f.index(), f.landAt(), Bytes.of(f.data())));
                }
            }
            copy = Optional.of(new FailoverCopy(
                    agent.epoch,
                    agent.failedAt,
                    agent.deadline,
                    agent.budget,
                    agent.chunksSent,
                    agent.segmentStart,
                    agent.segmentBytes,
                    inFlight,
                    agent.lastLandAt,
                    agent.faulted));
        }
        return new FailoverState(
                Optional.of(sys.config()),
                phase(sys),
                sys.now(),
                primary,
                secondary,
                new FailoverLink(wire.bandwidth(), wire.latency(), wire.up()),
                new SecondaryAgent(standby.epoch, landed, standby.startedEpoch),
                sys.epoch(),
                copy,
                Optional.ofNullable(sys.lastFailure()),
                Optional.ofNullable(sys.imageAtFailure()),
                sys.acknowledged());
    }

    private static FailoverPhase phase(FailoverSystem sys) {
        if (sys.secondaryApp() != null) {
            return FailoverPhase.FAILED_OVER;
        }
        if (sys.primaryPower() == FailoverSystem.PrimaryPower.AC && sys.primaryAppRunning()) {
            return FailoverPhase.RUNNING;
        }
        if (sys.primaryPower() == FailoverSystem.PrimaryPower.BATTERY) {
            return sys.agent().started ? FailoverPhase.COPYING : FailoverPhase.ON_BATTERY;
        }
        return FailoverPhase.FAILED;
    }
}
