package org.hvproof.model.tracing;

import org.hvproof.model.common.VCpu;

/** The vCPU reads {@code length} bytes at {@code va}; may cross into the next page (operation {@code read}). */
public record GuestRead(VCpu vcpu, long va, int length) implements TracingAction {
    @Override
    public String toString() {
        return "read " + vcpu + " va=0x" + Long.toHexString(va) + " len=" + length;
    }
}
