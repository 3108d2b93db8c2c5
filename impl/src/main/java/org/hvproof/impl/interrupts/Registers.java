package org.hvproof.impl.interrupts;

import java.util.EnumMap;
import java.util.Map;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.interrupts.Reg;

/** The model's registers R0..R3 are the vCPU's general registers 0..3 (RAX, RCX, RDX, RBX). */
final class Registers {
    private Registers() {}

    static long get(VirtualCpu cpu, Reg r) {
        return cpu.register(r.ordinal());
    }

    static void set(VirtualCpu cpu, Reg r, long value) {
        cpu.setRegister(r.ordinal(), value);
    }

    /** A snapshot of R0..R3. */
    static Map<Reg, Long> snapshot(VirtualCpu cpu) {
        Map<Reg, Long> out = new EnumMap<>(Reg.class);
        for (Reg r : Reg.values()) {
            out.put(r, get(cpu, r));
        }
        return out;
    }
}
