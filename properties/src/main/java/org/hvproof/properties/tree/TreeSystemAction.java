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
 * arguments, or a guest write that the machine runs through page tables and nested page table
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
