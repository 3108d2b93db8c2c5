package org.hvproof.impl.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.failover.ApplicationImage;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverBudget;
import org.hvproof.model.failover.FailoverCode;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverState;

/**
 * Two simulated hosts under battery-backed failover, driven by the model's actions. Each is a
 * machine with its hypervisor ({@link ApplicationHost}), its volatile memory the guest RAM of the
 * application's view; the primary also has a NIC and a battery; it runs the key-value store,
 * whose state is its guest memory (written by the application's vCPU through its page tables and
 * the nested table) and its virtual NIC's queue. On an AC power failure the panic handler
 * (a stated time) suspends the application and starts the post-fail agent on battery; the agent
 * copies the checkpoint, the application's pages (read from the host frames behind the view) and
 * then its virtual NIC's state, page by page over the link into the secondary's guest frames, and
 * signals when every chunk is acknowledged; the secondary's agent starts the application from its
 * guest memory only on a valid signal. Simulated time in microseconds; a step whose time lies
 * past the battery's deadline ends at the deadline with the primary's memory lost. The secondary
 * may instead be a guest of a machine other guests share, the primary staying a host of its own
 * ({@link #FailoverSystem(FailoverImplFlaw, Hypervisor, int, String, boolean)}). {@link #apply} is the implementation's counterpart of {@code
 * FailoverModel.step}, {@link #abstractState} the abstraction function. Never throws on hostile
 * arguments; deterministic.
 */
public final class FailoverSystem {
    private final FailoverImplFlaw flaw;
    private FailoverConfig config;
    private long now;
    // primary
    private ApplicationHost primaryHost;
    /** AGENT_READS_FRAMES_MAPPED_AT_BOOT: the frames behind the application's pages when the primary booted. */
    private long[] framesAtBoot = new long[0];

    private PrimaryPower primaryPower = PrimaryPower.OFF;
    private KeyValueStore primaryApp;
    private boolean primaryAppRunning;
    private int epoch;
    private PostFailAgent agent;
    // secondary
    private ApplicationHost secondaryHost;
    private boolean secondaryUp;
    private KeyValueStore secondaryApp;
    private final StandbyAgent standby = new StandbyAgent();
    // the link
    private FailoverWire wire = new FailoverWire(0, 0);
    // the operator's console and the clients: what was reported and acknowledged, and the image at the failure
    private FailoverCode lastFailure;
    private ApplicationImage imageAtFailure;
    private final SortedMap<Long, Long> acknowledged = new TreeMap<>();
    private final List<FailoverObservation> seen = new ArrayList<>();

    /** The primary's power: on AC, on its battery, or off. */
    enum PrimaryPower {
        AC,
        BATTERY,
        OFF
    }

    /** On a machine other guests share: its hypervisor, the secondary guest's vCPU and view name; null on hosts of their own. */
    private final Hypervisor secondaryMachine;

    private final int secondaryVcpu;
    private final String secondaryView;
    /** Seam flaw STANDBY_WRITES_THROUGH_DEFAULT_VIEW of a composition (see {@link ApplicationHost}). */
    private final boolean standbyWritesThroughDefaultView;

    /** Unprovisioned hosts with {@code flaw} ({@link FailoverImplFlaw#NONE}: the correct ones). */
    public FailoverSystem(FailoverImplFlaw flaw) {
        this.flaw = flaw;
        this.secondaryMachine = null;
        this.secondaryVcpu = 0;
        this.secondaryView = null;
        this.standbyWritesThroughDefaultView = false;
    }

    /**
     * Unprovisioned hosts with {@code flaw} whose secondary is a guest of the machine under {@code
     * shared}, beside whatever else runs there: once provisioned, its application runs on the
     * machine's vCPU {@code vcpu} and a view of its own named {@code view}, the standby agent's
     * hypervisor-side writes land in the frames behind that view, and its crash is the guest's
     * crash (a fresh view, the machine untouched). The primary stays a host of its own. With
     * {@code standbyWritesThroughDefaultView} the standby agent resolves each chunk's page in
     * the machine's default view (a deliberately wrong composition).
     *
     * @throws IllegalArgumentException when the vCPU does not exist
     */
    public FailoverSystem(
            FailoverImplFlaw flaw, Hypervisor shared, int vcpu, String view, boolean standbyWritesThroughDefaultView) {
        if (vcpu < 0 || vcpu >= shared.machine().vcpus().size()) {
            throw new IllegalArgumentException("the machine has no vCPU " + vcpu);
        }
        // The secondary's vCPU is on its own (empty) view from the start, never on another guest's.
        shared.machine().addView(new ViewId(view)).orElseThrow();
        shared.machine().vcpus().get(vcpu).setView(new ViewId(view));
        this.flaw = flaw;
        this.secondaryMachine = shared;
        this.secondaryVcpu = vcpu;
        this.secondaryView = view;
        this.standbyWritesThroughDefaultView = standbyWritesThroughDefaultView;
    }

    /** Runs one action and returns what an observer sees; never throws on hostile arguments. */
    public List<FailoverObservation> apply(FailoverAction action) {
        seen.clear();
        if (action instanceof FailoverAction.Provision p) {
            provision(p.config());
        } else if (config == null) {
            refuse(FailoverCode.NOT_PROVISIONED);
        } else if (action instanceof FailoverAction.ClientUpdate u) {
            clientUpdate(u.key(), u.value());
        } else if (action instanceof FailoverAction.Serve) {
            serve();
        } else if (action instanceof FailoverAction.PowerFail) {
            powerFail();
        } else if (action instanceof FailoverAction.PanicDone) {
            panicDone();
        } else if (action instanceof FailoverAction.CopyChunk) {
            copyChunk();
        } else if (action instanceof FailoverAction.Signal) {
            signal();
        } else if (action instanceof FailoverAction.BatteryOut) {
            if (primaryPower == PrimaryPower.BATTERY) {
                agent.faulted = true;
                exhaust(now);
            }
        } else if (action instanceof FailoverAction.LinkSlows l) {
            linkSlows(l.bandwidth());
        } else if (action instanceof FailoverAction.LinkDrops) {
            linkDrops();
        } else if (action instanceof FailoverAction.SecondaryCrash) {
            secondaryCrash();
        } else if (action instanceof FailoverAction.PowerReturns) {
            powerReturns();
        } else if (action instanceof FailoverAction.StraySignal g) {
            straySignal(g.fromHost());
        }
        return List.copyOf(seen);
    }

    /** The abstraction function: the model state these hosts represent. */
    public FailoverState abstractState() {
        return FailoverAbstraction.abstractState(this);
    }

    /** The budget of the provisioned figures at the link's current bandwidth, as the hosts report it. */
    public Optional<FailoverBudget> budget() {
        return config == null ? Optional.empty() : Optional.of(budgetNow());
    }

    // ------------------------------------------------------------ provisioning and the application

    private void provision(FailoverConfig c) {
        if (config != null) {
            refuse(FailoverCode.ALREADY_PROVISIONED);
            return;
        }
        Optional<FailoverCode> bad = validate(c);
        if (bad.isPresent()) {
            refuse(bad.get());
            return;
        }
        config = c;
        primaryHost = new ApplicationHost((int) c.pages(), (int) c.pageBytes());
        primaryApp = new KeyValueStore(
                primaryHost, new VirtualNic((int) c.queueSlots()), (int) c.pages(), (int) c.pageBytes(), flaw);
        framesAtBoot = new long[(int) c.pages()];
        for (int i = 0; i < framesAtBoot.length; i++) {
            framesAtBoot[i] = primaryHost.frame(i);
        }
        primaryAppRunning = true;
        primaryPower = PrimaryPower.AC;
        secondaryHost = secondaryMachine == null
                ? new ApplicationHost((int) c.secondaryPages(), (int) c.pageBytes())
                : new ApplicationHost(
                        secondaryMachine,
                        secondaryView,
                        secondaryVcpu,
                        (int) c.secondaryPages(),
                        (int) c.pageBytes(),
                        standbyWritesThroughDefaultView);
        secondaryUp = true;
        wire = new FailoverWire(c.bandwidth(), c.latency());
        seen.add(new FailoverObservation.Provisioned(budgetNow()));
    }

    /** The figures' faults, in the model's order; the budget calculator judges the link and the times. */
    private static Optional<FailoverCode> validate(FailoverConfig c) {
        if (c.pages() <= 0
                || c.pages() > FailoverConfig.MAX_PAGES
                || c.pageBytes() < 8
                || c.pageBytes() > FailoverConfig.MAX_PAGE_BYTES
                || c.pageBytes() % 8 != 0
                || c.queueSlots() <= 0
                || c.queueSlots() > FailoverConfig.MAX_QUEUE_SLOTS
                || c.secondaryPages() <= 0
                || c.secondaryPages() > FailoverConfig.MAX_SECONDARY_PAGES) {
            return Optional.of(FailoverCode.BAD_SIZE);
        }
        long nicPages = (8 + 16 * c.queueSlots() + c.pageBytes() - 1) / c.pageBytes();
        FailoverBudget b = FailoverBudgetCalculator.calculate(
                (c.pages() + nicPages) * c.pageBytes(), c.bandwidth(), c.latency(), c.holdUp(), c.panic());
        if (!b.valid()) {
            return Optional.of(b.error());
        }
        if (c.secondaryPages() < c.pages() + nicPages) {
            return Optional.of(FailoverCode.STATE_TOO_LARGE);
        }
        return Optional.empty();
    }

    private FailoverBudget budgetNow() {
        return FailoverBudgetCalculator.calculate(
                checkpointPages() * config.pageBytes(),
                wire.bandwidth(),
                config.latency(),
                config.holdUp(),
                config.panic(),
                flaw);
    }

    private KeyValueStore runningApp() {
        if (primaryAppRunning) {
            return primaryApp;
        }
        return secondaryApp;
    }

    private void clientUpdate(long key, long value) {
        KeyValueStore app = runningApp();
        if (app == null) {
            refuse(FailoverCode.NOT_RUNNING);
        } else if (key < 0 || key >= app.keys()) {
            refuse(FailoverCode.NO_SUCH_KEY);
        } else if (app.nic().full()) {
            refuse(FailoverCode.QUEUE_FULL);
        } else {
            app.receive(key, value).ifPresent(this::acknowledge);
        }
    }

    private void serve() {
        KeyValueStore app = runningApp();
        if (app == null) {
            refuse(FailoverCode.NOT_RUNNING);
        } else if (app.nic().empty()) {
            refuse(FailoverCode.QUEUE_EMPTY);
        } else {
            app.serveOne().ifPresent(this::acknowledge);
        }
    }

    private void acknowledge(long[] update) {
        acknowledged.put(update[0], update[1]);
        seen.add(new FailoverObservation.Acknowledged(update[0], update[1]));
    }

    // ------------------------------------------------------------ the failure path

    private void powerFail() {
        if (primaryPower != PrimaryPower.AC || !primaryAppRunning) {
            return; // on battery already, or nothing to protect
        }
        FailoverBudget b = budgetNow();
        primaryPower = PrimaryPower.BATTERY;
        primaryAppRunning = false; // the panic handler suspends the application
        epoch++;
        agent = new PostFailAgent(epoch, now, now + config.holdUp(), b, !wire.up() || !secondaryUp);
        lastFailure = null;
        imageAtFailure =
                new ApplicationImage(primaryHost.pages(), primaryApp.nic().queued());
        seen.add(new FailoverObservation.BudgetReported(b));
    }

    private void panicDone() {
        if (primaryPower != PrimaryPower.BATTERY || agent.started) {
            refuse(FailoverCode.WRONG_PHASE);
            return;
        }
        long t = agent.failedAt + config.panic();
        if (!advanceOnBattery(t)) {
            return;
        }
        agent.started = true;
        agent.segmentStart = t;
        agent.segmentBytes = 0;
    }

    private void copyChunk() {
        if (primaryPower != PrimaryPower.BATTERY || !agent.started) {
            refuse(FailoverCode.WRONG_PHASE);
            return;
        }
        int chunks = checkpointPages();
        if (agent.chunksSent >= chunks) {
            refuse(FailoverCode.NOTHING_TO_COPY);
            return;
        }
        if (!wire.up()) {
            refuse(FailoverCode.LINK_DOWN);
            return;
        }
        int i = agent.chunksSent;
        byte[] data = chunk(i);
        long t = agent.serialisedBy(config.pageBytes(), wire.bandwidth());
        if (!advanceOnBattery(t)) {
            return;
        }
        agent.segmentBytes += config.pageBytes();
        agent.chunksSent++;
        agent.lastLandAt = t + wire.latency();
        wire.send(new WireFrame(
                WireFrame.Kind.CHUNK,
                FailoverAction.PRIMARY,
                agent.epoch,
                i,
                data,
                agent.lastLandAt,
                t,
                agent.failedAt));
        deliver(t);
    }

    /** Chunk {@code i} of the checkpoint, read from the suspended application's memory or its virtual NIC. */
    private byte[] chunk(int i) {
        int pageBytes = (int) config.pageBytes();
        if (i < config.pages()) {
            // AGENT_READS_FRAMES_MAPPED_AT_BOOT: the copy list was made at boot, before the hypervisor
            // backed the pages the application touched since; those read as zeros.
            return flaw == FailoverImplFlaw.AGENT_READS_FRAMES_MAPPED_AT_BOOT
                    ? primaryHost.readFrame(framesAtBoot[i])
                    : primaryHost.readPage(i);
        }
        int nicPages = checkpointPages() - (int) config.pages();
        // CHECKPOINT_MISSES_NIC_STATE: the device state is written as an empty queue.
        byte[] state = flaw == FailoverImplFlaw.CHECKPOINT_MISSES_NIC_STATE
                ? new byte[nicPages * pageBytes]
                : primaryApp.nic().serialise(nicPages * pageBytes);
        int from = (i - (int) config.pages()) * pageBytes;
        byte[] out = new byte[pageBytes];
        System.arraycopy(state, from, out, 0, pageBytes);
        return out;
    }

    private void signal() {
        if (primaryPower != PrimaryPower.BATTERY || !agent.started) {
            refuse(FailoverCode.WRONG_PHASE);
            return;
        }
        // SIGNAL_BEFORE_LAST_CHUNK: counts chunks from one.
        int needed = checkpointPages() - (flaw == FailoverImplFlaw.SIGNAL_BEFORE_LAST_CHUNK ? 1 : 0);
        if (agent.chunksSent < needed) {
            refuse(FailoverCode.CHECKPOINT_INCOMPLETE);
            return;
        }
        if (!wire.up()) {
            refuse(FailoverCode.LINK_DOWN);
            return;
        }
        if (!secondaryUp) {
            refuse(FailoverCode.SECONDARY_DOWN);
            return;
        }
        long t = now;
        if (flaw == FailoverImplFlaw.SIGNAL_WITHOUT_ACK) {
            // SIGNAL_WITHOUT_ACK: the last chunk is serialised, that is enough.
            t = Math.max(now, agent.lastLandAt - wire.latency());
        } else {
            // Wait, on battery, for every chunk's acknowledgement.
            while (agent.acked.cardinality() < agent.chunksSent) {
                Optional<Long> next = wire.nextLanding();
                if (next.isEmpty()) {
                    refuse(FailoverCode.CHECKPOINT_INCOMPLETE);
                    return;
                }
                if (!advanceOnBattery(next.get())) {
                    return;
                }
                t = now;
            }
        }
        if (!advanceOnBattery(t)) {
            return;
        }
        wire.send(new WireFrame(
                WireFrame.Kind.SIGNAL,
                FailoverAction.PRIMARY,
                agent.epoch,
                checkpointPages(),
                new byte[0],
                t + wire.latency(),
                t,
                agent.failedAt));
        seen.add(new FailoverObservation.Signalled(agent.epoch));
        // The primary's work is done: it powers off, its memory is lost.
        primaryPower = PrimaryPower.OFF;
        primaryHost.powerCycle();
        primaryApp.nic().clear();
        now = t + wire.latency();
        deliver(now);
        if (standby.startedEpoch != agent.epoch) {
            // The secondary refused the signal and the primary is off: nothing runs the application.
            report(FailoverCode.CHECKPOINT_INCOMPLETE);
        }
    }

    /** Moves time to {@code t} on battery; past the deadline the battery runs out first. False when it did. */
    private boolean advanceOnBattery(long t) {
        if (t > agent.deadline) {
            exhaust(agent.deadline);
            return false;
        }
        now = Math.max(now, t);
        deliver(now);
        return true;
    }

    /** The battery runs out at {@code t}: the primary's memory is lost, the failure is reported. */
    private void exhaust(long t) {
        now = Math.max(now, t);
        deliver(now);
        primaryPower = PrimaryPower.OFF;
        primaryHost.powerCycle();
        primaryApp.nic().clear();
        report(FailoverCode.BATTERY_EXHAUSTED);
    }

    private void report(FailoverCode cause) {
        lastFailure = cause;
        seen.add(new FailoverObservation.FailoverFailed(cause));
    }

    /** Frames landing by {@code t} reach their host, in order. */
    private void deliver(long t) {
        Optional<WireFrame> f;
        while ((f = wire.nextLandingBy(t)).isPresent()) {
            WireFrame frame = f.get();
            switch (frame.kind()) {
                case CHUNK -> receiveChunk(frame);
                case ACK -> {
                    if (primaryPower == PrimaryPower.BATTERY && agent != null && frame.epoch() == agent.epoch) {
                        agent.acked.set(frame.index());
                    }
                }
                case SIGNAL -> receiveSignal(frame);
            }
        }
    }

    private void receiveChunk(WireFrame frame) {
        if (!secondaryUp || frame.epoch() < standby.epoch) {
            return;
        }
        if (frame.epoch() > standby.epoch) {
            standby.epoch = frame.epoch();
            standby.landed.clear();
        }
        secondaryHost.writePage(frame.index(), frame.data());
        standby.landed.set(frame.index());
        wire.send(new WireFrame(
                WireFrame.Kind.ACK,
                2,
                frame.epoch(),
                frame.index(),
                new byte[0],
                frame.landAt() + wire.latency(),
                frame.landAt(),
                frame.failedAt()));
    }

    /** The secondary's agent judges a signal; it starts the application only on a valid one. */
    private void receiveSignal(WireFrame frame) {
        if (!secondaryUp) {
            return;
        }
        int chunks = checkpointPages();
        // SECONDARY_STARTS_ON_ANY_SIGNAL: no check at all.
        if (flaw != FailoverImplFlaw.SECONDARY_STARTS_ON_ANY_SIGNAL) {
            Optional<FailoverCode> wrong = frame.fromHost() != FailoverAction.PRIMARY
                    ? Optional.of(FailoverCode.WRONG_HOST)
                    : frame.epoch() <= standby.startedEpoch || frame.epoch() != standby.epoch
                            ? Optional.of(FailoverCode.DUPLICATE_SIGNAL)
                            : standby.landed.cardinality() < chunks
                                    ? Optional.of(FailoverCode.CHECKPOINT_INCOMPLETE)
                                    : Optional.empty();
            if (wrong.isPresent()) {
                refuse(wrong.get());
                return;
            }
        }
        VirtualNic nic = new VirtualNic((int) config.queueSlots());
        int pageBytes = (int) config.pageBytes();
        byte[] state = new byte[(chunks - (int) config.pages()) * pageBytes];
        for (int i = (int) config.pages(); i < chunks; i++) {
            System.arraycopy(secondaryHost.readPage(i), 0, state, (i - (int) config.pages()) * pageBytes, pageBytes);
        }
        nic.restore(state);
        secondaryApp = new KeyValueStore(secondaryHost, nic, (int) config.pages(), pageBytes, flaw);
        standby.startedEpoch = frame.epoch();
        seen.add(new FailoverObservation.Started(frame.epoch(), frame.sentAt() - frame.failedAt()));
    }

    // ------------------------------------------------------------ faults

    private void linkSlows(long bandwidth) {
        if (bandwidth <= 0 || bandwidth > FailoverConfig.MAX_BANDWIDTH) {
            refuse(FailoverCode.BAD_BANDWIDTH);
            return;
        }
        wire.setBandwidth(bandwidth);
        if (primaryPower == PrimaryPower.BATTERY) {
            agent.segmentStart = now;
            agent.segmentBytes = 0;
            agent.faulted = true;
        }
    }

    private void linkDrops() {
        if (!wire.up()) {
            return;
        }
        wire.drop();
        if (primaryPower == PrimaryPower.BATTERY) {
            agent.faulted = true;
        }
    }

    private void secondaryCrash() {
        if (!secondaryUp) {
            return;
        }
        secondaryUp = false;
        secondaryHost.powerCycle();
        standby.reset();
        boolean ranApp = secondaryApp != null;
        secondaryApp = null;
        if (primaryPower == PrimaryPower.BATTERY) {
            agent.faulted = true;
        }
        if (ranApp) {
            report(FailoverCode.SECONDARY_CRASHED);
        }
    }

    private void powerReturns() {
        if (primaryPower == PrimaryPower.BATTERY) {
            // Reading: before the signal the primary resumes; the copy is abandoned and the
            // secondary's agent told to discard this epoch's chunks.
            primaryPower = PrimaryPower.AC;
            primaryAppRunning = true;
            wire.flush(WireFrame.Kind.CHUNK);
            wire.flush(WireFrame.Kind.ACK);
            standby.landed.clear();
            seen.add(new FailoverObservation.Resumed(agent.epoch));
            agent = null;
            imageAtFailure = null;
        } else if (primaryPower == PrimaryPower.OFF
                && flaw == FailoverImplFlaw.POWER_RETURN_RESTARTS_PRIMARY
                && secondaryApp != null) {
            // POWER_RETURN_RESTARTS_PRIMARY: the primary boots and its init script starts the application.
            primaryPower = PrimaryPower.AC;
            primaryAppRunning = true;
            primaryHost.bootApplication((int) config.pages());
        }
    }

    private void straySignal(long fromHost) {
        if (!secondaryUp) {
            return;
        }
        receiveSignal(new WireFrame(
                WireFrame.Kind.SIGNAL, fromHost, standby.startedEpoch, checkpointPages(), new byte[0], now, now, now));
    }

    private void refuse(FailoverCode code) {
        seen.add(new FailoverObservation.Refused(code));
    }

    // ------------------------------------------------------------ what the abstraction reads

    int checkpointPages() {
        return (int) (config.pages() + (8 + 16 * config.queueSlots() + config.pageBytes() - 1) / config.pageBytes());
    }

    FailoverConfig config() {
        return config;
    }

    long now() {
        return now;
    }

    ApplicationHost primaryHost() {
        return primaryHost;
    }

    PrimaryPower primaryPower() {
        return primaryPower;
    }

    KeyValueStore primaryApp() {
        return primaryApp;
    }

    boolean primaryAppRunning() {
        return primaryAppRunning;
    }

    int epoch() {
        return epoch;
    }

    PostFailAgent agent() {
        return agent;
    }

    ApplicationHost secondaryHost() {
        return secondaryHost;
    }

    /** The view the secondary's guest runs on now, once provisioned (on a shared machine, its own). */
    public Optional<ViewId> secondaryView() {
        return secondaryHost == null ? Optional.empty() : Optional.of(secondaryHost.view());
    }

    boolean secondaryUp() {
        return secondaryUp;
    }

    KeyValueStore secondaryApp() {
        return secondaryApp;
    }

    StandbyAgent standby() {
        return standby;
    }

    FailoverWire wire() {
        return wire;
    }

    FailoverCode lastFailure() {
        return lastFailure;
    }

    ApplicationImage imageAtFailure() {
        return imageAtFailure;
    }

    SortedMap<Long, Long> acknowledged() {
        return acknowledged;
    }
}
