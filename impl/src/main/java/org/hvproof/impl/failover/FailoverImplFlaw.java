package org.hvproof.impl.failover;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the failover hosts, each one bug a real implementation could
 * have. Only tests select them; {@link #NONE} is the mechanism as specified, and each other value
 * changes one code path, named where it is used. Each declares the claim whose property catches
 * it, the check that names it and how short its shrunk trace is.
 */
public enum FailoverImplFlaw implements Flaw {
    /** The correct hosts. */
    NONE,
    /** The key-value store acknowledges an update when it arrives, before applying it to its memory (FT-1). */
    ACK_BEFORE_APPLY(caught("FT-1", "FT-1 acknowledgedUpdatesPresent", 2)),
    /** The agent's checkpoint leaves the virtual NIC out: it writes an empty queue for the device state (FT-1). */
    CHECKPOINT_MISSES_NIC_STATE(caught("FT-1", "FT-1 checkpointCopiedFaithfully", 6)),
    /**
     * The post-fail agent reads the frames the primary's nested table mapped the application's
     * pages to when the host booted, not those behind the view at the failure: a page the
     * hypervisor backed later, on the application's first store to it, is copied as zeros (a
     * stale translation only the machine has: it backs guest RAM lazily) (FT-1).
     */
    AGENT_READS_FRAMES_MAPPED_AT_BOOT(caught("FT-1", "FT-1 checkpointCopiedFaithfully", 6)),
    /** After failover, power returning reboots the primary, whose init script starts the application again (FT-2). */
    POWER_RETURN_RESTARTS_PRIMARY(caught("FT-2", "FT-2 neverBothRun", 9)),
    /** The secondary's agent starts the application on any signal message: any host, any epoch, any chunks (FT-3). */
    SECONDARY_STARTS_ON_ANY_SIGNAL(caught("FT-3", "FT-3 secondaryStartsOnlyOnSignal", 2)),
    /**
     * The agent counts chunks from one: it signals once all but the last chunk are sent (FT-3). The
     * shortest trace that shows it is a signal that waits for acknowledgements the correct agent
     * would refuse to wait for and runs out of battery doing so, a refinement failure; with the
     * battery holding, FT-3's signalOnlyAfterWholeCheckpoint names it (in five actions).
     */
    SIGNAL_BEFORE_LAST_CHUNK(caught("FT-3", "refinement", 8)),
    /** The budget calculator leaves out the panic handler's time (FT-4). */
    BUDGET_IGNORES_PANIC_TIME(caught("FT-4", "FT-4 budgetReported", 1)),
    /** The agent signals when the last chunk is serialised, without waiting for its acknowledgement (FT-4). */
    SIGNAL_WITHOUT_ACK(caught("FT-4", "FT-4 signalAtRequiredTime", 8));

    private final List<Caught> caughtBy;

    FailoverImplFlaw(Caught... caughtBy) {
        this.caughtBy = List.of(caughtBy);
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
