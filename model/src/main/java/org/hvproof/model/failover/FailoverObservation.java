package org.hvproof.model.failover;

/** What an observer outside the hosts (clients, the operator's console) sees of one step. */
public sealed interface FailoverObservation {

    /** The hosts are provisioned; the budget of a failover with these figures. */
    record Provisioned(FailoverBudget budget) implements FailoverObservation {}

    /** The action was refused with {@code code}; nothing changed. */
    record Refused(FailoverCode code) implements FailoverObservation {}

    /** A client's update was applied to the application's state and acknowledged. */
    record Acknowledged(long key, long value) implements FailoverObservation {}

    /** At the AC failure, the report of whether the failover fits the battery and by how much. */
    record BudgetReported(FailoverBudget budget) implements FailoverObservation {}

    /** The post-fail agent signalled the secondary to start from the checkpoint of {@code epoch}. */
    record Signalled(int epoch) implements FailoverObservation {}

    /** The secondary started the application from the checkpoint of {@code epoch}; the signal left {@code elapsedMicros} after the AC failure. */
    record Started(int epoch, long elapsedMicros) implements FailoverObservation {}

    /** Power returned during the copy: the primary resumed the application, the copy is abandoned. */
    record Resumed(int epoch) implements FailoverObservation {}

    /** The failover failed, reported with its cause; no host runs the application. */
    record FailoverFailed(FailoverCode cause) implements FailoverObservation {}
}
