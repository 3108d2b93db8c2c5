package org.hvproof.model.interrupts;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hvproof.model.common.Notation;

/** What guest code outside the sequence and its handlers can see of one step. */
public sealed interface InterruptsObservation {

    /**
     * A virtual interrupt delivered to the guest's handler, with everything the handler can read
     * at entry: the register file and the return address in the interrupt frame.
     */
    record VirtualInterrupt(int vector, ArrivalCause cause, Map<Reg, Long> registers, long returnAddress)
            implements InterruptsObservation {
        public VirtualInterrupt {
            registers = Map.copyOf(registers);
        }

        @Override
        public String toString() {
            return "virtual " + Notation.words(cause) + " " + vector + ", return to " + Notation.hex(returnAddress)
                    + ", registers " + Notation.hexValues(new TreeMap<>(registers));
        }
    }

    /** A read of readable memory and the value it returned. */
    record MemoryRead(long address, long value) implements InterruptsObservation {
        @Override
        public String toString() {
            return "read " + Notation.hex(address) + " = " + Notation.hex(value);
        }
    }

    /**
     * What the guest's device read by DMA at a model address: its data word and the instruction
     * its slot holds, if any (the device reads bytes, not through the execute-only protection).
     */
    record DeviceRead(long address, long word, Optional<Instruction> instruction) implements InterruptsObservation {}

    /** An access or transfer that faulted; nothing changed. */
    record Fault(FaultKind kind, long address) implements InterruptsObservation {
        @Override
        public String toString() {
            return "fault " + Notation.words(kind) + " at " + Notation.hex(address);
        }
    }

    /** The hypervisor answered an authenticated hypercall (its code is also in R0). */
    record HypercallReturned(HypercallVerdict verdict) implements InterruptsObservation {
        @Override
        public String toString() {
            return "hypercall returned " + verdict;
        }
    }

    /**
     * Why an action faulted. The kinds the machine raises on an instruction's fetch or access
     * carry the vector of the exception that reaches the interrupt security module with them
     * ({@link #raised}); the others are the hypervisor's refusals and raise nothing.
     */
    enum FaultKind {
        /** A read of the execute-only page: a nested violation reflected as a virtualization exception (#VE). */
        READ_EXECUTE_ONLY(20),
        /** A write of the execute-only page (#VE). */
        WRITE_EXECUTE_ONLY(20),
        /** A fetch from a page the guest does not map executable (#PF). */
        EXECUTE_UNMAPPED(14),
        /** A fetch from a code page whose slot holds no instruction (#UD). */
        INVALID_INSTRUCTION(6),
        /** A read or write of a page the guest OS unmapped (#PF). */
        PAGE_NOT_PRESENT(14),
        RETURN_WITHOUT_HANDLER(-1),
        /** A control transfer into the sequence other than at its first instruction (its move). */
        NOT_SEQUENCE_ENTRY(-1),
        /** A control transfer to a byte that starts no instruction slot, outside the sequence. */
        MISALIGNED_TRANSFER(-1),
        /** The IOMMU refused the device's read: the page holds the secret and is mapped for no device. */
        DMA_REFUSED(-1);

        private final int vector;

        FaultKind(int vector) {
            this.vector = vector;
        }

        /** Whether the machine raises this fault as an exception (then {@link #vector} is its vector). */
        public boolean raised() {
            return vector >= 0;
        }

        /** The exception vector of a raised fault. */
        public int vector() {
            if (vector < 0) {
                throw new IllegalStateException(this + " is raised by no instruction");
            }
            return vector;
        }
    }
}
