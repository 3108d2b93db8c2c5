package org.hvproof.model.tree;

import org.hvproof.model.common.Notation;

/** Who wrote: the vCPU, its instruction pointer and its privilege level (0 = kernel, 3 = user). */
public record Writer(int vcpu, long instructionPointer, int privilege) {
    @Override
    public String toString() {
        return Notation.vcpu(vcpu) + " (" + Notation.ring(privilege) + ", ip " + Notation.hex(instructionPointer) + ")";
    }
}
