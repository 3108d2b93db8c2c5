package org.hvproof.model.interrupts;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hvproof.model.interrupts.Action.Arrive;
import org.hvproof.model.interrupts.Action.Execute;
import org.hvproof.model.interrupts.Action.JumpTo;
import org.hvproof.model.interrupts.Action.ReadMemory;
import org.hvproof.model.interrupts.Action.Return;
import org.hvproof.model.interrupts.Action.SetRegister;
import org.hvproof.model.interrupts.Action.WriteMemory;
import org.hvproof.model.interrupts.Observation.Fault;
import org.hvproof.model.interrupts.Observation.FaultKind;

/**
 * The pure transition function of the interrupts mechanism. Total: every action on every state
 * gives a step; hostile input gives a fault observation or is ignored, never an exception.
 */
public final class Interrupts {

    private static final Set<InterruptFlaw> NO_FLAWS = EnumSet.noneOf(InterruptFlaw.class);

    private final Set<InterruptFlaw> flaws;

    private Interrupts(Set<InterruptFlaw> flaws) {
        this.flaws = flaws.isEmpty() ? NO_FLAWS : EnumSet.copyOf(flaws);
    }

    /** The correct mechanism. */
    public static Step step(State before, Action action) {
        return new Interrupts(NO_FLAWS).apply(before, action);
    }

    /** A deliberately flawed mechanism; with an empty set the same as {@link #step(State, Action)}. */
    public static Step step(State before, Action action, Set<InterruptFlaw> flaws) {
        return new Interrupts(flaws).apply(before, action);
    }

    private Step apply(State s, Action action) {
        if (action instanceof Execute) {
            return execute(s);
        } else if (action instanceof Arrive a) {
            return arrive(s, a);
        } else if (action instanceof Return) {
            return handlerReturn(s);
        } else if (action instanceof SetRegister sr) {
            return s.lowCodeRuns() ? Step.of(s.withReg(sr.reg(), sr.value())) : Step.of(s);
        } else if (action instanceof JumpTo j) {
            return jump(s, j.target());
        } else if (action instanceof ReadMemory rm) {
            return readMemory(s, rm.address());
        } else if (action instanceof WriteMemory wm) {
            return writeMemory(s, wm.address(), wm.value());
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    // --- the guest executes one instruction ---------------------------------------------------

    private Step execute(State s) {
        // Guard 1: handler code is not modelled below its reads and writes.
        if (s.inHandler()) {
            return Step.of(s);
        }
        // Guard 2: nothing mapped at the program counter.
        Instruction insn = s.code().get(s.pc());
        if (insn == null) {
            return Step.of(s, new Fault(FaultKind.EXECUTE_UNMAPPED, s.pc()));
        }
        long next = s.pc() + 1;
        if (insn instanceof Instruction.MovImm m) {
            return Step.of(s.withReg(m.dst(), m.imm()).withPc(next));
        } else if (insn instanceof Instruction.Mix m) {
            return Step.of(s.withReg(m.dst(), Instruction.mix(s.reg(m.key()), s.reg(m.msg())))
                    .withPc(next));
        } else if (insn instanceof Instruction.CmpImmJumpIfEqual c) {
            return Step.of(s.withPc(s.reg(c.src()) == c.imm() ? c.target() : next));
        } else if (insn instanceof Instruction.Hypercall) {
            return hypercall(s);
        } else if (insn instanceof Instruction.Load l) {
            return load(s, l);
        } else if (insn instanceof Instruction.Store st) {
            return store(s, st);
        } else if (insn instanceof Instruction.Jump j) {
            return Step.of(s.withPc(j.target()));
        } else {
            return Step.of(s.withPc(next));
        }
    }

    /**
     * The hypervisor's side of the authenticated hypercall. Only the sequence's own hypercall is
     * authenticated. If R2 holds the erasure constant the sequence was interrupted between its
     * compare and the hypercall: the hypervisor resumes it at its start instead of answering (the
     * compare-and-restart, done atomically). Otherwise it answers, erases R1 and R2 so nothing
     * derived from the secret outlives the sequence, and puts the verdict in R0.
     */
    private Step hypercall(State s) {
        boolean fromSequence = s.pc() == Layout.SEQUENCE_HYPERCALL;
        if (fromSequence && s.reg(Reg.R2) == s.erasure()) {
            return Step.of(s.withPc(Layout.SEQUENCE_START));
        }
        long message = s.reg(Reg.R3);
        boolean authentic = fromSequence && s.reg(Reg.R2) == Instruction.mix(s.secret(), message);
        Verdict verdict = authentic ? Verdict.ACCEPTED : Verdict.REJECTED;
        State next = s.withReg(Reg.R0, verdict.code())
                .withReg(Reg.R1, s.erasure())
                .withReg(Reg.R2, s.erasure())
                .withHypercall(new State.HypercallResult(message, verdict))
                .withPc(s.pc() + 1);
        return Step.of(next, new Observation.HypercallReturned(verdict));
    }

    private Step load(State s, Instruction.Load l) {
        if (unreadable(l.address())) {
            return Step.of(s, new Fault(FaultKind.READ_EXECUTE_ONLY, l.address()));
        }
        long value = valueAt(s, l.address());
        return Step.of(s.withReg(l.dst(), value).withPc(s.pc() + 1), new Observation.MemoryRead(l.address(), value));
    }

    private Step store(State s, Instruction.Store st) {
        if (Layout.onExecuteOnlyPage(st.address())) {
            return Step.of(s, new Fault(FaultKind.WRITE_EXECUTE_ONLY, st.address()));
        }
        return Step.of(s.withMemory(st.address(), s.reg(st.src())).withPc(s.pc() + 1));
    }

    // --- the interrupt security module ---------------------------------------------------------

    /**
     * Intercept an interrupt or exception: if the guest is inside the sequence, overwrite the
     * secret's registers with the erasure constant; then deliver one virtual interrupt with the
     * same vector to the handler, which sees every register and its return address.
     */
    private Step arrive(State s, Arrive a) {
        State scrubbed = s.inSequence() && scrubs(a.cause()) ? scrub(s) : s;
        List<Long> stack = new ArrayList<>(s.returnStack());
        stack.add(s.pc());
        State handling = scrubbed.withReturnStack(stack).withPc(Layout.HANDLER_ENTRY);
        Observation delivered = new Observation.VirtualInterrupt(a.vector(), a.cause(), handling.registers(), s.pc());
        if (flaws.contains(InterruptFlaw.DUPLICATE_EXCEPTION_DELIVERY) && a.cause() == Cause.EXCEPTION) {
            return Step.of(handling, delivered, delivered);
        }
        return Step.of(handling, delivered);
    }

    private boolean scrubs(Cause cause) {
        return cause == Cause.INTERRUPT || !flaws.contains(InterruptFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS);
    }

    private State scrub(State s) {
        Map<Reg, Long> regs = new EnumMap<>(s.registers());
        regs.put(Reg.R1, flaws.contains(InterruptFlaw.SCRUB_XOR_SECRET) ? s.reg(Reg.R1) ^ s.erasure() : s.erasure());
        if (!flaws.contains(InterruptFlaw.SCRUB_FORGETS_AUTH_REGISTER)) {
            regs.put(Reg.R2, s.erasure());
        }
        return s.withRegisters(regs);
    }

    private Step handlerReturn(State s) {
        if (!s.inHandler()) {
            return Step.of(s, new Fault(FaultKind.RETURN_WITHOUT_HANDLER, s.pc()));
        }
        List<Long> stack = s.returnStack();
        long target = stack.get(stack.size() - 1);
        State back = s.withReturnStack(stack.subList(0, stack.size() - 1))
                .withPc(stack.size() == 1 ? target : Layout.HANDLER_ENTRY);
        if (flaws.contains(InterruptFlaw.RESTORE_SECRET_ON_RETURN) && back.inSequence()) {
            back = back.withReg(Reg.R1, s.secret());
        }
        return Step.of(back);
    }

    // --- actions of low code ---------------------------------------------------------------------

    private Step jump(State s, long target) {
        if (!s.lowCodeRuns()) {
            return Step.of(s);
        }
        if (s.inHandler()) {
            List<Long> stack = new ArrayList<>(s.returnStack());
            stack.set(stack.size() - 1, target);
            return Step.of(s.withReturnStack(stack));
        }
        return Step.of(s.withPc(target));
    }

    private Step readMemory(State s, long address) {
        if (!s.lowCodeRuns()) {
            return Step.of(s);
        }
        if (unreadable(address)) {
            return Step.of(s, new Fault(FaultKind.READ_EXECUTE_ONLY, address));
        }
        return Step.of(s, new Observation.MemoryRead(address, valueAt(s, address)));
    }

    private Step writeMemory(State s, long address, long value) {
        if (!s.lowCodeRuns()) {
            return Step.of(s);
        }
        if (Layout.onExecuteOnlyPage(address)) {
            return Step.of(s, new Fault(FaultKind.WRITE_EXECUTE_ONLY, address));
        }
        return Step.of(s.withMemory(address, value));
    }

    private boolean unreadable(long address) {
        return Layout.onExecuteOnlyPage(address) && !flaws.contains(InterruptFlaw.CODE_PAGE_READABLE);
    }

    /** Readable memory; with the readable-code flaw the move's immediate reads as itself. */
    private static long valueAt(State s, long address) {
        if (Layout.onExecuteOnlyPage(address) && s.code().get(address) instanceof Instruction.MovImm m) {
            return m.imm();
        }
        return s.read(address);
    }
}
