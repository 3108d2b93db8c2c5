package org.hvproof.model.common;

/** A guest read that completed, with the bytes it returned. */
public record ValueRead(VCpu vcpu, long virtualAddress, Bytes bytes) implements Observation {
    @Override
    public String toString() {
        return "read " + vcpu + " " + Notation.va(virtualAddress) + " = " + bytes;
    }
}
