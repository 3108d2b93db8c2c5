package org.hvproof.properties;

import org.hvproof.impl.machine.VirtualCpu;

/** A vCPU's whole context in one comparable line, for tests that compare two machines' vCPUs. */
public final class VcpuContexts {
    private VcpuContexts() {}

    /** Its sixteen general registers, instruction pointer, CR3 and view. */
    public static String of(VirtualCpu cpu) {
        StringBuilder b = new StringBuilder("vCPU " + cpu.id().id() + ":");
        for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
            b.append(' ').append(Long.toHexString(cpu.register(r)));
        }
        b.append(", IP ").append(Long.toHexString(cpu.instructionPointer()));
        b.append(", CR3 ").append(Long.toHexString(cpu.cr3()));
        b.append(", view ").append(cpu.view());
        return b.toString();
    }
}
