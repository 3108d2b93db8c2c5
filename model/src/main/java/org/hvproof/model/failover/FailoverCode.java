package org.hvproof.model.failover;

/** Why an action was refused or a failover failed: the error codes of the failover mechanism. */
public enum FailoverCode {
    /** A size is zero, negative, misaligned or beyond the simulated hosts. */
    BAD_SIZE,
    /** The link's bandwidth is zero, negative or beyond any link. */
    BAD_BANDWIDTH,
    /** A latency or the panic handler's time is negative or absurd. */
    BAD_TIME,
    /** The battery's hold-up time is zero, negative or absurd. */
    BAD_HOLD_UP,
    /** The checkpoint is larger than the secondary's memory. */
    STATE_TOO_LARGE,
    /** The hosts are already provisioned. */
    ALREADY_PROVISIONED,
    /** The hosts are not provisioned yet. */
    NOT_PROVISIONED,
    /** No host runs the application. */
    NOT_RUNNING,
    /** A key outside the store. */
    NO_SUCH_KEY,
    /** The virtual NIC's receive queue is full. */
    QUEUE_FULL,
    /** The virtual NIC's receive queue is empty. */
    QUEUE_EMPTY,
    /** The step belongs to a phase of the failure path the hosts are not in. */
    WRONG_PHASE,
    /** Every chunk was already sent. */
    NOTHING_TO_COPY,
    /** Not every chunk of the checkpoint is in the secondary's memory (or acknowledged). */
    CHECKPOINT_INCOMPLETE,
    /** The link is down. */
    LINK_DOWN,
    /** The secondary is down. */
    SECONDARY_DOWN,
    /** A signal from a host other than the primary. */
    WRONG_HOST,
    /** A signal for a checkpoint the secondary already started from, or for none. */
    DUPLICATE_SIGNAL,
    /** The battery ran out before the signal: no failover. */
    BATTERY_EXHAUSTED,
    /** The secondary crashed while running the application. */
    SECONDARY_CRASHED
}
