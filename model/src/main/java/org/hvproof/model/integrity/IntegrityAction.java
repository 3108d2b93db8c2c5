package org.hvproof.model.integrity;

import org.hvproof.model.common.Notation;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;

/** What can happen in one step. Raw arguments, as a guest would pass them: may be hostile. */
public sealed interface IntegrityAction {

    /** The driver's one-time registration hypercall. */
    record Register(Writer caller, long codeStart, long codeLength, long dataStart, long dataLength, long entryPoint)
            implements IntegrityAction {
        @Override
        public String toString() {
            return "register by " + caller + ": code " + Notation.gpa(codeStart) + " + " + Notation.hex(codeLength)
                    + ", data " + Notation.gpa(dataStart) + " + " + Notation.hex(dataLength) + ", entry "
                    + Notation.hex(entryPoint);
        }
    }

    /** A call into integrity mode; the caller's instruction pointer is the address it comes from. */
    record Enter(Writer caller) implements IntegrityAction {
        @Override
        public String toString() {
            return "enter integrity mode by " + caller;
        }
    }

    /** The driver leaves integrity mode. */
    record Exit(Writer caller) implements IntegrityAction {
        @Override
        public String toString() {
            return "exit integrity mode by " + caller;
        }
    }

    /** An interrupt arrives on the vCPU. */
    record Interrupt(int vcpu, int vector) implements IntegrityAction {
        @Override
        public String toString() {
            return "interrupt " + vector + " on " + Notation.vcpu(vcpu);
        }
    }

    /** A fault (exception) on the vCPU. */
    record Fault(int vcpu, int vector) implements IntegrityAction {
        @Override
        public String toString() {
            return "fault " + vector + " on " + Notation.vcpu(vcpu);
        }
    }

    /** Protect {@code [start, start + length)} with the action of raw code {@code actionCode}. */
    record Protect(Writer caller, long start, long length, long actionCode) implements IntegrityAction {
        @Override
        public String toString() {
            return "protect " + Notation.gpa(start) + " + " + Notation.hex(length) + " action " + actionCode + " by "
                    + caller;
        }
    }

    /** Remove the protection of {@code [start, start + length)}. */
    record Unprotect(Writer caller, long start, long length) implements IntegrityAction {
        @Override
        public String toString() {
            return "unprotect " + Notation.gpa(start) + " + " + Notation.hex(length) + " by " + caller;
        }
    }

    /** A guest write of a guest-physical byte address. */
    record GuestWrite(Writer writer, long address) implements IntegrityAction {
        public long page() {
            return address >>> PageRange.PAGE_SHIFT;
        }

        @Override
        public String toString() {
            return writer + " writes " + Notation.gpa(address);
        }
    }
}
