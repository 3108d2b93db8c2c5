package org.hvproof.model.common;

/** The status a hypercall returned to the guest (0 on success, an {@link ErrorCode} otherwise). */
public record HypercallResult(VCpu vcpu, long number, long status) implements Observation {
    @Override
    public String toString() {
        return "hypercall " + number + " on " + vcpu + " returned " + status;
    }
}
