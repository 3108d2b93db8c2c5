package org.hvproof.model.interrupts;

import org.hvproof.model.common.Notation;

/**
 * What can happen next. {@link Execute} runs one guest instruction; {@link Arrive} is an
 * interrupt or exception reaching the interrupt security module; the others are done by code
 * the low observer controls (a handler, or guest code outside the sequence) and are ignored
 * while the guest executes inside the sequence, because no such code runs then.
 */
public sealed interface InterruptsAction {

    /** Execute the instruction at the program counter (a no-op while a handler runs). */
    record Execute() implements InterruptsAction {
        @Override
        public String toString() {
            return "execute";
        }
    }

    /** An interrupt or exception with this vector arrives. */
    record Arrive(ArrivalCause cause, int vector) implements InterruptsAction {
        @Override
        public String toString() {
            return Notation.words(cause) + " " + vector + " arrives";
        }
    }

    /** The innermost handler returns to its (possibly rewritten) return address. */
    record Return() implements InterruptsAction {
        @Override
        public String toString() {
            return "handler returns";
        }
    }

    /** Low code writes a register (a handler: a register of the interrupted context). */
    record SetRegister(Reg reg, long value) implements InterruptsAction {
        @Override
        public String toString() {
            return "set " + reg + " = " + Notation.hex(value);
        }
    }

    /** Low code jumps anywhere; a handler instead rewrites its return address. */
    record JumpTo(long target) implements InterruptsAction {
        @Override
        public String toString() {
            return "jump to " + Notation.hex(target);
        }
    }

    /**
     * Low code transfers control to a guest-virtual byte address, which may lie inside an
     * instruction ({@link CodeLayout#SLOT_SIZE} bytes per address): the hypervisor refuses every
     * byte of the sequence but its first; elsewhere a target that starts no instruction slot is a
     * misaligned transfer; any other target is {@link JumpTo} of its address. A handler rewrites
     * its return address with it.
     */
    record JumpToByte(long virtualAddress) implements InterruptsAction {
        @Override
        public String toString() {
            return "jump to byte " + Notation.va(virtualAddress);
        }
    }

    /**
     * The guest's device reads the slot of {@code address} by DMA (its driver asks the hypervisor
     * to map the page for the device first): it happens whatever the vCPU runs, and what the
     * device reads, low code can see.
     */
    record DmaRead(long address) implements InterruptsAction {
        @Override
        public String toString() {
            return "device reads " + Notation.hex(address) + " by DMA";
        }
    }

    /**
     * The guest OS, on another vCPU, unmaps ({@code present} false) or maps back the 4 KiB guest
     * page holding {@code address}'s slot in its page tables, and shoots the translation down: it
     * happens whatever this vCPU runs (the guest OS is untrusted), so the sequence's next fetch
     * can fault in its middle.
     */
    record SetPagePresent(long address, boolean present) implements InterruptsAction {
        @Override
        public String toString() {
            return "guest OS " + (present ? "maps back" : "unmaps") + " the page of " + Notation.hex(address);
        }
    }

    /** Low code reads an address. */
    record ReadMemory(long address) implements InterruptsAction {
        @Override
        public String toString() {
            return "read " + Notation.hex(address);
        }
    }

    /** Low code writes an address. */
    record WriteMemory(long address, long value) implements InterruptsAction {
        @Override
        public String toString() {
            return "write " + Notation.hex(value) + " to " + Notation.hex(address);
        }
    }
}
