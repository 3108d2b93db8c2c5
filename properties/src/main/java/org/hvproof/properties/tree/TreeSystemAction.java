package org.hvproof.properties.tree;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.TreeAction;
import org.hvproof.model.tree.Writer;

/**
 * One action of a tree trace, as both sides take it: a request with raw (possibly hostile)
 * arguments, run whole or started and continued one micro-step at a time, or a guest write that the machine runs through page tables and nested page table
 * and the model sees as one {@link TreeAction.GuestWrite} per page it touches.
 */
sealed interface TreeSystemAction {

    /** A protect request. */
    record Protect(long start, long length, long actionCode) implements TreeSystemAction {
        @Override
        public String toString() {
            return "protect " + Notation.gpa(start) + " + " + Notation.hex(length) + " action " + actionCode;
        }
    }

    /** An unprotect request. */
    record Unprotect(long start, long length) implements TreeSystemAction {
        @Override
        public String toString() {
            return "unprotect " + Notation.gpa(start) + " + " + Notation.hex(length);
        }
    }

    /** A protect request started in micro-steps: it takes effect when a {@link Continue} publishes it. */
    record StartProtect(long start, long length, long actionCode) implements TreeSystemAction {
        /** The same request run whole: what the model takes when it publishes. */
        Protect whole() {
            return new Protect(start, length, actionCode);
        }

        @Override
        public String toString() {
            return "start " + whole();
        }
    }

    /** An unprotect request started in micro-steps. */
    record StartUnprotect(long start, long length) implements TreeSystemAction {
        /** The same request run whole. */
        Unprotect whole() {
            return new Unprotect(start, length);
        }

        @Override
        public String toString() {
            return "start " + whole();
        }
    }

    /** The next micro-step of the request in flight (nothing when none is). */
    record Continue() implements TreeSystemAction {
        @Override
        public String toString() {
            return "continue the tree request";
        }
    }

    /** vCPU {@code vcpu} at {@code privilege}, executing at {@code ip}, writes {@code length} bytes at {@code gpa}. */
    record Write(int vcpu, Privilege privilege, long ip, long gpa, int length) implements TreeSystemAction {
        /** The model's writes: one per page touched, at the first byte written in it. */
        List<TreeAction.GuestWrite> pieces() {
            Writer w = new Writer(vcpu, ip, privilege == Privilege.USER ? 3 : 0);
            List<TreeAction.GuestWrite> out = new ArrayList<>(2);
            out.add(new TreeAction.GuestWrite(w, gpa));
            long last = gpa + length - 1;
            if ((last >>> PageRange.PAGE_SHIFT) != (gpa >>> PageRange.PAGE_SHIFT)) {
                out.add(new TreeAction.GuestWrite(w, (last >>> PageRange.PAGE_SHIFT) << PageRange.PAGE_SHIFT));
            }
            return out;
        }

        boolean crossing() {
            return pieces().size() == 2;
        }

        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " (" + privilege.name().toLowerCase(java.util.Locale.ROOT) + ", ip "
                    + Notation.hex(ip) + ") writes " + length + " bytes at " + Notation.gpa(gpa) + " ("
                    + Notation.gpp(gpa >>> 12) + ")";
        }
    }
}
