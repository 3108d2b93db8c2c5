package org.hvproof.properties.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Transition;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverCode;
import org.hvproof.model.failover.FailoverConfig;
import org.hvproof.model.failover.FailoverCopy;
import org.hvproof.model.failover.FailoverLayout;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverPhase;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;

/**
 * The abstraction from a run of the Java failover model to a trace of {@code failover.als}: one
 * formula per state, one pinned operation per step, over the spec's own names.
 *
 * <p><b>What it collapses.</b> The runs' figures are sized so that the spec's units are the model's
 * microseconds: one application page and one page of NIC queue ({@link FailoverSpecConformance#figures}),
 * so two chunks; a bandwidth of one page a microsecond and no latency, so a chunk takes one unit and
 * lands when it is sent; the battery's hold-up and the panic handler's time are 1..3 and 0..3
 * microseconds, the spec's {@code Figures}. An {@code Update} atom {@code u<k>} is the client update of
 * key k (runs use each key once, so a key names one update); a host's {@code state} is the updates whose
 * acknowledged value its memory holds, so the spec's state is the application memory, and the NIC queue
 * (a {@code ClientUpdate} before its {@code Serve}) is left out: {@code ClientUpdate} is a stutter and
 * {@code Serve} the spec's {@code update}. Every key lives in the application page, chunk {@code c0};
 * the queue's page is chunk {@code c1}, which carries no update.
 *
 * <p><b>States.</b> Phase, the hosts that run the application, each host's state, {@code acked},
 * {@code atFailure} (the failure image's updates), {@code sent} (the first n chunks, n the copy's
 * chunks sent), {@code landed} (the secondary agent's chunks of the current copy's epoch), and
 * {@code flags}: LinkDown and SecondaryDown from the link and the secondary, Faulted from the copy's
 * fault mark, Signalled and Exhausted from the observations since the last power failure (the spec
 * keeps its flags when power returns, and so does this translation). {@code used}, the battery time
 * since the failure, is the model's clock minus the failure time, pinned only on battery: when the
 * battery runs out the model moves its clock to the deadline and the spec leaves {@code used} as it
 * was, so after the failure it is not compared.
 *
 * <p><b>Steps.</b> Each action is pinned to the spec operation whose guard holds in the state
 * before it, else {@code stutter}: power failure while running, panic done on battery, copying the
 * next chunk while copying with the link up, the signal once every chunk is sent with link and
 * secondary up, battery out, power return on battery, link drop and secondary crash once, a stray
 * signal while the secondary is up. {@code LinkSlows} is outside the spec: its slowdown is one lost
 * unit, the model's a new bandwidth, so runs do not draw it.
 */
public final class FailoverSpecAbstraction {

    /** The spec's file. */
    static final String SPEC = "failover.als";

    private FailoverSpecAbstraction() {}

    /** The run (after provisioning, which the spec does not model) as a trace of {@code failover.als}. */
    public static SpecTrace of(ModelRun<FailoverState, FailoverAction, FailoverObservation> run) {
        FailoverConfig c = run.initial()
                .config()
                .orElseThrow(() -> new IllegalArgumentException(
                        "the spec starts from provisioned hosts: provision before the run"));
        if (c.chunks() != 2 || c.pages() != 1 || c.latency() != 0 || c.bandwidth() != c.pageBytes()) {
            throw new IllegalArgumentException("outside the spec's units: " + c);
        }
        SortedSet<Long> keys = new TreeSet<>();
        for (Transition<FailoverState, FailoverAction, FailoverObservation> t : run.steps()) {
            if (t.action() instanceof FailoverAction.ClientUpdate u) {
                keys.add(u.key());
            }
        }
        Flags flags = new Flags();
        String updates = keys.isEmpty()
                ? "no Update"
                : "Update = " + keys.stream().map(k -> "u" + k).collect(Collectors.joining(" + "));
        SpecTrace.Builder b = new SpecTrace.Builder("Chunk = c0 + c1 and " + updates + " and c0.part = Update"
                + " and no c1.part and Figures.holdUp = " + c.holdUp() + " and Figures.panic = " + c.panic()
                + " and no Build.flaws and " + state(run.initial(), flags));
        for (int i = 0; i < run.steps().size(); i++) {
            Transition<FailoverState, FailoverAction, FailoverObservation> t =
                    run.steps().get(i);
            String op = operation(t.before(), t.action());
            flags.step(t);
            b.step(op, state(t.after(), flags), i + 1);
        }
        List<String> decls = new ArrayList<>();
        decls.add("disj c0, c1: Chunk");
        if (!keys.isEmpty()) {
            decls.add((keys.size() > 1 ? "disj " : "")
                    + keys.stream().map(k -> "u" + k).collect(Collectors.joining(", ")) + ": Update");
        }
        Map<String, Integer> scopes = new LinkedHashMap<>();
        if (keys.size() > 3) {
            scopes.put("Update", keys.size());
        }
        return b.build(String.join(", ", decls), scopes);
    }

    /** The spec operation whose guard holds for {@code a} in {@code s}, else {@code stutter}. */
    static String operation(FailoverState s, FailoverAction a) {
        FailoverConfig c = s.config().orElseThrow();
        Optional<FailoverCopy> copy = s.copy();
        boolean copying = s.phase() == FailoverPhase.COPYING;
        if (a instanceof FailoverAction.Serve) {
            return s.running().filter(h -> !h.queue().isEmpty()).isPresent()
                    ? "update[u" + s.running().get().queue().get(0).key() + "]"
                    : "stutter";
        } else if (a instanceof FailoverAction.PowerFail) {
            return s.phase() == FailoverPhase.RUNNING ? "powerFail" : "stutter";
        } else if (a instanceof FailoverAction.PanicDone) {
            return s.phase() == FailoverPhase.ON_BATTERY ? "panicDone" : "stutter";
        } else if (a instanceof FailoverAction.CopyChunk) {
            int sent = copy.map(FailoverCopy::chunksSent).orElse(0);
            return copying && sent < c.chunks() && s.link().up() ? "copyChunk[c" + sent + "]" : "stutter";
        } else if (a instanceof FailoverAction.Signal) {
            int sent = copy.map(FailoverCopy::chunksSent).orElse(0);
            return copying
                            && sent == c.chunks()
                            && s.link().up()
                            && s.secondary().up()
                    ? "signal"
                    : "stutter";
        } else if (a instanceof FailoverAction.BatteryOut) {
            return s.onBattery() ? "batteryOut" : "stutter";
        } else if (a instanceof FailoverAction.LinkDrops) {
            return s.link().up() ? "linkDrops" : "stutter";
        } else if (a instanceof FailoverAction.SecondaryCrash) {
            return s.secondary().up() ? "secondaryCrash" : "stutter";
        } else if (a instanceof FailoverAction.PowerReturns) {
            return s.onBattery() ? "powerReturns" : "stutter";
        } else if (a instanceof FailoverAction.StraySignal st) {
            return s.secondary().up()
                    ? "straySignal[" + (st.fromHost() == FailoverAction.PRIMARY ? "Primary" : "Stranger") + "]"
                    : "stutter";
        } else if (a instanceof FailoverAction.LinkSlows) {
            throw new IllegalArgumentException("outside the spec: " + a + " (its slowdown is one lost unit)");
        }
        return "stutter"; // ClientUpdate (the queue is not in the spec's state), Provision (refused)
    }

    /** One state of the spec. */
    static String state(FailoverState s, Flags flags) {
        FailoverConfig c = s.config().orElseThrow();
        List<String> f = new ArrayList<>();
        f.add("Sys.phase = " + phase(s.phase()));
        List<String> runs = new ArrayList<>();
        if (s.primary().runsApp()) {
            runs.add("Primary");
        }
        if (s.secondary().runsApp()) {
            runs.add("Secondary");
        }
        f.add(runs.isEmpty() ? "no Sys.runs" : "Sys.runs = " + String.join(" + ", runs));
        List<String> state = new ArrayList<>();
        held(s, c, s.primary().memory()).forEach(k -> state.add("Primary -> u" + k));
        held(s, c, s.secondary().memory()).forEach(k -> state.add("Secondary -> u" + k));
        f.add(state.isEmpty() ? "no Sys.state" : "Sys.state = " + String.join(" + ", state));
        f.add(updates("Sys.acked", s.acknowledged().keySet()));
        f.add(updates(
                "Sys.atFailure",
                s.atFailure().map(img -> held(s, c, img.pages())).orElse(List.of())));
        int sent = s.copy().map(FailoverCopy::chunksSent).orElse(0);
        f.add(chunks("Sys.sent", sent == 0 ? List.of() : sent == 1 ? List.of(0) : List.of(0, 1)));
        boolean current =
                s.copy().isPresent() && s.agent().epoch() == s.copy().get().epoch();
        f.add(chunks("Sys.landed", current ? List.copyOf(s.agent().landed()) : List.of()));
        if (s.onBattery()) {
            f.add("Sys.used = " + (s.now() - s.copy().orElseThrow().failedAt()));
        }
        List<String> flagAtoms = flags.of(s);
        f.add(flagAtoms.isEmpty() ? "no Sys.flags" : "Sys.flags = " + String.join(" + ", flagAtoms));
        return String.join(" and ", f);
    }

    /** The acknowledged keys whose acknowledged value {@code memory}'s application page holds. */
    private static List<Long> held(FailoverState s, FailoverConfig c, List<Bytes> memory) {
        List<Long> out = new ArrayList<>();
        if (memory.size() < c.pages()) {
            return out;
        }
        s.acknowledged().forEach((k, v) -> {
            if (FailoverLayout.read(c, memory.subList(0, (int) c.pages()), k) == v) {
                out.add(k);
            }
        });
        return out;
    }

    private static String updates(String field, java.util.Collection<Long> keys) {
        return keys.isEmpty()
                ? "no " + field
                : field + " = " + keys.stream().map(k -> "u" + k).collect(Collectors.joining(" + "));
    }

    private static String chunks(String field, List<Integer> chunks) {
        return chunks.isEmpty()
                ? "no " + field
                : field + " = " + chunks.stream().map(i -> "c" + i).collect(Collectors.joining(" + "));
    }

    static String phase(FailoverPhase p) {
        return switch (p) {
            case RUNNING -> "Running";
            case ON_BATTERY -> "OnBattery";
            case COPYING -> "Copying";
            case FAILED_OVER -> "FailedOver";
            case FAILED -> "Failed";
            case UNPROVISIONED -> throw new IllegalArgumentException("outside the spec: unprovisioned hosts");
        };
    }

    /** The flags the spec keeps across steps that the model's state does not hold itself. */
    static final class Flags {
        private boolean signalled;
        private boolean exhausted;
        private boolean faulted;

        /** Follows one step: a power failure clears Signalled, Exhausted and Faulted, observations set them. */
        void step(Transition<FailoverState, FailoverAction, FailoverObservation> t) {
            if (t.before().phase() == FailoverPhase.RUNNING && t.after().phase() == FailoverPhase.ON_BATTERY) {
                signalled = false;
                exhausted = false;
            }
            for (FailoverObservation o : t.observations()) {
                if (o instanceof FailoverObservation.Signalled) {
                    signalled = true;
                }
                if (o instanceof FailoverObservation.FailoverFailed f && f.cause() == FailoverCode.BATTERY_EXHAUSTED) {
                    exhausted = true;
                }
            }
        }

        /** The spec's flags in {@code s}. */
        List<String> of(FailoverState s) {
            faulted = s.copy().map(FailoverCopy::faulted).orElse(faulted);
            List<String> out = new ArrayList<>();
            if (signalled) {
                out.add("Signalled");
            }
            if (exhausted) {
                out.add("Exhausted");
            }
            if (faulted) {
                out.add("Faulted");
            }
            if (!s.link().up()) {
                out.add("LinkDown");
            }
            if (!s.secondary().up()) {
                out.add("SecondaryDown");
            }
            return out;
        }
    }
}
