package org.hvproof.model.common;

/**
 * The tracing service telling the hypervisor that a vCPU wrote to a traced page: which vCPU,
 * which page, where in it and how many bytes (one notification per traced page a write touches).
 */
public record Notification(VCpu vcpu, GuestPhysicalPage page, int offset, int length) implements Observation {
    @Override
    public String toString() {
        return "notify " + vcpu + " " + page + " offset " + Notation.hex(offset) + " length " + length;
    }
}
