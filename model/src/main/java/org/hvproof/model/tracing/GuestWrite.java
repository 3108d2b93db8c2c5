package org.hvproof.model.tracing;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.VCpu;

/** The vCPU writes {@code bytes} at {@code va}; may cross into the next page (operation {@code write}). */
public record GuestWrite(VCpu vcpu, long va, Bytes bytes) implements TracingAction {
    @Override
    public String toString() {
        return "write " + vcpu + " va=0x" + Long.toHexString(va) + " " + bytes;
    }
}
