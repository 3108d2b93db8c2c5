package org.hvproof.impl.domains;

import java.util.Map;
import java.util.TreeMap;
import org.hvproof.model.common.Notation;

/**
 * What code on a vCPU, or the outside world, does to the protection-domain guest, at the level
 * of control transfers, memory accesses and events. The model's actions are coarser (page-level
 * jump targets, one kind of event); {@link DomainsAbstraction#modelAction} reads each of these as
 * one of them.
 */
public sealed interface DomainsSystemAction {
    /** The vCPU the action is on. */
    int vcpu();

    /** Jump, call or return to a guest-physical address (a byte address, so gate + 1 is expressible). */
    record Transfer(int vcpu, long target) implements DomainsSystemAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " jumps to " + Notation.gpa(target);
        }
    }

    /** Secure code calls the exit gate. */
    record ExitGate(int vcpu) implements DomainsSystemAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " calls the exit gate";
        }
    }

    /** An external interrupt ({@code exception} false) or an exception raised by the running code. */
    record Event(int vcpu, int vector, boolean exception) implements DomainsSystemAction {
        @Override
        public String toString() {
            return (exception ? "exception " : "interrupt ") + vector + " on vcpu " + vcpu;
        }
    }

    /** The running code loads CR3 with the table in guest-physical page {@code page}. */
    record LoadCr3(int vcpu, long page) implements DomainsSystemAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " loads CR3 = " + Notation.gpp(page);
        }
    }

    /** The running code puts a value in RAX (the old RAX moves to RBX). */
    record SetRegister(int vcpu, long value) implements DomainsSystemAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " sets RAX = " + Notation.hex(value);
        }
    }

    /** Reads the data word of window page {@code page} into RAX (the old RAX moves to RBX). */
    record Read(int vcpu, int page) implements DomainsSystemAction {
        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " reads window page " + page;
        }
    }

    /**
     * Writes window page {@code page} whole: a page-table image with leaf entries window page to
     * guest-physical page, and RAX as its data word; with {@code largeUpperEntry} the upper-level
     * entry (slot 511) sets the page-size bit.
     */
    record Write(int vcpu, int page, Map<Integer, Long> entries, boolean largeUpperEntry)
            implements DomainsSystemAction {
        /** Copies the entries. */
        public Write {
            entries = Map.copyOf(entries);
        }

        /** A write whose entries set no page-size bit. */
        public Write(int vcpu, int page, Map<Integer, Long> entries) {
            this(vcpu, page, entries, false);
        }

        @Override
        public String toString() {
            return Notation.vcpu(vcpu) + " writes window page " + page + " with entries "
                    + new TreeMap<>(entries)
                            .entrySet().stream()
                                    .map(e -> "window page " + e.getKey() + " -> " + Notation.gpp(e.getValue()))
                                    .collect(java.util.stream.Collectors.joining(", ", "{", "}"))
                    + (largeUpperEntry ? ", slot 511 a page-size (PS) entry" : "");
        }
    }

    /**
     * The running code programs the root's DMA-capable device to write RAX as the data word of
     * guest-physical page {@code page} (any 64-bit number: the device takes what it is given).
     */
    record DeviceWrite(int vcpu, long page) implements DomainsSystemAction {
        @Override
        public String toString() {
            return "vcpu " + vcpu + " has the device write page " + page;
        }
    }
}
