package org.hvproof.model.interrupts;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hvproof.model.interrupts.InterruptsAction.Arrive;
import org.hvproof.model.interrupts.InterruptsAction.DmaRead;
import org.hvproof.model.interrupts.InterruptsAction.Execute;
import org.hvproof.model.interrupts.InterruptsAction.JumpTo;
import org.hvproof.model.interrupts.InterruptsAction.JumpToByte;
import org.hvproof.model.interrupts.InterruptsAction.ReadMemory;
import org.hvproof.model.interrupts.InterruptsAction.Return;
import org.hvproof.model.interrupts.InterruptsAction.SetPagePresent;
import org.hvproof.model.interrupts.InterruptsAction.SetRegister;
import org.hvproof.model.interrupts.InterruptsAction.WriteMemory;
import org.hvproof.model.interrupts.InterruptsObservation.Fault;
import org.hvproof.model.interrupts.InterruptsObservation.FaultKind;

/**
 * The pure transition function of the interrupts mechanism. Total: every action on every state
 * gives a step; hostile input gives a fault observation or is ignored, never an exception.
 */
public final class InterruptsModel {

    private static final Set<InterruptsModelFlaw> NO_FLAWS = EnumSet.noneOf(InterruptsModelFlaw.class);

    private final Set<InterruptsModelFlaw> flaws;

    private InterruptsModel(Set<InterruptsModelFlaw> flaws) {
        this.flaws = flaws.isEmpty() ? NO_FLAWS : EnumSet.copyOf(flaws);
    }

    /** The correct mechanism. */
    public static InterruptsStep step(InterruptsState before, InterruptsAction action) {
        return new InterruptsModel(NO_FLAWS).apply(before, action);
    }

    /** A deliberately flawed mechanism; with an empty set the same as {@link #step(InterruptsState, InterruptsAction)}. */
    public static InterruptsStep step(InterruptsState before, InterruptsAction action, Set<InterruptsModelFlaw> flaws) {
        return new InterruptsModel(flaws).apply(before, action);
    }

    private InterruptsStep apply(InterruptsState s, InterruptsAction action) {
        if (action instanceof Execute) {
            return execute(s);
        } else if (action instanceof Arrive a) {
            return arrive(s, a);
        } else if (action instanceof Return) {
            return handlerReturn(s);
        } else if (action instanceof SetRegister sr) {
            return s.lowCodeRuns() ? InterruptsStep.of(s.withReg(sr.reg(), sr.value())) : InterruptsStep.of(s);
        } else if (action instanceof JumpTo j) {
            return jump(s, j.target());
        } else if (action instanceof ReadMemory rm) {
            return readMemory(s, rm.address());
        } else if (action instanceof WriteMemory wm) {
            return writeMemory(s, wm.address(), wm.value());
        } else if (action instanceof JumpToByte jb) {
            return jumpToByte(s, jb.virtualAddress());
        } else if (action instanceof DmaRead d) {
            return dmaRead(s, d.address());
        } else if (action instanceof SetPagePresent p) {
            return InterruptsStep.of(s.withPagePresent(p.address(), p.present()));
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    // --- the guest executes one instruction ---------------------------------------------------

    private InterruptsStep execute(InterruptsState s) {
        // Guard 1: handler code is not modelled below its reads and writes.
        if (s.inHandler()) {
            return InterruptsStep.of(s);
        }
        // Guard 2: the fetch faults: the page is unmapped or not executable, or its slot holds no instruction.
        Instruction insn = s.code().get(s.pc());
        if (s.pageAbsent(s.pc()) || (insn == null && !CodeLayout.onCodeGuestPage(s.pc()))) {
            return raise(s, new Fault(FaultKind.EXECUTE_UNMAPPED, s.pc()));
        }
        if (insn == null) {
            return raise(s, new Fault(FaultKind.INVALID_INSTRUCTION, s.pc()));
        }
        long next = s.pc() + 1;
        if (insn instanceof Instruction.MovImm m) {
            return InterruptsStep.of(s.withReg(m.dst(), m.imm()).withPc(next));
        } else if (insn instanceof Instruction.Mix m) {
            return InterruptsStep.of(s.withReg(m.dst(), Instruction.mix(s.reg(m.key()), s.reg(m.msg())))
                    .withPc(next));
        } else if (insn instanceof Instruction.CmpImmJumpIfEqual c) {
            return InterruptsStep.of(s.withFlags(Instruction.compareFlags(s.reg(c.src()), c.imm()))
                    .withPc(s.reg(c.src()) == c.imm() ? c.target() : next));
        } else if (insn instanceof Instruction.Hypercall) {
            return hypercall(s);
        } else if (insn instanceof Instruction.Load l) {
            return load(s, l);
        } else if (insn instanceof Instruction.Store st) {
            return store(s, st);
        } else if (insn instanceof Instruction.Jump j) {
            return InterruptsStep.of(s.withPc(j.target()));
        } else {
            return InterruptsStep.of(s.withPc(next));
        }
    }

    /**
     * The hypervisor's side of the authenticated hypercall. Only the sequence's own hypercall is
     * authenticated. If R2 holds the erasure constant the sequence was interrupted between its
     * compare and the hypercall: the hypervisor resumes it at its start instead of answering (the
     * compare-and-restart, done atomically). Otherwise it answers, erases R1, R2 and the flags
     * (the compare left bits of the secret there) so nothing derived from the secret outlives the
     * sequence, and puts the verdict in R0.
     */
    private InterruptsStep hypercall(InterruptsState s) {
        boolean fromSequence = s.pc() == CodeLayout.SEQUENCE_HYPERCALL;
        if (fromSequence && s.reg(Reg.R2) == s.erasure()) {
            return InterruptsStep.of(s.withPc(CodeLayout.SEQUENCE_START));
        }
        long message = s.reg(Reg.R3);
        boolean authentic = fromSequence && s.reg(Reg.R2) == Instruction.mix(s.secret(), message);
        HypercallVerdict verdict = authentic ? HypercallVerdict.ACCEPTED : HypercallVerdict.REJECTED;
        InterruptsState next = s.withReg(Reg.R0, verdict.code())
                .withReg(Reg.R1, s.erasure())
                .withReg(Reg.R2, s.erasure())
                .withFlags(0)
                .withHypercall(new InterruptsState.HypercallResult(message, verdict))
                .withPc(s.pc() + 1);
        return InterruptsStep.of(next, new InterruptsObservation.HypercallReturned(verdict));
    }

    private InterruptsStep load(InterruptsState s, Instruction.Load l) {
        Optional<Fault> fault = accessFault(s, l.address(), false);
        if (fault.isPresent()) {
            return raise(s, fault.get());
        }
        long value = valueAt(s, l.address());
        return InterruptsStep.of(
                s.withReg(l.dst(), value).withPc(s.pc() + 1), new InterruptsObservation.MemoryRead(l.address(), value));
    }

    private InterruptsStep store(InterruptsState s, Instruction.Store st) {
        Optional<Fault> fault = accessFault(s, st.address(), true);
        if (fault.isPresent()) {
            return raise(s, fault.get());
        }
        return InterruptsStep.of(s.withMemory(st.address(), s.reg(st.src())).withPc(s.pc() + 1));
    }

    /**
     * The fault a data access of {@code address} raises, if any: the guest's page-table walk comes
     * first (a page the guest OS unmapped), then the nested page table (the execute-only page).
     */
    private Optional<Fault> accessFault(InterruptsState s, long address, boolean write) {
        if (s.pageAbsent(address)) {
            return Optional.of(new Fault(FaultKind.PAGE_NOT_PRESENT, address));
        }
        if (write ? CodeLayout.onExecuteOnlyPage(address) : unreadable(address)) {
            return Optional.of(new Fault(write ? FaultKind.WRITE_EXECUTE_ONLY : FaultKind.READ_EXECUTE_ONLY, address));
        }
        return Optional.empty();
    }

    /**
     * A fault the machine raises on an instruction's fetch or access: nothing of the access
     * happens, and the exception with the fault's vector takes the one path every exception takes
     * ({@link #arrive}): scrubbed inside the sequence, delivered as one virtual interrupt whose
     * frame returns to the faulting instruction. The guest sees the fault, then the delivery.
     */
    private InterruptsStep raise(InterruptsState s, Fault fault) {
        InterruptsStep delivered =
                arrive(s, new Arrive(ArrivalCause.EXCEPTION, fault.kind().vector()));
        List<InterruptsObservation> seen = new ArrayList<>();
        seen.add(fault);
        seen.addAll(delivered.observations());
        return new InterruptsStep(delivered.next(), seen);
    }

    // --- the interrupt security module ---------------------------------------------------------

    /**
     * Intercept an interrupt or exception: if the guest is inside the sequence, overwrite the
     * secret's registers with the erasure constant and clear the flags (a compare of the secret
     * left bits of it there); then deliver one virtual interrupt with the
     * same vector to the handler, which sees every register and its return address.
     */
    private InterruptsStep arrive(InterruptsState s, Arrive a) {
        InterruptsState scrubbed = s.inSequence() && scrubs(a.cause()) ? scrub(s) : s;
        List<Long> stack = new ArrayList<>(s.returnStack());
        stack.add(s.pc());
        InterruptsState handling = scrubbed.withReturnStack(stack).withPc(CodeLayout.HANDLER_ENTRY);
        InterruptsObservation delivered =
                new InterruptsObservation.VirtualInterrupt(a.vector(), a.cause(), handling.registers(), s.pc());
        if (flaws.contains(InterruptsModelFlaw.DUPLICATE_EXCEPTION_DELIVERY) && a.cause() == ArrivalCause.EXCEPTION) {
            return InterruptsStep.of(handling, delivered, delivered);
        }
        return InterruptsStep.of(handling, delivered);
    }

    private boolean scrubs(ArrivalCause cause) {
        return cause == ArrivalCause.INTERRUPT
                || !flaws.contains(InterruptsModelFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS);
    }

    private InterruptsState scrub(InterruptsState s) {
        Map<Reg, Long> regs = new EnumMap<>(s.registers());
        regs.put(
                Reg.R1,
                flaws.contains(InterruptsModelFlaw.SCRUB_XOR_SECRET) ? s.reg(Reg.R1) ^ s.erasure() : s.erasure());
        if (!flaws.contains(InterruptsModelFlaw.SCRUB_FORGETS_AUTH_REGISTER)) {
            regs.put(Reg.R2, s.erasure());
        }
        return s.withRegisters(regs).withFlags(0);
    }

    private InterruptsStep handlerReturn(InterruptsState s) {
        if (!s.inHandler()) {
            return InterruptsStep.of(s, new Fault(FaultKind.RETURN_WITHOUT_HANDLER, s.pc()));
        }
        List<Long> stack = s.returnStack();
        long target = stack.get(stack.size() - 1);
        InterruptsState back = s.withReturnStack(stack.subList(0, stack.size() - 1))
                .withPc(stack.size() == 1 ? resumeAt(target) : CodeLayout.HANDLER_ENTRY);
        if (flaws.contains(InterruptsModelFlaw.RESTORE_SECRET_ON_RETURN) && back.inSequence()) {
            back = back.withReg(Reg.R1, s.secret());
        }
        return InterruptsStep.of(back);
    }

    /**
     * Where the guest resumes when its outermost handler returns to {@code target}: an interrupted
     * sequence restarts at its move. The handler was free to rewrite every register (and its return
     * address) while the sequence's were erased, so resuming mid-sequence would run the sequence's
     * last instructions on values the handler chose, and the hypercall's verdict would tell the
     * handler whether its guess was the secret.
     */
    private static long resumeAt(long target) {
        return CodeLayout.inSequence(target) ? CodeLayout.SEQUENCE_START : target;
    }

    // --- actions of low code ---------------------------------------------------------------------

    /**
     * Low code transfers control. Into the sequence only at its first instruction: anywhere else
     * in it faults and changes nothing (the hypervisor keeps the sequence's page unexecutable from
     * outside except at that entry), so no code runs the sequence's tail on registers it chose.
     */
    private InterruptsStep jump(InterruptsState s, long target) {
        if (!s.lowCodeRuns()) {
            return InterruptsStep.of(s);
        }
        if (!s.inHandler() && CodeLayout.inSequence(target) && target != CodeLayout.SEQUENCE_START) {
            return InterruptsStep.of(s, new Fault(FaultKind.NOT_SEQUENCE_ENTRY, target));
        }
        if (s.inHandler()) {
            List<Long> stack = new ArrayList<>(s.returnStack());
            stack.set(stack.size() - 1, target);
            return InterruptsStep.of(s.withReturnStack(stack));
        }
        return InterruptsStep.of(s.withPc(target));
    }

    /**
     * Low code transfers control to a byte (INT-6's jump half). The hypervisor refuses every byte
     * of the sequence but its first, whatever runs, before the transfer happens; elsewhere a byte
     * that starts no slot is a misaligned transfer, which faults too; a slot's first byte is a
     * jump to its address.
     */
    private InterruptsStep jumpToByte(InterruptsState s, long va) {
        if (!s.lowCodeRuns()) {
            return InterruptsStep.of(s);
        }
        if (!s.inHandler() && CodeLayout.byteInSequence(va) && va != CodeLayout.entryByte()) {
            return InterruptsStep.of(s, new Fault(FaultKind.NOT_SEQUENCE_ENTRY, va));
        }
        if (Math.floorMod(va, CodeLayout.SLOT_SIZE) != 0) {
            return InterruptsStep.of(s, new Fault(FaultKind.MISALIGNED_TRANSFER, va));
        }
        return jump(s, Math.floorDiv(va, CodeLayout.SLOT_SIZE));
    }

    /**
     * The device reads an address's slot (INT-6's device half): the hypervisor maps every page
     * for it but the execute-only page, which holds the secret, so a read there is refused. The
     * device is no code of the guest's vCPU: it reads whatever the vCPU runs, and changes nothing.
     */
    private static InterruptsStep dmaRead(InterruptsState s, long address) {
        if (CodeLayout.onExecuteOnlyPage(address)) {
            return InterruptsStep.of(s, new Fault(FaultKind.DMA_REFUSED, address));
        }
        return InterruptsStep.of(
                s,
                new InterruptsObservation.DeviceRead(
                        address, s.read(address), Optional.ofNullable(s.code().get(address))));
    }

    private InterruptsStep readMemory(InterruptsState s, long address) {
        if (!s.lowCodeRuns()) {
            return InterruptsStep.of(s);
        }
        Optional<Fault> fault = accessFault(s, address, false);
        if (fault.isPresent()) {
            return raise(s, fault.get());
        }
        return InterruptsStep.of(s, new InterruptsObservation.MemoryRead(address, valueAt(s, address)));
    }

    private InterruptsStep writeMemory(InterruptsState s, long address, long value) {
        if (!s.lowCodeRuns()) {
            return InterruptsStep.of(s);
        }
        Optional<Fault> fault = accessFault(s, address, true);
        if (fault.isPresent()) {
            return raise(s, fault.get());
        }
        return InterruptsStep.of(s.withMemory(address, value));
    }

    private boolean unreadable(long address) {
        return CodeLayout.onExecuteOnlyPage(address) && !flaws.contains(InterruptsModelFlaw.CODE_PAGE_READABLE);
    }

    /** Readable memory; with the readable-code flaw the move's immediate reads as itself. */
    private static long valueAt(InterruptsState s, long address) {
        if (CodeLayout.onExecuteOnlyPage(address) && s.code().get(address) instanceof Instruction.MovImm m) {
            return m.imm();
        }
        return s.read(address);
    }
}
