package org.hvproof.model.failover;

/** What an observer outside the hosts (clients, the operator's console) sees of one step. */
public sealed interface FailoverObservation {

    /** The hosts are provisioned; the budget of a failover with these figures. */
    record Provisioned(FailoverBudget budget) implements FailoverObservation {
        @Override
        public String toString() {
            return "provisioned, " + budget;
        }
    }

    /** The action was refused with {@code code}; nothing changed. */
    record Refused(FailoverCode code) implements FailoverObservation {
        @Override
        public String toString() {
            return "refused " + code;
        }
    }

    /** A client's update was applied to the application's state and acknowledged. */
    record Acknowledged(long key, long value) implements FailoverObservation {
        @Override
        public String toString() {
            return "acknowledged key " + key + " = " + value;
        }
    }

    /** At the AC failure, the report of whether the failover fits the battery and by how much. */
    record BudgetReported(FailoverBudget budget) implements FailoverObservation {
        @Override
        public String toString() {
            return "budget reported, " + budget;
        }
    }

    /** The post-fail agent signalled the secondary to start from the checkpoint of {@code epoch}. */
    record Signalled(int epoch) implements FailoverObservation {
        @Override
        public String toString() {
            return "signalled epoch " + epoch;
        }
    }

    /** The secondary started the application from the checkpoint of {@code epoch}; the signal left {@code elapsedMicros} after the AC failure. */
    record Started(int epoch, long elapsedMicros) implements FailoverObservation {
        @Override
        public String toString() {
            return "started epoch " + epoch + " after " + elapsedMicros + " us";
        }
    }

    /** Power returned during the copy: the primary resumed the application, the copy is abandoned. */
    record Resumed(int epoch) implements FailoverObservation {
        @Override
        public String toString() {
            return "resumed epoch " + epoch;
        }
    }

    /** The failover failed, reported with its cause; no host runs the application. */
    record FailoverFailed(FailoverCode cause) implements FailoverObservation {
        @Override
        public String toString() {
            return "failover failed: " + cause;
        }
    }
}
