package org.hvproof.model.tree;

/** Who wrote: the vCPU, its instruction pointer and its privilege level (0 = kernel, 3 = user). */
public record Writer(int vcpu, long instructionPointer, int privilege) {}
