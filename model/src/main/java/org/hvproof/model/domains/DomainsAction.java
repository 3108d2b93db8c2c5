package org.hvproof.model.domains;

import java.util.Map;
import java.util.TreeMap;
import org.hvproof.model.common.Notation;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/** What a vCPU's code (or an interrupt) can do. A vCPU index out of range faults. */
public sealed interface DomainsAction {
    /** The vCPU the action is on. */
    int vcpu();

    /** Jump or call to a guest-physical address (root code into a secure region traps to the hypervisor). */
    record Jump(int vcpu, GuestPage target) implements DomainsAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " jumps to " + target;
        }
    }

    /** Secure code leaves through the exit gate. */
    record ExitGate(int vcpu) implements DomainsAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " leaves through the exit gate";
        }
    }

    /** An interrupt arrives at the vCPU; the root domain's handler receives it. */
    record Interrupt(int vcpu, int vector) implements DomainsAction {
        @Override
        public String toString() {
            return "interrupt " + vector + " on " + Notation.vcpu(vcpu);
        }
    }

    /** The running code loads a guest page-table pointer of its choice. */
    record LoadPtRoot(int vcpu, GuestPage ptRoot) implements DomainsAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " loads CR3 = " + ptRoot;
        }
    }

    /** The running code puts a value in its register (secure code: a secret). */
    record SetRegister(int vcpu, long value) implements DomainsAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " sets its register to " + Notation.hex(value);
        }
    }

    /** Read through a virtual page into the register. */
    record Read(int vcpu, VirtualPage page) implements DomainsAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " reads " + page;
        }
    }

    /**
     * Write the register and page-table entries of the writer's choice through a virtual page;
     * with {@code largeUpperEntry} the upper-level entry (slot 511) sets the page-size bit: a large
     * leaf wherever the walk reads it at level 2 or 3, a reserved bit at level 4.
     */
    record Write(int vcpu, VirtualPage page, Map<VirtualPage, GuestPage> entries, boolean largeUpperEntry)
            implements DomainsAction {
        public Write {
            entries = Map.copyOf(entries);
        }

        /** A write whose entries set no page-size bit. */
        public Write(int vcpu, VirtualPage page, Map<VirtualPage, GuestPage> entries) {
            this(vcpu, page, entries, false);
        }

        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " writes " + page + " with entries "
                    + new TreeMap<>(entries.entrySet().stream()
                            .collect(java.util.stream.Collectors.toMap(
                                    e -> e.getKey().n(), e -> e.getValue().toString())))
                    + (largeUpperEntry ? ", slot 511 a page-size (PS) entry" : "");
        }
    }

    /**
     * The running code programs the guest's DMA-capable device to write its register as the data
     * word of guest-physical page {@code target} (the device's bus addresses are guest-physical).
     * The device belongs to the root domain: only root code drives it.
     */
    record DeviceWrite(int vcpu, GuestPage target) implements DomainsAction {}
}
