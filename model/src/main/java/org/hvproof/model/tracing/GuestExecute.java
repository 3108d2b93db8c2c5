package org.hvproof.model.tracing;

import org.hvproof.model.common.VCpu;

/** The vCPU fetches an instruction at {@code va}: only the fetch's permission check is modelled. */
public record GuestExecute(VCpu vcpu, long va) implements TracingAction {
    @Override
    public String toString() {
        return "execute " + vcpu + " va=0x" + Long.toHexString(va);
    }
}
