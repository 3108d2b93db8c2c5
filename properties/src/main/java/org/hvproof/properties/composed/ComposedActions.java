package org.hvproof.properties.composed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.properties.domains.DomainsActions;
import org.hvproof.properties.failover.FailoverActions;
import org.hvproof.properties.integrity.IntegrityActions;
import org.hvproof.properties.interrupts.InterruptsActions;
import org.hvproof.properties.interrupts.InterruptsRun;
import org.hvproof.properties.interrupts.InterruptsTraceStep;
import org.hvproof.properties.migration.MigrationActions;
import org.hvproof.properties.tracing.TracingActions;

/**
 * The composed trace generator: each step is one mechanism's next step, drawn by that
 * mechanism's own generator from its own part of the state (hostile actions included: wrong
 * entries, requests from normal mode, hostile page tables, jumps past gates, interrupt storms,
 * device writes, interrupts inside the protected sequence, device reads and stray jumps), the
 * mechanisms interleaved at random, over the integrity guest's two vCPUs, the domains' two, the
 * interrupts guest's one, the migration source's one and the tracing guest's two (the tracing
 * mechanism's own generator: its owners' requests, atomic or in micro-steps with the other guests'
 * steps between them, two owners on a page, its device's writes to traced pages). The per-mechanism generators span their domains; interleaving them spans the
 * seams, which {@link ComposedLabels} name; one step of the composition's own aims the domains'
 * root at the integrity guest's store.
 */
public final class ComposedActions {
    /** Share of steps that are the integrity guest's. */
    static final double INTEGRITY_WEIGHT = 1;
    /** Share of steps that are the domains'. */
    static final double DOMAINS_WEIGHT = 1;
    /** Share of steps that are the interrupts guest's. */
    static final double INTERRUPTS_WEIGHT = 1;
    /** Share of steps that are the migration source's (its VM, its NIC, the operator's starts and rounds). */
    static final double MIGRATION_WEIGHT = 1;
    /**
     * Share of the single-run traces' steps that are the failover pair's (its operator's, its
     * clients', the primary's power and agent, the link's, the secondary guest's), against the
     * five other guests' steps together at 5.
     */
    static final double FAILOVER_WEIGHT = 1;
    /** Share of steps that are the tracing guest's (its mappings, accesses, owners' requests and their micro-steps, DMA). */
    static final double TRACING_WEIGHT = 1;

    /**
     * Extra weight, among the migration source's steps, of a round while pre-copy runs and a
     * completion of its NIC is posted and not yet delivered: the switch-over a replayed request
     * needs (MIG-4), rare otherwise.
     */
    static final double ROUND_WHILE_POSTED_WEIGHT = 1;

    private ComposedActions() {}

    /**
     * One generated step: the actions of one mechanism's step, in order; or an interrupts step as
     * the interrupts generator drew it ({@code interrupts} present, {@code actions} empty), which
     * the trace runs as the interrupts trace does (a run to an address or a quiescence depends on
     * where the machine is).
     */
    public record Step(List<ComposedSystemAction> actions, Optional<Action<InterruptsRun>> interrupts) {
        /** Copies the actions. */
        public Step {
            actions = List.copyOf(actions);
        }

        /** A step of the integrity guest or the domains: these actions. */
        public Step(List<ComposedSystemAction> actions) {
            this(actions, Optional.empty());
        }

        @Override
        public String toString() {
            if (interrupts.isPresent()) {
                return "interrupts " + interrupts.get().describe();
            }
            StringBuilder out = new StringBuilder();
            for (ComposedSystemAction a : actions) {
                out.append(out.isEmpty() ? "" : "; ").append(a);
            }
            return out.toString();
        }
    }

    /**
     * The next step for state {@code s}: an integrity step, a domains step, an interrupts step
     * (INT-6's generator: the others' steps with more device reads and jumps to bytes), a
     * migration step (the migration generator's single-run actions: the VM's accesses, its
     * driver's descriptors and doorbells, DMA steps, completions, starts and rounds, hostile ones
     * included), or (from a vCPU of the
     * domains running root code) a domains step naming the integrity guest's store: the root's
     * page table pointed at the number of a page of the tree's node pool, then a read, a write or
     * a device write of it. The domains' guest-physical numbers are their own, so in a correct
     * composition these reach nothing (the number is unmapped in the root's view); they reach a
     * node frame only where the views share frames.
     */
    public static Gen<Step> next(ComposedState s) {
        return next(s, false);
    }

    /**
     * The next step of a single-run composed trace for state {@code s}: a step of the five guests
     * as {@link #next(ComposedState)} draws them, or (a sixth of the steps) the failover pair's
     * next action, drawn by the failover mechanism's own generator from its part of the state
     * (provisioning first; its secondary's crash included, the crash of that guest alone). The
     * two-run properties leave the failover pair out.
     */
    public static Gen<Step> nextBesideFailover(ComposedState s) {
        return Gens.frequency(
                Gens.weighted(
                        INTEGRITY_WEIGHT + DOMAINS_WEIGHT + INTERRUPTS_WEIGHT + MIGRATION_WEIGHT + TRACING_WEIGHT,
                        next(s)),
                Gens.weighted(
                        FAILOVER_WEIGHT,
                        FailoverActions.action(s.failover())
                                .map(a -> new Step(List.of(new ComposedSystemAction.Failover(a))))));
    }

    /**
     * The next step for state {@code s}, as {@link #next(ComposedState)}; with {@code
     * migrationContract} the migration VM keeps its driver's contract (it leaves buffers its NIC
     * owns alone until their completion), as MIG-1's two runs need.
     */
    static Gen<Step> next(ComposedState s, boolean migrationContract) {
        return next(s, migrationContract, false);
    }

    /**
     * The next step of INT-1's two runs, drawn from run A's state {@code s}, as {@link
     * #next(ComposedState)} except that the interrupts guest's low code may hold run A's secret
     * (the guess INT-1 must withstand; a single trace's invariants would read it as a leak).
     */
    static Gen<Step> nextForInterruptsPair(ComposedState s) {
        return next(s, false, true);
    }

    private static Gen<Step> next(ComposedState s, boolean migrationContract, boolean interruptsTwoRuns) {
        Gen<Step> integrity = IntegrityActions.actions(s.integrity())
                .map(a -> new Step(List.of(new ComposedSystemAction.Integrity(a))));
        Gen<Step> interrupts = InterruptsActions.<InterruptsRun>nextWithDeviceAndStrayJumps(
                        new InterruptsPart(s, interruptsTwoRuns))
                .map(a -> new Step(List.of(), Optional.of(a)));
        Gen<Step> migration = MigrationActions.action(s.migration(), migrationContract)
                .map(a -> new Step(List.of(new ComposedSystemAction.Migration(a))));
        if (s.migration().phase() == MigrationPhase.PRE_COPY
                && !s.migration().posted().isEmpty()) {
            // MIG-4's key situation: a round (the switch-over, at the round limit) while a completion is posted.
            migration = Gens.frequency(
                    Gens.weighted(1, migration),
                    Gens.weighted(
                            ROUND_WHILE_POSTED_WEIGHT,
                            Gens.constant(new Step(List.of(
                                    new ComposedSystemAction.Migration(new MigrationAction.MigrationRound()))))));
        }
        Gen<Step> tracing = TracingActions.action(s.tracing(), new TracingActions.Menus())
                .map(a -> new Step(List.of(new ComposedSystemAction.Tracing(a))));
        Gen<Step> domains = DomainsActions.next(s.domains())
                .map(d -> new Step(d.actions().stream()
                        .map(a -> (ComposedSystemAction) new ComposedSystemAction.Domains(a))
                        .toList()));
        List<Integer> root = new ArrayList<>();
        for (int v = 0; v < s.domains().vcpus().size(); v++) {
            if (s.domains().vcpus().get(v).domain().isRoot()) {
                root.add(v);
            }
        }
        if (root.isEmpty()) {
            return Gens.frequency(
                    Gens.weighted(INTEGRITY_WEIGHT, integrity),
                    Gens.weighted(DOMAINS_WEIGHT, domains),
                    Gens.weighted(INTERRUPTS_WEIGHT, interrupts),
                    Gens.weighted(MIGRATION_WEIGHT, migration),
                    Gens.weighted(TRACING_WEIGHT, tracing));
        }
        return Gens.frequency(
                Gens.weighted(INTEGRITY_WEIGHT, integrity),
                Gens.weighted(DOMAINS_WEIGHT, domains),
                Gens.weighted(INTERRUPTS_WEIGHT, interrupts),
                Gens.weighted(MIGRATION_WEIGHT, migration),
                Gens.weighted(TRACING_WEIGHT, tracing),
                Gens.weighted(AT_STORE_WEIGHT, atStore(root)));
    }

    /**
     * The migration source's figures for one trace, as the migration mechanism's own generator
     * draws them where the shared machine allows: 3 to 8 data pages (mostly 3 to 5), 1 to 3
     * buffer pages (at least one other data page left), 1 to 8 ring slots, either embodiment and
     * either strategy; its guest RAM bounded to the pages these need; a downtime limit of none to
     * twelve pages' time (mostly {@link ComposedSystem#MIGRATION}'s two pages) and a round limit
     * of one ({@link ComposedSystem#MIGRATION}'s, two traces in three) or two to four, so that a
     * switch-over still comes within the migration guest's quarter of the steps. Switch-overs
     * that converged within the limit are common ({@link ComposedLabels#MIGRATION_CONVERGED_BESIDE},
     * with a minimum); those after two rounds or more are rare (about 1% of traces, {@link
     * ComposedLabels#MIGRATION_SEVERAL_ROUNDS_BESIDE}, no minimum: the migration's own traces
     * cover three rounds or more, with one). Shrinks toward {@link ComposedSystem#MIGRATION}.
     */
    public static Gen<MigrationConfig> migrationConfig() {
        MigrationConfig simplest = ComposedSystem.MIGRATION;
        Gen<Integer> dataPages = Gens.frequency(
                Gens.weighted(6, Gens.integers(3, 5, simplest.dataPages())),
                Gens.weighted(2, Gens.integers(3, 8, simplest.dataPages())));
        Gen<Integer> bufferPages = Gens.integers(1, 3, simplest.bufferPages());
        Gen<Integer> ringSlots = Gens.frequency(
                Gens.weighted(5, Gens.integers(2, 4, simplest.ringSlots())),
                Gens.weighted(2, Gens.integers(1, 8, simplest.ringSlots())));
        Gen<MigrationEmbodiment> embodiment = Gens.elements(
                simplest.embodiment(),
                simplest.embodiment() == MigrationEmbodiment.COPY_AS_DEVICE_BUFFER
                        ? MigrationEmbodiment.COPY_AS_VCPU_BUFFER
                        : MigrationEmbodiment.COPY_AS_DEVICE_BUFFER);
        Gen<MigrationStrategy> strategy = Gens.elements(
                simplest.strategy(),
                simplest.strategy() == MigrationStrategy.DOORBELL_AND_COMPLETION
                        ? MigrationStrategy.TRAP_VCPU_ACCESS
                        : MigrationStrategy.DOORBELL_AND_COMPLETION);
        long pageTime = simplest.pageTimeMicros();
        int simplestFit = (int) (simplest.downtimeLimitMicros() / pageTime);
        Gen<Integer> fitPages = Gens.frequency(
                Gens.weighted(4, Gens.constant(simplestFit)),
                Gens.weighted(2, Gens.integers(0, 3, simplestFit)),
                Gens.weighted(1, Gens.integers(0, 12, simplestFit)));
        Gen<Integer> rounds = Gens.frequency(
                Gens.weighted(4, Gens.constant(simplest.roundLimit())), Gens.weighted(2, Gens.integers(2, 4)));
        return Gens.combine(List.of(dataPages, bufferPages, ringSlots, embodiment, strategy, fitPages, rounds), xs -> {
            int pages = (Integer) xs.get(0);
            return new MigrationConfig(
                    pages,
                    Math.max(1, Math.min((Integer) xs.get(1), pages - 2)),
                    (Integer) xs.get(2),
                    simplest.pageBytes(),
                    simplest.bandwidth(),
                    (Integer) xs.get(5) * pageTime,
                    (Integer) xs.get(6),
                    (MigrationEmbodiment) xs.get(3),
                    (MigrationStrategy) xs.get(4));
        });
    }

    /**
     * The interrupts guest's part of a composed state as its generator reads a trace: booted, its
     * model state, its secret the value low code never writes (in one trace; in INT-1's two runs
     * none, so run A's secret is a guess low code may hold). Only drawn from: the composed trace
     * runs the drawn step itself.
     */
    private record InterruptsPart(ComposedState s, boolean twoRuns) implements InterruptsRun {
        @Override
        public boolean booted() {
            return true;
        }

        @Override
        public InterruptsState state() {
            return s.interrupts();
        }

        @Override
        public OptionalLong unguessable() {
            return twoRuns
                    ? OptionalLong.empty()
                    : OptionalLong.of(s.interrupts().secret());
        }

        @Override
        public void perform(InterruptsTraceStep step, Context ctx) {
            throw new UnsupportedOperationException("the composed trace runs the interrupts steps");
        }
    }

    /** Share of steps (while a domains vCPU runs root code) that aim the root at the store's node pool. */
    static final double AT_STORE_WEIGHT = 0.25;

    /** Window page the root's table is made to point at a node-pool page. */
    static final int PROBE_WINDOW_PAGE = 5;

    /**
     * A root vCPU of the domains rewrites its table (window page 0, its region kept mapped) to
     * point window page {@link #PROBE_WINDOW_PAGE} at a page of the integrity store's node pool
     * (mostly its first pages, where nodes live), then reads it, writes it, or has the device
     * write it: in the correct composition every one of them faults, the domains' views mapping
     * no page of the integrity guest.
     */
    private static Gen<Step> atStore(List<Integer> root) {
        long first = ComposedSystem.STORE.poolFirst();
        Gen<Long> nodePage = Gens.frequency(
                Gens.weighted(4, Gens.longs(first, first + 7)),
                Gens.weighted(1, Gens.longs(first, first + ComposedSystem.STORE.poolSize() - 1)));
        return Gens.combine(Gens.elements(root), nodePage, Gens.integers(0, 2), (v, node, how) -> {
            Map<Integer, Long> entries = new TreeMap<>();
            for (int k = 0; k < DomainLayout.PAGES_PER_REGION; k++) {
                entries.put(k, DomainLayout.regionFirst(0) + k);
            }
            entries.put(PROBE_WINDOW_PAGE, node);
            DomainsSystemAction touch = switch (how) {
                case 0 -> new DomainsSystemAction.Read(v, PROBE_WINDOW_PAGE);
                case 1 -> new DomainsSystemAction.Write(v, PROBE_WINDOW_PAGE, Map.of());
                default -> new DomainsSystemAction.DeviceWrite(v, node);
            };
            return new Step(List.of(
                    new ComposedSystemAction.Domains(new DomainsSystemAction.Write(v, 0, entries)),
                    new ComposedSystemAction.Domains(touch)));
        });
    }
}
