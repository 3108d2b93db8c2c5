package org.hvproof.impl.machine;

import java.util.Objects;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;

/**
 * A vCPU's register file: instruction pointer, sixteen 64-bit general registers, the flags
 * register (RFLAGS: its arithmetic bits, as a compare sets them), the page-table root (CR3), the privilege it runs at, and the view (nested page table) it runs on.
 * Mutable, as hardware is; later mechanisms add the current protection domain beside the view.
 */
public final class VirtualCpu {
    /** Number of general registers (RAX..R15). */
    public static final int GENERAL_REGISTERS = 16;

    private final VCpu id;
    private final long[] registers = new long[GENERAL_REGISTERS];
    private long instructionPointer;
    private long flags;
    private long cr3;
    private Privilege privilege = Privilege.KERNEL;
    private ViewId view = ViewId.DEFAULT;

    /** A vCPU in the kernel, on the default view, with zeroed registers. */
    public VirtualCpu(VCpu id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    /** Which vCPU this is. */
    public VCpu id() {
        return id;
    }

    /** General register {@code index} (0 = RAX ... 15 = R15). */
    public long register(int index) {
        return registers[index];
    }

    /** Sets general register {@code index}. */
    public void setRegister(int index, long value) {
        registers[index] = value;
    }

    /** The flags register (RFLAGS); zero at reset. */
    public long flags() {
        return flags;
    }

    /** Sets the flags register. */
    public void setFlags(long value) {
        flags = value;
    }

    /** The instruction pointer. */
    public long instructionPointer() {
        return instructionPointer;
    }

    /** Sets the instruction pointer. */
    public void setInstructionPointer(long value) {
        instructionPointer = value;
    }

    /** The guest page-table root: the guest-physical address of the top-level table. */
    public long cr3() {
        return cr3;
    }

    /** Loads a new page-table root. */
    public void setCr3(long value) {
        cr3 = value;
    }

    /** The privilege the vCPU runs at. */
    public Privilege privilege() {
        return privilege;
    }

    /** Changes privilege. */
    public void setPrivilege(Privilege value) {
        privilege = Objects.requireNonNull(value, "privilege");
    }

    /** The view (nested page table) the vCPU runs on. */
    public ViewId view() {
        return view;
    }

    /** Switches the vCPU to another view. */
    public void setView(ViewId value) {
        view = Objects.requireNonNull(value, "view");
    }
}
