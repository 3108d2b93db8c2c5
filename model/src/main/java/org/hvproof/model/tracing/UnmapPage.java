package org.hvproof.model.tracing;

import org.hvproof.model.common.VCpu;

/** The guest OS removes the mapping of the virtual page holding {@code va} in the vCPU's address space. */
public record UnmapPage(VCpu vcpu, long va) implements TracingAction {
    @Override
    public String toString() {
        return "unmap " + vcpu + " va=0x" + Long.toHexString(va);
    }
}
