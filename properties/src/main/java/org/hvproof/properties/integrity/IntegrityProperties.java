package org.hvproof.properties.integrity;

import java.util.function.BiPredicate;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ClaimHarness;
import org.hvproof.properties.harness.MachineCheck;

/**
 * The GI claims over generated traces. Each property runs traces of the machine and the model in
 * lockstep through the {@link ClaimHarness}: after every action, the claim's invariants
 * ({@link IntegrityInvariants}, named as in {@code integrity.als}) on the machine's step read
 * through the abstraction function; where the claim speaks of an alert's action, that the action
 * was performed on memory (a machine-level check, {@code alertActionPerformed}); then refinement.
 * Coverage minimums fail a property whose traces do not reach the situations its claim speaks of.
 */
public final class IntegrityProperties {
    /** Default tries per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /**
     * Tries of each of TREE-7's two properties (by integrity variant here, by tree variant in
     * {@code TreeProperties}): on the correct system they run different traces, together as many
     * as one claim's {@link #TRIES}, each step costing about four of a GI property's.
     */
    public static final int STORE_TRIES = TRIES / 2;
    /** Actions per trace, at most. */
    public static final int STEPS = 35;

    /** The integrity mechanism plugged into the claim harness. */
    static final ClaimHarness<IntegrityImplFlaw, IntegrityTrace, IntegrityState, IntegrityAction, IntegrityObservation>
            HARNESS = new ClaimHarness<>(
                    "integrity", IntegrityInvariants.ALL, IntegrityTrace::new, IntegrityActions::next, TRIES, STEPS);

    private IntegrityProperties() {}

    /** GI-1: integrity mode is entered only at the registered entry point; any other attempt stays normal and alerts. */
    @Claim("GI-1")
    public static StatefulProperty<IntegrityTrace> entryOnlyAtTheEntryPoint(IntegrityImplFlaw flaw) {
        return HARNESS.claim("GI-1", "integrity mode is entered only at the entry point", flaw)
                .cover(60, IntegrityLabels.ENTERED)
                .cover(35, IntegrityLabels.WRONG_ENTRY_ALERT)
                .cover(25, IntegrityLabels.WRONG_OFFSET_IN_ENTRY_PAGE)
                .cover(10, IntegrityLabels.ENTRY_HIGH_BIT_ALIAS);
    }

    /** GI-2: outside integrity mode every write to the driver's code or data alerts (and is blocked). */
    @Claim("GI-2")
    public static StatefulProperty<IntegrityTrace> driverPagesAlertOutsideIntegrityMode(IntegrityImplFlaw flaw) {
        return HARNESS.claim(
                        "GI-2",
                        "driver pages alert outside integrity mode",
                        flaw,
                        alertActionPerformed("GI-2", IntegrityMachineChecks.DRIVER_PAGE_WRITES_IN_NORMAL_MODE))
                .cover(45, IntegrityLabels.DRIVER_PAGE_ALERT_IN_NORMAL_MODE)
                .cover(50, IntegrityLabels.BLOCKED_WRITE)
                .cover(12, IntegrityLabels.DRIVER_IN_UPPER_HALF)
                .cover(7, IntegrityLabels.WRITE_HIGH_BIT_ALIAS)
                .cover(18, IntegrityLabels.WRITE_BEYOND_GUARDED_MEMORY)
                .cover(10, IntegrityLabels.ALERT_THROUGH_LARGE_GUEST_LEAF)
                .cover(10, IntegrityLabels.ALERT_THROUGH_SMALL_GUEST_LEAF);
    }

    /** GI-3: inside integrity mode the driver's writes to its own data never alert (and complete). */
    @Claim("GI-3")
    public static StatefulProperty<IntegrityTrace> ownDataQuietInIntegrityMode(IntegrityImplFlaw flaw) {
        return HARNESS.claim(
                        "GI-3",
                        "own data is quiet in integrity mode",
                        flaw,
                        alertActionPerformed("GI-3", IntegrityMachineChecks.OWN_DATA_WRITES_IN_INTEGRITY_MODE))
                .cover(45, IntegrityLabels.QUIET_OWN_DATA_WRITE)
                .cover(12, IntegrityLabels.DRIVER_IN_UPPER_HALF);
    }

    /** GI-4: a vCPU runs on the integrity view exactly while in integrity mode; exit, interrupt and fault restore the protected view. */
    @Claim("GI-4")
    public static StatefulProperty<IntegrityTrace> viewFollowsMode(IntegrityImplFlaw flaw) {
        return HARNESS.claim("GI-4", "the integrity view is used exactly in integrity mode", flaw)
                .cover(30, IntegrityLabels.EXIT)
                .cover(30, IntegrityLabels.INTERRUPT_EXIT)
                .cover(20, IntegrityLabels.FAULT_EXIT)
                .cover(10, IntegrityLabels.INTERRUPT_VECTOR_BELOW_32)
                .cover(9, IntegrityLabels.FAULT_VECTOR_ABOVE_31);
    }

    /** GI-5: protection requests take effect only from integrity mode; elsewhere they change nothing and alert. */
    @Claim("GI-5")
    public static StatefulProperty<IntegrityTrace> requestsOnlyFromIntegrityMode(IntegrityImplFlaw flaw) {
        return HARNESS.claim(
                        "GI-5",
                        "requests take effect only from integrity mode",
                        flaw,
                        new MachineCheck<>(
                                "GI-5 treeRequestsOnlyThroughTheService",
                                IntegrityTrace::checkTreeRequestsOnlyThroughTheService))
                .cover(40, IntegrityLabels.REFUSED_REQUEST)
                .cover(50, IntegrityLabels.PROTECTED)
                .cover(40, IntegrityLabels.BAD_ARGUMENTS_REFUSED)
                .cover(13, IntegrityLabels.PROTECTED_UPPER_HALF);
    }

    /** GI-6: a protected page stays protected until a request from integrity mode removes it. */
    @Claim("GI-6")
    public static StatefulProperty<IntegrityTrace> protectionsPersist(IntegrityImplFlaw flaw) {
        return HARNESS.claim("GI-6", "protections persist until removed from integrity mode", flaw)
                // 22.2-24.9% over seven seeds since requests run in micro-steps (an unprotect
                // publishes two actions after it starts, so one at a trace's end does not count)
                .cover(19, IntegrityLabels.UNPROTECTED)
                .cover(10, IntegrityLabels.PROTECTION_SURVIVED_REFUSED_REMOVAL)
                .cover(40, IntegrityLabels.BAD_ARGUMENTS_REFUSED)
                .cover(13, IntegrityLabels.PROTECTED_UPPER_HALF);
    }

    /** GI-7: inside integrity mode a write to any protected page but the driver's own data still performs its action. */
    @Claim("GI-7")
    public static StatefulProperty<IntegrityTrace> otherProtectedPagesAlertInIntegrityMode(IntegrityImplFlaw flaw) {
        return HARNESS.claim(
                        "GI-7",
                        "other protected pages alert in integrity mode",
                        flaw,
                        alertActionPerformed("GI-7", IntegrityMachineChecks.OTHER_WRITES_IN_INTEGRITY_MODE))
                // about 28% of traces since GI-8 (stray instructions end integrity mode early): the
                // minimum sits four standard deviations under, so no fresh seed misses it
                .cover(22, IntegrityLabels.PROTECTED_PAGE_ALERT_IN_INTEGRITY_MODE)
                .cover(15, IntegrityLabels.DRIVER_CODE_ALERT_IN_INTEGRITY_MODE)
                .cover(20, IntegrityLabels.RECORDED_AND_ALLOWED_WRITE)
                .cover(7, IntegrityLabels.WRITE_UNMONITORED_NEXT_TO_MONITORED)
                .cover(7, IntegrityLabels.WRITE_HIGH_BIT_ALIAS);
    }

    /**
     * GI-8: in integrity mode only the driver's code runs: an instruction from anywhere else (or in
     * user mode) and any fault end the mode with an alert; the integrity view's nested page table
     * makes only the driver's code executable ({@code onlyDriverCodeExecutable}, read off the table).
     */
    @Claim("GI-8")
    public static StatefulProperty<IntegrityTrace> onlyDriverCodeRunsInIntegrityMode(IntegrityImplFlaw flaw) {
        return HARNESS.claim(
                        "GI-8",
                        "only the driver's code runs in integrity mode",
                        flaw,
                        new MachineCheck<>(
                                "GI-8 onlyDriverCodeExecutable",
                                t -> t.checkOnlyDriverCodeExecutable("GI-8 onlyDriverCodeExecutable")))
                .cover(25, IntegrityLabels.STRAY_INSTRUCTION_FAULTED)
                .cover(10, IntegrityLabels.INSTRUCTION_FROM_DRIVER_DATA)
                .cover(5, IntegrityLabels.USER_INSTRUCTION_IN_INTEGRITY_MODE)
                .cover(15, IntegrityLabels.DRIVER_RUNS_AWAY_FROM_ENTRY)
                .cover(30, IntegrityLabels.FAULT_ALERT);
    }

    /** The integrity service's traces with TREE-7's store checks, by integrity variant. */
    static final ClaimHarness<IntegrityImplFlaw, IntegrityTrace, IntegrityState, IntegrityAction, IntegrityObservation>
            STORE_HARNESS = new ClaimHarness<>(
                    "integrity",
                    IntegrityInvariants.ALL,
                    f -> IntegrityTrace.storeTrace(f, TreeImplFlaw.NONE),
                    IntegrityActions::next,
                    STORE_TRIES,
                    STEPS);

    /**
     * TREE-7 against the integrity service's variants: the protections it grants and removes are
     * the leaf mappings of its traced tree, whose node pages are write-protected and traced in every
     * view, every node-page write is vetoed, and a protect is refused for a full store only when the
     * tree cannot take it ({@link IntegrityTrace#checkStoreFullOnlyWithoutRoom} and the three checks after it).
     */
    @Claim("TREE-7")
    public static StatefulProperty<IntegrityTrace> protectionsAreTheTreesLeaves(IntegrityImplFlaw flaw) {
        return storeClaim(STORE_HARNESS, "the protections are the leaf mappings of the traced tree", flaw);
    }

    /** TREE-7's property on {@code harness}, with its check and coverage minimums. */
    public static <F extends Enum<F> & org.hvproof.model.common.Flaw> StatefulProperty<IntegrityTrace> storeClaim(
            ClaimHarness<F, IntegrityTrace, IntegrityState, IntegrityAction, IntegrityObservation> harness,
            String title,
            F flaw) {
        return harness.claim(
                        "TREE-7",
                        title,
                        flaw,
                        // a refusal with room first: the model granted what the store refused, so the
                        // leaves and the protections part in the same step, as its consequence
                        new MachineCheck<>(
                                "TREE-7 storeFullOnlyWithoutRoom", IntegrityTrace::checkStoreFullOnlyWithoutRoom),
                        new MachineCheck<>(
                                "TREE-7 leafMappingsAreProtections", IntegrityTrace::checkLeafMappingsAreProtections),
                        new MachineCheck<>(
                                "TREE-7 nodePagesTracedInEveryView", IntegrityTrace::checkNodePagesTracedInEveryView),
                        new MachineCheck<>("TREE-7 nodePageWritesVetoed", IntegrityTrace::checkNodePageWritesVetoed))
                // shares about 59%, 58%, 21%, 5.4% and 10.7%: each minimum sits at least four
                // standard deviations (of 500 tries) under its share
                .cover(45, IntegrityLabels.NODE_PAGE_WRITE_IN_INTEGRITY_VIEW)
                .cover(45, IntegrityLabels.NODE_PAGE_WRITE_IN_PROTECTED_VIEW)
                .cover(12, IntegrityLabels.STORE_SPLIT)
                .cover(1, IntegrityLabels.STORE_MERGE)
                .cover(5, IntegrityLabels.STORE_FULL_REFUSED)
                // requests run in micro-steps: shares over four seeds of 500 tries about 40%, 24%,
                // 15% and 10.5%; each minimum about three standard deviations under its share (a
                // guest write to the request's own range between its micro-steps, about 1.4%, is
                // too rare for a minimum: the abstraction judges that seam at the publication)
                .cover(33, IntegrityLabels.NODE_PAGE_WRITE_BETWEEN_MICRO_STEPS)
                .cover(18, IntegrityLabels.TAKEN_PAGE_WRITE_BETWEEN_MICRO_STEPS)
                .cover(10, IntegrityLabels.FREED_PAGE_WRITE_BETWEEN_MICRO_STEPS)
                .cover(6, IntegrityLabels.STORE_REQUEST_PUBLISHED_BETWEEN_ACTIONS);
    }

    /**
     * The machine-level check {@code "<claim> alertActionPerformed"}: the last write in
     * {@code scope} (judged on the state before it) did to memory what its alert's action says.
     */
    private static MachineCheck<IntegrityTrace> alertActionPerformed(
            String claim, BiPredicate<IntegrityState, IntegrityAction.GuestWrite> scope) {
        String label = claim + " alertActionPerformed";
        return new MachineCheck<>(label, t -> t.checkAlertActionPerformed(label, scope));
    }
}
