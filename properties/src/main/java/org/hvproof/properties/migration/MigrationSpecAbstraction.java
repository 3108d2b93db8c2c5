package org.hvproof.properties.migration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Transition;
import org.hvproof.model.migration.BufferFrame;
import org.hvproof.model.migration.DmaDirection;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationLayout;
import org.hvproof.model.migration.MigrationModel;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.migration.WorkRequest;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;

/**
 * The abstraction from a run of the Java migration model to a trace of {@code migration.als}: one
 * formula per state, one pinned operation per step, over the spec's own names.
 *
 * <p><b>What it collapses.</b> A page's contents (4096 bytes) become one {@code Val} atom: the
 * zeroed page is {@code Zero}, every other contents seen in the run an atom {@code v<i>} of its
 * own, so two pages hold the same atom exactly when they hold the same bytes. Data page {@code i}
 * is {@code p<i>}, the buffer pages {@code Buf}; pool page {@code i} (the guest's page tables) is
 * {@code t<i>}, of which only whether it is dirty is kept ({@code Sys.tables}), since the walks'
 * accessed/dirty updates make them dirty in pre-copy and the downtime limit counts them. An accepted descriptor of ring index {@code i} is the request {@code r<i>}, a
 * {@code Recv} or a {@code Send}, its {@code at} the buffer pages its byte range touches; a rejected
 * one is no request (the spec has no descriptors), nor are the driver's tail and the device's head.
 * The spec's DMA pieces, the doorbell's copy of a transmit and the completion's copy-back change
 * "some value" on their request's pages where the model copies byte ranges; the trapping strategy's
 * whole-page syncs are exact. The downtime limit is read as the pages it fits ({@code Figures.fit},
 * 0 or 1) and the round limit is {@code Figures.limit} (1 or 2): runs outside those are refused.
 * The destination is pinned while pre-copy runs, zeroed before it, and not after switch-over
 * (where the model drops it).
 *
 * <p><b>Steps.</b> {@code GuestWrite} in range is {@code vmWrite}, and so is an accepted {@code
 * Submit} (a write of the ring page); {@code GuestRead} in range is {@code vmRead}; a {@code
 * Doorbell}, and a {@code RegisterWrite} that is one (the whole doorbell register), is one {@code
 * take} per accepted descriptor, in ring order, its intermediate states
 * those of the model's doorbell to each index in turn (which the model's doorbell is, one
 * descriptor after the other: checked against the step's own result); {@code DeviceStep} is {@code
 * devWrite} or {@code devRead} of the oldest request in flight; {@code CompletionInterrupt} is
 * {@code complete} of the oldest posted one; an accepted {@code StartMigration} is {@code start},
 * {@code MigrationRound} in pre-copy {@code round}. Anything refused or with nothing to do is
 * {@code stutter}.
 *
 * <p><b>Rounds in micro-steps.</b> The spec's {@code round} is one step; a round the model runs
 * in micro-steps ({@code RoundStep}: the round's start, then per page its re-arm and its copy) is
 * that one step, taken at the micro-step that finishes the round (or the {@code MigrationRound}
 * that finishes it whole), the micro-steps before it no spec step at all: the runs let nothing
 * else happen until the round is finished (a run may end in the middle of one, its last states
 * then not translated). The states in the middle of a round, and VM accesses between its
 * micro-steps, are left to the migration properties, which check MIG-1 at every micro-step.
 */
public final class MigrationSpecAbstraction {

    /** The spec's file. */
    static final String SPEC = "migration.als";

    private MigrationSpecAbstraction() {}

    /** The run (from a booted VM) as a trace of {@code migration.als}. */
    public static SpecTrace of(ModelRun<MigrationState, MigrationAction, MigrationObservation> run) {
        MigrationConfig c = run.initial().config();
        long fit = c.downtimeLimitMicros() / c.pageTimeMicros();
        if (c.roundLimit() > 2 || fit > 1 || c.dataPages() > 6) {
            throw new IllegalArgumentException("outside the spec's figures (at most 6 data pages, a round limit of"
                    + " 1 or 2, a downtime limit fitting 0 or 1 page): " + c);
        }
        Names names = new Names(c);
        List<String> states = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        List<Integer> actionOf = new ArrayList<>();
        states.add(names.state(run.initial()));
        actionOf.add(0);
        for (int i = 0; i < run.steps().size(); i++) {
            Transition<MigrationState, MigrationAction, MigrationObservation> t =
                    run.steps().get(i);
            for (SpecStep step : steps(t)) {
                ops.add(step.operation(names));
                states.add(names.state(step.after()));
                actionOf.add(i + 1);
            }
        }
        SpecTrace.Builder b = new SpecTrace.Builder(names.statics() + " and " + states.get(0));
        for (int k = 0; k < ops.size(); k++) {
            b.step(ops.get(k), states.get(k + 1), actionOf.get(k + 1));
        }
        return b.build(names.declarations(), names.scopes());
    }

    /** One spec step: the operation (over request ids, pages and values) and the model state after it. */
    private record SpecStep(String operation, MigrationState after, long request, int page) {
        static SpecStep of(String op, MigrationState after) {
            return new SpecStep(op, after, -1, -1);
        }

        String operation(Names names) {
            String out = operation.replace("$r", names.request(request)).replace("$p", "p" + page);
            if (out.contains("$v")) {
                out = out.replace("$v", names.value(after.memory().get(page)));
            }
            return out;
        }
    }

    /**
     * The spec steps of one model step, in order: a {@code tableUpdate} first when the step's walk
     * made page-table pages dirty in pre-copy (the model's walk comes before the access), standing
     * for the step itself when the spec has nothing else for it (a refused doorbell store still walks).
     */
    private static List<SpecStep> steps(Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        List<SpecStep> access = accessSteps(t);
        MigrationState s = t.before();
        MigrationState after = t.after();
        SortedSet<Long> tables = tablesDirty(after);
        tables.removeAll(tablesDirty(s));
        if (s.phase() != MigrationPhase.PRE_COPY || after.phase() != MigrationPhase.PRE_COPY || tables.isEmpty()) {
            return access;
        }
        if (access.size() == 1 && access.get(0).operation().equals("stutter")) {
            return List.of(SpecStep.of("tableUpdate", after));
        }
        SortedSet<Long> dirty = new TreeSet<>(s.dirty());
        dirty.addAll(tables);
        MigrationState walked = new MigrationState(
                s.config(),
                s.phase(),
                s.memory(),
                s.deviceBuffer(),
                s.vcpuReach(),
                s.deviceReach(),
                s.destination(),
                dirty,
                s.driverTail(),
                s.deviceHead(),
                s.inFlight(),
                s.posted(),
                s.delivered(),
                s.rejected(),
                s.transmitted(),
                s.pagesPerRound(),
                s.elapsedMicros(),
                s.report(),
                after.accessed(),
                after.written(),
                s.roundPages(),
                s.roundSteps());
        List<SpecStep> out = new ArrayList<>();
        out.add(SpecStep.of("tableUpdate", walked));
        out.addAll(access);
        return out;
    }

    /** The pool pages (page-table pages) in {@code s}'s dirty set. */
    private static SortedSet<Long> tablesDirty(MigrationState s) {
        return new TreeSet<>(s.dirty().tailSet((long) s.config().dataPages()));
    }

    /** The spec steps of one model step's access (or other action), in order. */
    private static List<SpecStep> accessSteps(Transition<MigrationState, MigrationAction, MigrationObservation> t) {
        MigrationState s = t.before();
        MigrationState after = t.after();
        MigrationConfig c = s.config();
        MigrationAction a = t.action();
        if (a instanceof MigrationAction.GuestWrite w
                && MigrationModel.inRange(c, w.page(), w.offset(), w.data().length())) {
            return List.of(new SpecStep("vmWrite[$p, $v]", after, -1, (int) w.page()));
        } else if (a instanceof MigrationAction.GuestRead r
                && MigrationModel.inRange(c, r.page(), r.offset(), r.length())) {
            return List.of(new SpecStep("vmRead[$p]", after, -1, (int) r.page()));
        } else if (a instanceof MigrationAction.Submit && after.driverTail() != s.driverTail()) {
            return List.of(new SpecStep("vmWrite[$p, $v]", after, -1, 0));
        } else if ((a instanceof MigrationAction.Doorbell || a instanceof MigrationAction.RegisterWrite)
                && after.deviceHead() != s.deviceHead()) {
            return doorbell(s, after);
        } else if (a instanceof MigrationAction.DeviceStep && !s.inFlight().isEmpty()) {
            WorkRequest r = s.inFlight().get(0);
            String op = r.direction() == DmaDirection.FROM_DEVICE ? "devWrite[$r]" : "devRead[$r]";
            return List.of(new SpecStep(op, after, r.id(), -1));
        } else if (a instanceof MigrationAction.CompletionInterrupt
                && !s.posted().isEmpty()) {
            return List.of(new SpecStep("complete[$r]", after, s.posted().get(0).id(), -1));
        } else if (a instanceof MigrationAction.StartMigration && after.phase() != s.phase()) {
            return List.of(SpecStep.of("start", after));
        } else if ((a instanceof MigrationAction.MigrationRound || a instanceof MigrationAction.RoundStep)
                && s.phase() == MigrationPhase.PRE_COPY) {
            if (after.roundInProgress()) {
                if (!s.roundInProgress() && !after.roundPages().equals(s.dirty())) {
                    throw new IllegalStateException(
                            "a round began with pages " + after.roundPages() + " where " + s.dirty() + " were dirty");
                }
                return List.of();
            }
            return List.of(SpecStep.of("round", after));
        }
        return List.of(SpecStep.of("stutter", after));
    }

    /**
     * A doorbell as the model's doorbells to each index from the head up to the new head: one
     * {@code take} per accepted descriptor (a rejected one changes nothing the spec holds).
     */
    private static List<SpecStep> doorbell(MigrationState s, MigrationState after) {
        List<SpecStep> out = new ArrayList<>();
        MigrationState at = s;
        for (long tail = s.deviceHead() + 1; tail <= after.deviceHead(); tail++) {
            MigrationState next =
                    MigrationModel.step(at, new MigrationAction.Doorbell(tail)).next();
            if (next.inFlight().size() > at.inFlight().size()) {
                out.add(new SpecStep("take[$r]", next, tail - 1, -1));
            }
            at = next;
        }
        if (!at.equals(after)) {
            throw new IllegalStateException("the doorbell is not its descriptors one after the other: " + at
                    + " after them, " + after + " after the doorbell");
        }
        return out.isEmpty() ? List.of(SpecStep.of("stutter", after)) : out;
    }

    /** The atoms a trace names: pages, requests (with their pages and direction), values. */
    private static final class Names {
        private final MigrationConfig config;
        private final Map<Bytes, String> values = new LinkedHashMap<>();
        private final Map<Long, WorkRequest> requests = new LinkedHashMap<>();

        Names(MigrationConfig config) {
            this.config = config;
        }

        String value(Bytes page) {
            if (page.equals(MigrationState.zeroPages(1).get(0))) {
                return "Zero";
            }
            return values.computeIfAbsent(page, b -> "v" + values.size());
        }

        String request(long id) {
            return "r" + id;
        }

        /** The spec's state for {@code s}, noting its requests and values. */
        String state(MigrationState s) {
            for (WorkRequest r : s.inFlight()) {
                requests.putIfAbsent(r.id(), r);
            }
            for (WorkRequest r : s.posted()) {
                requests.putIfAbsent(r.id(), r);
            }
            List<String> f = new ArrayList<>();
            f.add("Sys.phase = " + phase(s.phase()));
            f.add(relation("Sys.mem", pages(s.memory(), 0)));
            f.add(relation("Sys.dev", s.copied() ? pages(s.deviceBuffer(), 1) : List.of()));
            switch (s.phase()) {
                case RUNNING -> f.add("Sys.dst = Page -> Zero");
                case PRE_COPY -> f.add(relation("Sys.dst", pages(s.destination(), 0)));
                case MIGRATED -> {}
            }
            f.add(set(
                    "Sys.dirty",
                    s.dirty().stream()
                            .filter(p -> p < config.dataPages())
                            .map(p -> "p" + p)
                            .toList()));
            f.add(set(
                    "Sys.tables",
                    s.dirty().stream()
                            .filter(p -> p >= config.dataPages())
                            .map(p -> "t" + (p - config.dataPages()))
                            .toList()));
            f.add(relation("Sys.vcpuReach", reach(s.vcpuReach())));
            f.add(relation("Sys.devReach", reach(s.deviceReach())));
            List<String> taken = new ArrayList<>();
            for (long id = 0; id < s.deviceHead(); id++) {
                if (!s.rejected().contains(id)) {
                    taken.add(request(id));
                }
            }
            f.add(set("Sys.taken", taken));
            f.add(set(
                    "Sys.inFlight",
                    s.inFlight().stream().map(r -> request(r.id())).toList()));
            f.add(set(
                    "Sys.posted", s.posted().stream().map(r -> request(r.id())).toList()));
            f.add(set("Sys.delivered", s.delivered().stream().map(this::request).toList()));
            f.add("Sys.rounds = " + s.pagesPerRound().size());
            return String.join(" and ", f);
        }

        /** The run's fixed facts: pages, the build, the figures, each request's pages and direction. */
        String statics() {
            List<String> f = new ArrayList<>();
            f.add("Page = " + join(pageRange(0, config.dataPages())));
            f.add("Buf = " + join(pageRange(1, 1 + config.bufferPages())));
            f.add("Table = " + join(tableRange()));
            f.add("no Build.flaws");
            f.add("Build.embodiment = "
                    + (config.embodiment() == MigrationEmbodiment.COPY_AS_VCPU_BUFFER
                            ? "CopyAsVcpuBuffer"
                            : "CopyAsDeviceBuffer"));
            f.add("Build.strategy = "
                    + (config.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION
                            ? "DoorbellAndCompletion"
                            : "TrapVcpuAccess"));
            f.add("Figures.limit = " + config.roundLimit());
            f.add("Figures.fit = " + config.downtimeLimitMicros() / config.pageTimeMicros());
            List<String> recv = new ArrayList<>();
            List<String> send = new ArrayList<>();
            for (WorkRequest r : requests.values()) {
                (r.direction() == DmaDirection.FROM_DEVICE ? recv : send).add(request(r.id()));
                f.add(request(r.id()) + ".at = "
                        + join(MigrationLayout.pagesOf(r.address(), r.length()).stream()
                                .map(p -> "p" + p)
                                .toList()));
            }
            f.add(set("Recv", recv));
            f.add(set("Send", send));
            return String.join(" and ", f);
        }

        String declarations() {
            List<String> d = new ArrayList<>();
            d.add(disj(pageRange(0, config.dataPages()), "Page"));
            d.add(disj(tableRange(), "Table"));
            if (!requests.isEmpty()) {
                d.add(disj(requests.keySet().stream().map(this::request).toList(), "Req"));
            }
            if (!values.isEmpty()) {
                d.add(disj(List.copyOf(values.values()), "Val - Zero"));
            }
            return String.join(", ", d);
        }

        Map<String, Integer> scopes() {
            Map<String, Integer> out = new LinkedHashMap<>();
            out.put("Page", config.dataPages());
            out.put("Table", config.poolPages());
            out.put("Req", Math.max(1, requests.size()));
            out.put("Val", values.size() + 1);
            return out;
        }

        private List<String> pages(List<Bytes> pages, int first) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
                out.add("p" + (i + first) + " -> " + value(pages.get(i)));
            }
            return out;
        }

        private static List<String> reach(List<BufferFrame> frames) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                out.add("p" + (i + 1) + " -> "
                        + switch (frames.get(i)) {
                            case ORIGINAL -> "Original";
                            case COPY -> "Copy";
                            case OTHER ->
                                throw new IllegalArgumentException(
                                        "outside the spec: buffer page " + (i + 1) + " reaches another frame");
                        });
            }
            return out;
        }

        /** The page-table pool's pages as atoms {@code t0 ..}. */
        private List<String> tableRange() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < config.poolPages(); i++) {
                out.add("t" + i);
            }
            return out;
        }

        private static List<String> pageRange(int from, int to) {
            List<String> out = new ArrayList<>();
            for (int p = from; p < to; p++) {
                out.add("p" + p);
            }
            return out;
        }

        private static String disj(List<String> atoms, String sig) {
            return (atoms.size() > 1 ? "disj " : "") + String.join(", ", atoms) + ": " + sig;
        }

        private static String join(List<String> atoms) {
            return String.join(" + ", atoms);
        }

        private static String relation(String field, List<String> tuples) {
            return tuples.isEmpty() ? "no " + field : field + " = " + join(tuples);
        }

        private static String set(String field, List<String> atoms) {
            return atoms.isEmpty() ? "no " + field : field + " = " + join(atoms);
        }
    }

    static String phase(MigrationPhase p) {
        return switch (p) {
            case RUNNING -> "Running";
            case PRE_COPY -> "PreCopy";
            case MIGRATED -> "Migrated";
        };
    }

    /** A short description of a state for reports: phase, dirty pages, ring, rounds. */
    static String describe(MigrationState s) {
        return phase(s.phase()) + ", dirty " + s.dirty() + ", in flight "
                + s.inFlight().stream().map(r -> "r" + r.id()).collect(Collectors.joining(" ")) + ", posted "
                + s.posted().stream().map(r -> "r" + r.id()).collect(Collectors.joining(" ")) + ", delivered "
                + s.delivered() + ", rounds " + s.pagesPerRound().size();
    }
}
