package org.hvproof.model.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hvproof.model.common.Bytes;

/**
 * The pure step function of the failover mechanism. Never throws; a refused action returns the
 * input state with a {@link FailoverObservation.Refused}. Time moves only on the failure path:
 * the panic handler's end, each chunk's serialisation and the signal happen at the time the
 * figures give them, and whenever that time lies past the battery's deadline the battery runs out
 * first (at the deadline) and the step reports the failure instead.
 */
public final class FailoverModel {

    private FailoverModel() {}

    /** The initial state: nothing provisioned. */
    public static FailoverState initial() {
        return FailoverState.initial();
    }

    /** One step of the correct model: the oracle. */
    public static FailoverStep step(FailoverState s, FailoverAction action) {
        return step(s, action, FailoverModelFlaw.NONE);
    }

    /** One step of the model with {@code flaw} ({@link FailoverModelFlaw#NONE} for the correct one). */
    public static FailoverStep step(FailoverState s, FailoverAction action, FailoverModelFlaw flaw) {
        if (action instanceof FailoverAction.Provision p) {
            return provision(s, p.config());
        }
        if (s.config().isEmpty()) {
            return refused(s, FailoverCode.NOT_PROVISIONED);
        }
        FailoverConfig c = s.config().get();
        if (action instanceof FailoverAction.ClientUpdate u) {
            return clientUpdate(s, c, u);
        } else if (action instanceof FailoverAction.Serve) {
            return serve(s, c);
        } else if (action instanceof FailoverAction.PowerFail) {
            return powerFail(s, c);
        } else if (action instanceof FailoverAction.PanicDone) {
            return panicDone(s);
        } else if (action instanceof FailoverAction.CopyChunk) {
            return copyChunk(s, c);
        } else if (action instanceof FailoverAction.Signal) {
            return signal(s, c, flaw);
        } else if (action instanceof FailoverAction.BatteryOut) {
            return s.onBattery() ? exhaust(s.withCopy(s.copy().map(FailoverCopy::faulty)), s.now()) : quiet(s);
        } else if (action instanceof FailoverAction.LinkSlows l) {
            return linkSlows(s, l.bandwidth());
        } else if (action instanceof FailoverAction.LinkDrops) {
            return linkDrops(s);
        } else if (action instanceof FailoverAction.SecondaryCrash) {
            return secondaryCrash(s);
        } else if (action instanceof FailoverAction.PowerReturns) {
            return powerReturns(s, flaw);
        }
        return straySignal(s, ((FailoverAction.StraySignal) action).fromHost());
    }

    /** The budget of a failover of {@code c} at {@code bandwidth}: the claim's formula. */
    public static FailoverBudget budget(FailoverConfig c, long bandwidth) {
        return FailoverBudget.spec(c.stateBytes(), bandwidth, c.latency(), c.holdUp(), c.panic());
    }

    private static FailoverStep provision(FailoverState s, FailoverConfig c) {
        if (s.config().isPresent()) {
            return refused(s, FailoverCode.ALREADY_PROVISIONED);
        }
        Optional<FailoverCode> bad = c.check();
        if (bad.isPresent()) {
            return refused(s, bad.get());
        }
        int pageBytes = (int) c.pageBytes();
        FailoverHost primary = new FailoverHost(true, true, FailoverHost.zeros((int) c.pages(), pageBytes), List.of());
        FailoverHost secondary = FailoverHost.idle((int) c.secondaryPages(), pageBytes);
        FailoverState next = new FailoverState(
                Optional.of(c),
                FailoverPhase.RUNNING,
                s.now(),
                primary,
                secondary,
                new FailoverLink(c.bandwidth(), c.latency(), true),
                SecondaryAgent.fresh(),
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                new TreeMap<>());
        return new FailoverStep(next, List.of(new FailoverObservation.Provisioned(budget(c, c.bandwidth()))));
    }

    private static FailoverStep clientUpdate(FailoverState s, FailoverConfig c, FailoverAction.ClientUpdate u) {
        Optional<FailoverHost> running = s.running();
        if (running.isEmpty()) {
            return refused(s, FailoverCode.NOT_RUNNING);
        }
        if (u.key() < 0 || u.key() >= c.keys()) {
            return refused(s, FailoverCode.NO_SUCH_KEY);
        }
        FailoverHost h = running.get();
        if (h.queue().size() >= c.queueSlots()) {
            return refused(s, FailoverCode.QUEUE_FULL);
        }
        List<KeyValueUpdate> q = new ArrayList<>(h.queue());
        q.add(new KeyValueUpdate(u.key(), u.value()));
        return quiet(replaceRunning(s, new FailoverHost(h.up(), true, h.memory(), q)));
    }

    private static FailoverStep serve(FailoverState s, FailoverConfig c) {
        Optional<FailoverHost> running = s.running();
        if (running.isEmpty()) {
            return refused(s, FailoverCode.NOT_RUNNING);
        }
        FailoverHost h = running.get();
        if (h.queue().isEmpty()) {
            return refused(s, FailoverCode.QUEUE_EMPTY);
        }
        KeyValueUpdate u = h.queue().get(0);
        List<Bytes> memory = new ArrayList<>(h.memory());
        List<Bytes> app = FailoverLayout.write(c, memory.subList(0, (int) c.pages()), u.key(), u.value());
        for (int i = 0; i < app.size(); i++) {
            memory.set(i, app.get(i));
        }
        FailoverHost served = new FailoverHost(
                h.up(), true, memory, h.queue().subList(1, h.queue().size()));
        SortedMap<Long, Long> acks = new TreeMap<>(s.acknowledged());
        acks.put(u.key(), u.value());
        return new FailoverStep(
                replaceRunning(s, served).withAcknowledged(acks),
                List.of(new FailoverObservation.Acknowledged(u.key(), u.value())));
    }

    private static FailoverStep powerFail(FailoverState s, FailoverConfig c) {
        if (s.phase() != FailoverPhase.RUNNING) {
            // A second failure while on battery, or with the primary already off: nothing to do.
            return quiet(s);
        }
        FailoverBudget b = budget(c, s.link().bandwidth());
        boolean faulted = !s.link().up() || !s.secondary().up();
        FailoverCopy copy =
                new FailoverCopy(s.epoch() + 1, s.now(), s.now() + c.holdUp(), b, 0, 0, 0, List.of(), s.now(), faulted);
        // The panic handler suspends the application: it no longer runs, its memory and queue stay.
        FailoverHost p = s.primary();
        FailoverState suspended = s.withHosts(new FailoverHost(true, false, p.memory(), p.queue()), s.secondary());
        return new FailoverStep(
                suspended.failedAt(s.epoch() + 1, copy, p.image((int) c.pages())),
                List.of(new FailoverObservation.BudgetReported(b)));
    }

    private static FailoverStep panicDone(FailoverState s) {
        if (s.phase() != FailoverPhase.ON_BATTERY) {
            return refused(s, FailoverCode.WRONG_PHASE);
        }
        FailoverCopy copy = s.copy().orElseThrow();
        long t = copy.failedAt() + s.config().orElseThrow().panic();
        if (t > copy.deadline()) {
            return exhaust(s, copy.deadline());
        }
        FailoverState at = advance(s, t);
        return quiet(at.with(FailoverPhase.COPYING).withCopy(Optional.of(copy.segment(t, 0))));
    }

    private static FailoverStep copyChunk(FailoverState s, FailoverConfig c) {
        if (s.phase() != FailoverPhase.COPYING) {
            return refused(s, FailoverCode.WRONG_PHASE);
        }
        FailoverCopy copy = s.copy().orElseThrow();
        if (copy.chunksSent() >= c.chunks()) {
            return refused(s, FailoverCode.NOTHING_TO_COPY);
        }
        if (!s.link().up()) {
            return refused(s, FailoverCode.LINK_DOWN);
        }
        int i = copy.chunksSent();
        Bytes data = i < c.pages()
                ? s.primary().memory().get(i)
                : FailoverLayout.encodeQueue(c, s.primary().queue()).get(i - (int) c.pages());
        long bytes = copy.segmentBytes() + c.pageBytes();
        long bw = s.link().bandwidth();
        long t = copy.segmentStart() + (bytes + bw - 1) / bw;
        if (t > copy.deadline()) {
            return exhaust(s, copy.deadline());
        }
        FailoverState at = advance(s, t);
        FailoverCopy sent = at.copy()
                .orElseThrow()
                .sent(bytes, new InFlightChunk(copy.epoch(), i, t + s.link().latency(), data));
        return quiet(land(at.withCopy(Optional.of(sent)), t));
    }

    private static FailoverStep signal(FailoverState s, FailoverConfig c, FailoverModelFlaw flaw) {
        if (s.phase() != FailoverPhase.COPYING) {
            return refused(s, FailoverCode.WRONG_PHASE);
        }
        FailoverCopy copy = s.copy().orElseThrow();
        int needed = flaw == FailoverModelFlaw.SIGNAL_BEFORE_LAST_CHUNK ? c.chunks() - 1 : c.chunks();
        if (copy.chunksSent() < needed) {
            return refused(s, FailoverCode.CHECKPOINT_INCOMPLETE);
        }
        if (!s.link().up()) {
            return refused(s, FailoverCode.LINK_DOWN);
        }
        if (!s.secondary().up()) {
            return refused(s, FailoverCode.SECONDARY_DOWN);
        }
        // The agent signals once the last chunk's acknowledgement is back.
        long t = Math.max(s.now(), copy.lastLandAt() + s.link().latency());
        if (t > copy.deadline()) {
            return exhaust(s, copy.deadline());
        }
        FailoverState at = advance(s, t);
        // The primary's work is done: it powers off, its memory is lost.
        long arrival = t + s.link().latency();
        FailoverState off =
                land(at.withNow(arrival), arrival).withHosts(at.primary().lost(false), at.secondary());
        List<FailoverObservation> seen = new ArrayList<>();
        seen.add(new FailoverObservation.Signalled(copy.epoch()));
        if (!off.wholeCheckpointLanded()) {
            seen.add(new FailoverObservation.Refused(FailoverCode.CHECKPOINT_INCOMPLETE));
            seen.add(new FailoverObservation.FailoverFailed(FailoverCode.CHECKPOINT_INCOMPLETE));
            return new FailoverStep(
                    off.with(FailoverPhase.FAILED).withFailure(FailoverCode.CHECKPOINT_INCOMPLETE), seen);
        }
        FailoverHost sec = off.secondary();
        int pages = (int) c.pages();
        List<KeyValueUpdate> queue = FailoverLayout.decodeQueue(c, sec.memory().subList(pages, c.chunks()));
        FailoverHost started = new FailoverHost(true, true, sec.memory(), queue);
        SecondaryAgent agent =
                new SecondaryAgent(off.agent().epoch(), off.agent().landed(), copy.epoch());
        seen.add(new FailoverObservation.Started(copy.epoch(), t - copy.failedAt()));
        return new FailoverStep(
                off.withHosts(off.primary(), started).withAgent(agent).with(FailoverPhase.FAILED_OVER), seen);
    }

    private static FailoverStep linkSlows(FailoverState s, long bandwidth) {
        if (bandwidth <= 0 || bandwidth > FailoverConfig.MAX_BANDWIDTH) {
            return refused(s, FailoverCode.BAD_BANDWIDTH);
        }
        FailoverState next = s.withLink(
                new FailoverLink(bandwidth, s.link().latency(), s.link().up()));
        if (s.onBattery()) {
            next = next.withCopy(s.copy().map(c -> c.segment(s.now(), 0).faulty()));
        }
        return quiet(next);
    }

    private static FailoverStep linkDrops(FailoverState s) {
        if (!s.link().up()) {
            return quiet(s);
        }
        FailoverState next =
                s.withLink(new FailoverLink(s.link().bandwidth(), s.link().latency(), false));
        next = next.withCopy(s.copy().map(c -> {
            FailoverCopy cleared = c.withInFlight(List.of());
            return s.onBattery() ? cleared.faulty() : cleared;
        }));
        return quiet(next);
    }

    private static FailoverStep secondaryCrash(FailoverState s) {
        if (!s.secondary().up()) {
            return quiet(s);
        }
        FailoverState next = s.withHosts(s.primary(), s.secondary().lost(false)).withAgent(SecondaryAgent.fresh());
        if (s.onBattery()) {
            next = next.withCopy(s.copy().map(FailoverCopy::faulty));
        }
        if (s.phase() == FailoverPhase.FAILED_OVER) {
            return new FailoverStep(
                    next.with(FailoverPhase.FAILED).withFailure(FailoverCode.SECONDARY_CRASHED),
                    List.of(new FailoverObservation.FailoverFailed(FailoverCode.SECONDARY_CRASHED)));
        }
        return quiet(next);
    }

    private static FailoverStep powerReturns(FailoverState s, FailoverModelFlaw flaw) {
        if (flaw == FailoverModelFlaw.POWER_RETURN_RESUMES_AFTER_SIGNAL
                && s.phase() == FailoverPhase.FAILED_OVER
                && s.atFailure().isPresent()) {
            ApplicationImage img = s.atFailure().get();
            List<Bytes> memory = new ArrayList<>(img.pages());
            return new FailoverStep(
                    s.withHosts(new FailoverHost(true, true, memory, img.queue()), s.secondary()),
                    List.of(new FailoverObservation.Resumed(s.epoch())));
        }
        if (!s.onBattery()) {
            return quiet(s);
        }
        // Reading: power back before the signal: the primary resumes, the copy is abandoned and
        // the secondary's agent discards what it received of this epoch; it never starts from it.
        SecondaryAgent a = s.agent();
        FailoverHost p = s.primary();
        return new FailoverStep(
                s.withHosts(new FailoverHost(true, true, p.memory(), p.queue()), s.secondary())
                        .resumed()
                        .withAgent(new SecondaryAgent(a.epoch(), new TreeSet<>(), a.startedEpoch())),
                List.of(new FailoverObservation.Resumed(s.epoch())));
    }

    private static FailoverStep straySignal(FailoverState s, long fromHost) {
        if (!s.secondary().up()) {
            return quiet(s);
        }
        return refused(s, fromHost == FailoverAction.PRIMARY ? FailoverCode.DUPLICATE_SIGNAL : FailoverCode.WRONG_HOST);
    }

    // ------------------------------------------------------------ time, landing, the battery

    /** Time moves to {@code t}: chunks due by then land. */
    private static FailoverState advance(FailoverState s, long t) {
        return land(s.withNow(t), t);
    }

    /** Chunks on the wire due by {@code t} land in the secondary's memory, if it is up. */
    private static FailoverState land(FailoverState s, long t) {
        if (s.copy().isEmpty()) {
            return s;
        }
        FailoverCopy copy = s.copy().get();
        List<InFlightChunk> still = new ArrayList<>();
        List<Bytes> memory = new ArrayList<>(s.secondary().memory());
        SecondaryAgent a = s.agent();
        TreeSet<Integer> landed = new TreeSet<>(a.landed());
        int epoch = a.epoch();
        boolean changed = false;
        for (InFlightChunk k : copy.inFlight()) {
            if (k.landAt() > t) {
                still.add(k);
                continue;
            }
            changed = true;
            if (!s.secondary().up() || k.epoch() < epoch) {
                continue;
            }
            if (k.epoch() > epoch) {
                epoch = k.epoch();
                landed.clear();
            }
            memory.set(k.chunk(), k.data());
            landed.add(k.chunk());
        }
        if (!changed) {
            return s;
        }
        FailoverHost sec = s.secondary();
        return s.withCopy(Optional.of(copy.withInFlight(still)))
                .withHosts(s.primary(), new FailoverHost(sec.up(), sec.runsApp(), memory, sec.queue()))
                .withAgent(new SecondaryAgent(epoch, landed, a.startedEpoch()));
    }

    /** The battery runs out at {@code t}: the primary loses its memory, the failure is reported. */
    private static FailoverStep exhaust(FailoverState s, long t) {
        FailoverState at = advance(s, t);
        FailoverState dead = at.withHosts(at.primary().lost(false), at.secondary())
                .with(FailoverPhase.FAILED)
                .withFailure(FailoverCode.BATTERY_EXHAUSTED);
        return new FailoverStep(dead, List.of(new FailoverObservation.FailoverFailed(FailoverCode.BATTERY_EXHAUSTED)));
    }

    private static FailoverState replaceRunning(FailoverState s, FailoverHost h) {
        return s.primary().runsApp() ? s.withHosts(h, s.secondary()) : s.withHosts(s.primary(), h);
    }

    private static FailoverStep refused(FailoverState s, FailoverCode code) {
        return new FailoverStep(s, List.of(new FailoverObservation.Refused(code)));
    }

    private static FailoverStep quiet(FailoverState s) {
        return new FailoverStep(s, List.of());
    }
}
