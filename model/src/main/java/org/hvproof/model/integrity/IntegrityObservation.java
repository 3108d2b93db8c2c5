package org.hvproof.model.integrity;

import org.hvproof.model.common.Notation;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.Writer;

/** What an observer outside the guest sees of one step. */
public sealed interface IntegrityObservation {

    /** The result code of a hypercall. */
    record RequestResult(IntegrityCode code) implements IntegrityObservation {
        @Override
        public String toString() {
            return "request " + code;
        }
    }

    /** A monitored page was written: page, cause, the action performed, who wrote. */
    record WriteAlert(long page, IntegrityAlertCause cause, AlertAction action, Writer writer)
            implements IntegrityObservation {
        @Override
        public String toString() {
            return "alert " + Notation.gpp(page) + " " + Notation.words(cause) + ", " + Notation.words(action) + ", by "
                    + writer;
        }
    }

    /** A hypercall broke the policy (wrong entry, refused request, second registration). */
    record PolicyAlert(IntegrityAlertCause cause, Writer caller) implements IntegrityObservation {
        @Override
        public String toString() {
            return "policy alert " + Notation.words(cause) + ", by " + caller;
        }
    }

    /**
     * A fault ended integrity mode on vCPU {@code vcpu} (GI-8): an exception, a write the
     * hardware refused, or an instruction fetch outside the driver's code. The alert names the
     * vCPU only: which fault the hardware raised (page fault, nested violation, #GP) depends on
     * where the fetch went, which the model does not follow.
     */
    record FaultAlert(int vcpu) implements IntegrityObservation {
        @Override
        public String toString() {
            return "alert " + Notation.words(IntegrityAlertCause.FAULT_IN_INTEGRITY_MODE) + " on "
                    + Notation.vcpu(vcpu);
        }
    }
}
