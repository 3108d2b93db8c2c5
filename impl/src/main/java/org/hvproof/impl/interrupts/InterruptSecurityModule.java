package org.hvproof.impl.interrupts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hvproof.impl.machine.VcpuEvent;
import org.hvproof.impl.machine.VcpuEventHandler;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.Reg;

/**
 * The interrupt security module, at the hypervisor's privilege: it intercepts every interrupt and
 * exception aimed at the guest OS (it is a {@link VcpuEventHandler}, so the hypervisor hands it
 * each one before the guest could see it). If the vCPU is inside the protected sequence it first
 * overwrites the secret's register R1 and the authentication value R2 (the secret and everything
 * derived from it) with the erasure constant; then it delivers one virtual interrupt with the
 * same vector to the guest's handler: it pushes a virtual interrupt frame holding the return
 * address and moves the vCPU to the handler's entry. Outside the sequence it forwards untouched.
 *
 * <p>It never writes the secret: on the handler's return the sequence finds the erasure constant
 * and runs its move again. The frames are the virtual interrupt controller's; a (possibly
 * compromised) handler may rewrite the innermost return address, and it sees every register.
 */
final class InterruptSecurityModule implements VcpuEventHandler {
    /** The flawed module's scrub table: one entry per architectural exception vector, all set. */
    private static final boolean[] EXCEPTION_VECTORS = exceptionVectors();

    private final SequenceAuthenticator authenticator;
    private final InterruptsImplFlaw flaw;
    /** The guest's vCPU: every event reaches every service, and the module acts on this vCPU's only. */
    private final VCpu own;
    /** A composition's seam flaw: the module takes every vCPU's events for its guest's. */
    private final boolean everyVcpu;

    private final List<Long> frames = new ArrayList<>();
    private final List<InterruptsObservation> delivered = new ArrayList<>();
    /** Whether the next event is one the hypervisor injects, not a fault the guest's own access raised. */
    private boolean injecting;

    InterruptSecurityModule(SequenceAuthenticator authenticator, InterruptsImplFlaw flaw, VCpu own, boolean everyVcpu) {
        this.authenticator = authenticator;
        this.flaw = flaw;
        this.own = own;
        this.everyVcpu = everyVcpu;
    }

    @Override
    public void onEvent(VirtualCpu cpu, VcpuEvent event) {
        if (!cpu.id().equals(own) && !everyVcpu) {
            // Another service's vCPU: its event is that service's business.
            return;
        }
        long pc = GuestLayout.address(cpu.instructionPointer());
        boolean injected = injecting;
        injecting = false;
        boolean nested = handlerRuns();
        if (nested && flaw == InterruptsImplFlaw.DROP_NESTED_VIRTUAL_INTERRUPT) {
            return;
        }
        ArrivalCause cause = event.kind() == VcpuEvent.Kind.INTERRUPT ? ArrivalCause.INTERRUPT : ArrivalCause.EXCEPTION;
        boolean skipRaised = !injected && flaw == InterruptsImplFlaw.RAISED_FAULT_SKIPS_SCRUB;
        if (!nested && CodeLayout.inSequence(pc) && scrubs(cause, event.vector()) && !skipRaised) {
            scrub(cpu);
        }
        if (flaw == InterruptsImplFlaw.SCRUBS_REGISTERS_EQUAL_TO_SECRET) {
            eraseCopiesOfSecret(cpu);
        }
        frames.add(pc);
        cpu.setInstructionPointer(GuestLayout.slot(CodeLayout.HANDLER_ENTRY));
        InterruptsObservation vi =
                new InterruptsObservation.VirtualInterrupt(event.vector(), cause, Registers.snapshot(cpu), pc);
        delivered.add(vi);
        if (flaw == InterruptsImplFlaw.DUPLICATE_EXCEPTION_DELIVERY && cause == ArrivalCause.EXCEPTION) {
            delivered.add(vi);
        }
    }

    private boolean scrubs(ArrivalCause cause, int vector) {
        if (flaw == InterruptsImplFlaw.SCRUB_TABLE_SIZED_FOR_EXCEPTIONS) {
            // The flawed module looks the vector up in a table sized for the architectural
            // exceptions; a vector past its end counts as "not intercepted" and is not scrubbed.
            return vector < EXCEPTION_VECTORS.length && EXCEPTION_VECTORS[vector];
        }
        return cause == ArrivalCause.INTERRUPT || flaw != InterruptsImplFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS;
    }

    private void scrub(VirtualCpu cpu) {
        long erasure = authenticator.erasure();
        // The flawed scrubber masks the hypervisor's copy of the secret instead of erasing.
        Registers.set(
                cpu, Reg.R1, flaw == InterruptsImplFlaw.SCRUB_XOR_SECRET ? authenticator.secret() ^ erasure : erasure);
        if (flaw != InterruptsImplFlaw.SCRUB_FORGETS_AUTH_REGISTER) {
            Registers.set(cpu, Reg.R2, erasure);
        }
        if (flaw != InterruptsImplFlaw.SCRUB_FORGETS_FLAGS) {
            cpu.setFlags(0);
        }
    }

    /** The flawed module's extra erase: every register equal to the secret, wherever the guest runs. */
    private void eraseCopiesOfSecret(VirtualCpu cpu) {
        for (Reg r : Reg.values()) {
            if (Registers.get(cpu, r) == authenticator.secret()) {
                Registers.set(cpu, r, authenticator.erasure());
            }
        }
    }

    private static boolean[] exceptionVectors() {
        boolean[] table = new boolean[32];
        Arrays.fill(table, true);
        return table;
    }

    /**
     * The hypervisor is about to inject an interrupt or exception (not a fault of the guest's own
     * access): only the flawed module tells the two apart, the correct one scrubs on both.
     */
    void injecting() {
        injecting = true;
    }

    /** Virtual interrupts delivered since the last call, in order. */
    List<InterruptsObservation> drainDelivered() {
        List<InterruptsObservation> out = List.copyOf(delivered);
        delivered.clear();
        return out;
    }

    /** Whether a virtual interrupt handler runs (a frame is pushed). */
    boolean handlerRuns() {
        return !frames.isEmpty();
    }

    /** Return addresses of the pushed frames, innermost last. */
    List<Long> frames() {
        return List.copyOf(frames);
    }

    /**
     * The innermost handler returns: its frame is popped and the vCPU resumes at the frame's
     * (possibly rewritten) address, or in the outer handler if frames remain. Nothing is written
     * to a register. False when no handler runs.
     */
    boolean returnFromHandler(VirtualCpu cpu) {
        if (frames.isEmpty()) {
            return false;
        }
        long target = frames.remove(frames.size() - 1);
        // An interrupted sequence restarts at its move: the handler may have rewritten every
        // register while the sequence's were erased, and its tail must not run on them.
        long resume = CodeLayout.inSequence(target) && flaw != InterruptsImplFlaw.RESUME_AT_RETURN_ADDRESS
                ? CodeLayout.SEQUENCE_START
                : target;
        cpu.setInstructionPointer(GuestLayout.slot(frames.isEmpty() ? resume : CodeLayout.HANDLER_ENTRY));
        if (flaw == InterruptsImplFlaw.RESTORE_SECRET_ON_RETURN && frames.isEmpty() && CodeLayout.inSequence(target)) {
            Registers.set(cpu, Reg.R1, authenticator.secret());
        }
        return true;
    }

    /**
     * Whether low code may transfer control to {@code target}: into the sequence only at its first
     * instruction (its move). The hypervisor keeps the sequence's execute-only page unexecutable
     * from outside it except at that entry, so a fetch anywhere else in it is refused.
     */
    boolean admitsTransferTo(long target) {
        return admitsTransferToByte(GuestLayout.slot(target));
    }

    /**
     * Whether low code may transfer control to the guest-virtual byte {@code va}: into the
     * sequence's slots only at the first byte of its move, whatever the byte (inside an
     * instruction's encoding included). The flawed check admits the first byte of every slot.
     */
    boolean admitsTransferToByte(long va) {
        if (!CodeLayout.byteInSequence(va)) {
            return true;
        }
        return flaw == InterruptsImplFlaw.MID_SEQUENCE_JUMP_NOT_FAULTED
                ? Math.floorMod(va, GuestLayout.SLOT_SIZE) == 0
                : va == CodeLayout.entryByte();
    }

    /** A handler rewrites the return address of its own frame. */
    void rewriteReturnAddress(long target) {
        GuestLayout.slot(target);
        frames.set(frames.size() - 1, target);
    }
}
