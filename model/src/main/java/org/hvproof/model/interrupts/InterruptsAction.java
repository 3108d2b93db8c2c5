package org.hvproof.model.interrupts;

/**
 * What can happen next. {@link Execute} runs one guest instruction; {@link Arrive} is an
 * interrupt or exception reaching the interrupt security module; the others are done by code
 * the low observer controls (a handler, or guest code outside the sequence) and are ignored
 * while the guest executes inside the sequence, because no such code runs then.
 */
public sealed interface InterruptsAction {

    /** Execute the instruction at the program counter (a no-op while a handler runs). */
    record Execute() implements InterruptsAction {}

    /** An interrupt or exception with this vector arrives. */
    record Arrive(ArrivalCause cause, int vector) implements InterruptsAction {}

    /** The innermost handler returns to its (possibly rewritten) return address. */
    record Return() implements InterruptsAction {}

    /** Low code writes a register (a handler: a register of the interrupted context). */
    record SetRegister(Reg reg, long value) implements InterruptsAction {}

    /** Low code jumps anywhere; a handler instead rewrites its return address. */
    record JumpTo(long target) implements InterruptsAction {}

    /** Low code reads an address. */
    record ReadMemory(long address) implements InterruptsAction {}

    /** Low code writes an address. */
    record WriteMemory(long address, long value) implements InterruptsAction {}
}
