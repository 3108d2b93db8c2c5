package org.hvproof.model.failover;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The two hosts, the link and the failure path, as data. {@code now} is simulated time in
 * microseconds; {@code epoch} counts AC power failures; {@code copy} is the current (or last)
 * failover attempt; {@code failure} the failure last reported. Two observer records ride along:
 * {@code atFailure}, the primary's application image at the moment of the last failure, and
 * {@code acknowledged}, the value last acknowledged to clients for each key. Immutable.
 */
public record FailoverState(
        Optional<FailoverConfig> config,
        FailoverPhase phase,
        long now,
        FailoverHost primary,
        FailoverHost secondary,
        FailoverLink link,
        SecondaryAgent agent,
        int epoch,
        Optional<FailoverCopy> copy,
        Optional<FailoverCode> failure,
        Optional<ApplicationImage> atFailure,
        SortedMap<Long, Long> acknowledged) {

    public FailoverState {
        acknowledged = Collections.unmodifiableSortedMap(new TreeMap<>(acknowledged));
    }

    /** Nothing provisioned: no memory, no link. */
    public static FailoverState initial() {
        FailoverHost none = new FailoverHost(false, false, List.of(), List.of());
        return new FailoverState(
                Optional.empty(),
                FailoverPhase.UNPROVISIONED,
                0,
                none,
                none,
                new FailoverLink(0, 0, false),
                SecondaryAgent.fresh(),
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                new TreeMap<>());
    }

    /** The host that runs the application, if one does. */
    public Optional<FailoverHost> running() {
        return primary.runsApp()
                ? Optional.of(primary)
                : secondary.runsApp() ? Optional.of(secondary) : Optional.empty();
    }

    /** Whether the primary is on battery: between the AC failure and the signal, power return or battery out. */
    public boolean onBattery() {
        return phase == FailoverPhase.ON_BATTERY || phase == FailoverPhase.COPYING;
    }

    /** The checkpoint chunks of the current epoch landed in the secondary's memory. */
    public boolean wholeCheckpointLanded() {
        return config.isPresent()
                && copy.isPresent()
                && agent.epoch() == copy.get().epoch()
                && agent.landed().size() == config.get().chunks();
    }

    FailoverState with(FailoverPhase p) {
        return new FailoverState(
                config, p, now, primary, secondary, link, agent, epoch, copy, failure, atFailure, acknowledged);
    }

    FailoverState withNow(long t) {
        return new FailoverState(
                config, phase, t, primary, secondary, link, agent, epoch, copy, failure, atFailure, acknowledged);
    }

    FailoverState withHosts(FailoverHost p, FailoverHost s) {
        return new FailoverState(config, phase, now, p, s, link, agent, epoch, copy, failure, atFailure, acknowledged);
    }

    FailoverState withLink(FailoverLink l) {
        return new FailoverState(
                config, phase, now, primary, secondary, l, agent, epoch, copy, failure, atFailure, acknowledged);
    }

    FailoverState withAgent(SecondaryAgent a) {
        return new FailoverState(
                config, phase, now, primary, secondary, link, a, epoch, copy, failure, atFailure, acknowledged);
    }

    FailoverState withCopy(Optional<FailoverCopy> c) {
        return new FailoverState(
                config, phase, now, primary, secondary, link, agent, epoch, c, failure, atFailure, acknowledged);
    }

    FailoverState withFailure(FailoverCode code) {
        return new FailoverState(
                config,
                phase,
                now,
                primary,
                secondary,
                link,
                agent,
                epoch,
                copy,
                Optional.of(code),
                atFailure,
                acknowledged);
    }

    FailoverState withAcknowledged(SortedMap<Long, Long> acks) {
        return new FailoverState(
                config, phase, now, primary, secondary, link, agent, epoch, copy, failure, atFailure, acks);
    }

    FailoverState failedAt(int newEpoch, FailoverCopy c, ApplicationImage image) {
        return new FailoverState(
                config,
                FailoverPhase.ON_BATTERY,
                now,
                primary,
                secondary,
                link,
                agent,
                newEpoch,
                Optional.of(c),
                Optional.empty(),
                Optional.of(image),
                acknowledged);
    }

    FailoverState resumed() {
        return new FailoverState(
                config,
                FailoverPhase.RUNNING,
                now,
                primary,
                secondary,
                link,
                agent,
                epoch,
                Optional.empty(),
                failure,
                Optional.empty(),
                acknowledged);
    }
}
