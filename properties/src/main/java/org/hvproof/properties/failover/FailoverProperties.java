package org.hvproof.properties.failover;

import org.hvproof.impl.failover.FailoverImplFlaw;
import org.hvproof.model.failover.FailoverAction;
import org.hvproof.model.failover.FailoverInvariants;
import org.hvproof.model.failover.FailoverObservation;
import org.hvproof.model.failover.FailoverState;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ClaimHarness;

/**
 * The FT claims over generated traces. Each property runs traces of the two simulated hosts and
 * the model in lockstep through the {@link ClaimHarness}: after every action, the claim's
 * invariants ({@link FailoverInvariants}, named as in {@code failover.als}) on the hosts' step
 * read through the abstraction function, then refinement. FT-1 compares the secondary's
 * application image at its start with the primary's at the failure, every chunk copied with the
 * checkpoint, and the acknowledged updates with the running copy's memory. Coverage minimums fail
 * a property whose traces do not reach the situations its claim speaks of: every fault kind on
 * battery, and budgets that barely fit and barely do not.
 */
public final class FailoverProperties {
    /** Default tries per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Actions per trace, at most. */
    public static final int STEPS = 60;

    /** The failover mechanism plugged into the claim harness. */
    static final ClaimHarness<FailoverImplFlaw, FailoverTrace, FailoverState, FailoverAction, FailoverObservation>
            HARNESS = new ClaimHarness<>(
                    "failover", FailoverInvariants.ALL, FailoverTrace::new, FailoverActions::next, TRIES, STEPS);

    private FailoverProperties() {}

    /** FT-1: after failover the secondary's application state is the primary's at the failure; no acknowledged update lost. */
    @Claim("FT-1")
    public static StatefulProperty<FailoverTrace> secondaryResumesThePrimarysState(FailoverImplFlaw flaw) {
        return HARNESS.claim("FT-1", "the secondary resumes the primary's state at the failure", flaw)
                .cover(25, FailoverLabels.FAILED_OVER)
                .cover(10, FailoverLabels.ACKED_UPDATE_CARRIED)
                .cover(5, FailoverLabels.QUEUED_REQUEST_CARRIED)
                .cover(5, FailoverLabels.SERVED_AFTER_FAILOVER)
                .cover(10, FailoverLabels.UPDATE_IN_UPPER_HALF)
                .cover(5, FailoverLabels.UPDATE_OF_LAST_KEY)
                .cover(5, FailoverLabels.KEY_OUT_OF_RANGE);
    }

    /** FT-2: never do primary and secondary both run the application, whenever power returns. */
    @Claim("FT-2")
    public static StatefulProperty<FailoverTrace> neverBothRun(FailoverImplFlaw flaw) {
        return HARNESS.claim("FT-2", "primary and secondary never both run the application", flaw)
                .cover(4, FailoverLabels.POWER_RETURNED_ON_BATTERY)
                .cover(4, FailoverLabels.POWER_RETURNED_AFTER_FAILOVER)
                .cover(1, FailoverLabels.SECOND_FAILURE)
                .cover(2, FailoverLabels.SECOND_FAILURE_ON_BATTERY)
                .cover(5, FailoverLabels.STRAY_SIGNAL_REFUSED);
    }

    /** FT-3: the secondary starts only on the primary's signal, sent only with the whole checkpoint landed; otherwise a reported failure. */
    @Claim("FT-3")
    public static StatefulProperty<FailoverTrace> startOnlyOnTheSignalAfterTheWholeCheckpoint(FailoverImplFlaw flaw) {
        return HARNESS.claim("FT-3", "the secondary starts only on the signal after the whole checkpoint", flaw)
                .cover(15, FailoverLabels.EXHAUSTED)
                .cover(3, FailoverLabels.EXHAUSTED_MID_COPY)
                .cover(2, FailoverLabels.BATTERY_OUT_EARLY)
                .cover(2, FailoverLabels.LINK_SLOWED_ON_BATTERY)
                .cover(2, FailoverLabels.LINK_DROPPED_ON_BATTERY)
                .cover(2, FailoverLabels.SECONDARY_CRASHED_ON_BATTERY)
                .cover(1, FailoverLabels.SECONDARY_CRASHED_AFTER_FAILOVER)
                .cover(5, FailoverLabels.STRAY_SIGNAL_REFUSED)
                .cover(1, FailoverLabels.STRAY_SIGNAL_WITH_CHECKPOINT_SENT)
                .cover(2, FailoverLabels.EARLY_SIGNAL_REFUSED);
    }

    /** FT-4: failover succeeds whenever the checkpoint fits the budget, and the report says by how much. */
    @Claim("FT-4")
    public static StatefulProperty<FailoverTrace> failoverFitsTheBudgetItReports(FailoverImplFlaw flaw) {
        return HARNESS.claim("FT-4", "failover succeeds exactly within the budget it reports", flaw)
                .cover(10, FailoverLabels.BARELY_FITS)
                .cover(10, FailoverLabels.BARELY_SHORT)
                .cover(5, FailoverLabels.BARELY_FITS_FAILED_OVER)
                .cover(5, FailoverLabels.BARELY_SHORT_EXHAUSTED)
                .cover(5, FailoverLabels.BAD_PROVISION)
                .cover(1, FailoverLabels.STATE_TOO_LARGE)
                .cover(2, FailoverLabels.BAD_BANDWIDTH_REFUSED);
    }
}
