package org.hvproof.properties.interrupts;

import java.util.List;
import java.util.OptionalLong;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.HypercallVerdict;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;
import org.hvproof.propcheck.Context;

/** Names of the situations a trace can reach, and the labelling of one step; properties set coverage minimums on them. */
final class InterruptsLabels {
    static final String INTERRUPT_IN_SEQUENCE = "interrupt inside the sequence";
    static final String EXCEPTION_IN_SEQUENCE = "exception inside the sequence";
    static final String ARRIVAL_WITH_SECRET_IN_REGISTER = "arrival while a register holds the secret";
    /** Two runs only: a single trace's low code never holds its secret (its invariants would call it a leak). */
    static final String ARRIVAL_WITH_GUESS_IN_LOW_REGISTER =
            "arrival while low code runs and one of its registers holds run A's secret as a guess";

    static final String ARRIVAL_AT_MOVE = "arrival before the move (sequence instruction 0)";
    static final String ARRIVAL_AT_MIX = "arrival before the mix (sequence instruction 1)";
    static final String ARRIVAL_AT_COMPARE = "arrival before the compare (sequence instruction 2)";
    static final String ARRIVAL_AT_HYPERCALL = "arrival before the hypercall (sequence instruction 3)";
    static final String RE_EXECUTION = "sequence restarted after scrubbing (move re-executed)";
    static final String NESTED = "nested virtual interrupt";
    static final String STORM = "interrupt storm";
    static final String READ_FAULT = "read of the execute-only page faulted";
    static final String WRITE_FAULT = "write of the execute-only page faulted";
    static final String JUMP_INTO_MIDDLE = "jump into the middle of the sequence";
    static final String JUMP_INSIDE_AN_INSTRUCTION =
            "jump to a byte of the sequence that starts no instruction (inside the move's immediate, say)";
    static final String RETURN_REDIRECTED_INTO_SEQUENCE =
            "the outermost handler returns to an address of the sequence other than its move";
    static final String DEVICE_READ = "the device read a page by DMA";
    static final String DEVICE_REFUSED = "the device's read of the execute-only page was refused";
    static final String ACCEPTED = "hypercall accepted";
    static final String ACCEPTED_AFTER_SCRUB = "hypercall accepted after the sequence was scrubbed";
    static final String QUIESCED = "interrupts stopped and the sequence completed";
    static final String HANDLER_READ = "handler read memory";
    static final String HIGH_VECTOR = "arrival with a vector of 32 or more";
    static final String HIGH_VECTOR_IN_SEQUENCE = "arrival inside the sequence with a vector of 32 or more";
    static final String EDGE_VECTOR = "arrival with the first or last vector (0 or 255)";
    static final String HIGH_BIT_ALIAS =
            "access or jump to an address differing from a code or data address only above bit 31";
    static final String FAR_ADDRESS = "access or jump to an address at or above 2^32";
    static final String RAISED_FAULT = "a fault the machine raised reached the handler as an exception";
    static final String RAISED_FAULT_IN_SEQUENCE =
            "a fault the machine raised inside the sequence (a fetch from the page the guest OS unmapped)";
    static final String RAISED_FAULT_WITH_SECRET_IN_REGISTER = "a fault raised inside the sequence after its move";

    /** Whether the current pass through the sequence was scrubbed (for {@link #ACCEPTED_AFTER_SCRUB}). */
    private boolean scrubbed;

    /** Labels one model-level transition of the machine (abstract states around it). */
    void label(
            InterruptsState before, InterruptsAction action, InterruptsState after, List<?> observations, Context ctx) {
        if (action instanceof InterruptsAction.Arrive a) {
            if (a.vector() >= 32) {
                ctx.label(HIGH_VECTOR);
                if (before.inSequence()) {
                    ctx.label(HIGH_VECTOR_IN_SEQUENCE);
                }
            }
            if (a.vector() == 0 || a.vector() == InterruptsActions.VECTORS_COUNT - 1) {
                ctx.label(EDGE_VECTOR);
            }
            if (before.inHandler()) {
                ctx.label(NESTED);
            }
            if (before.lowCodeRuns() && before.registers().containsValue(before.secret())) {
                ctx.label(ARRIVAL_WITH_GUESS_IN_LOW_REGISTER);
            }
            if (before.inSequence()) {
                scrubbed = true;
                ctx.label(a.cause() == ArrivalCause.INTERRUPT ? INTERRUPT_IN_SEQUENCE : EXCEPTION_IN_SEQUENCE);
                ctx.label(
                        switch ((int) (before.pc() - CodeLayout.SEQUENCE_START)) {
                            case 0 -> ARRIVAL_AT_MOVE;
                            case 1 -> ARRIVAL_AT_MIX;
                            case 2 -> ARRIVAL_AT_COMPARE;
                            default -> ARRIVAL_AT_HYPERCALL;
                        });
                if (before.registers().containsValue(before.secret())) {
                    ctx.label(ARRIVAL_WITH_SECRET_IN_REGISTER);
                }
            }
        }
        if (!(action instanceof InterruptsAction.Arrive)
                && observations.stream().anyMatch(o -> o instanceof InterruptsObservation.VirtualInterrupt)) {
            ctx.label(RAISED_FAULT);
            if (before.inSequence()) {
                scrubbed = true;
                ctx.label(RAISED_FAULT_IN_SEQUENCE);
                if (before.registers().containsValue(before.secret())) {
                    ctx.label(RAISED_FAULT_WITH_SECRET_IN_REGISTER);
                }
            }
        }
        if (action instanceof InterruptsAction.Execute
                && before.inSequence()
                && ((before.pc() == CodeLayout.SEQUENCE_COMPARE && before.reg(Reg.R1) == before.erasure())
                        || (before.pc() == CodeLayout.SEQUENCE_HYPERCALL && before.reg(Reg.R2) == before.erasure()))) {
            ctx.label(RE_EXECUTION);
        }
        if (action instanceof InterruptsAction.Return
                && before.returnStack().size() == 1
                && CodeLayout.inSequence(before.returnStack().get(0))
                && after.pc() == CodeLayout.SEQUENCE_START
                && scrubbed) {
            // The interrupted sequence resumes at its move, which re-executes.
            ctx.label(RE_EXECUTION);
        }
        if (action instanceof InterruptsAction.JumpTo j
                && before.lowCodeRuns()
                && CodeLayout.inSequence(j.target())
                && j.target() != CodeLayout.SEQUENCE_START) {
            ctx.label(JUMP_INTO_MIDDLE);
        }
        if (action instanceof InterruptsAction.JumpToByte b
                && before.lowCodeRuns()
                && !before.inHandler()
                && CodeLayout.byteInSequence(b.virtualAddress())
                && b.virtualAddress() != CodeLayout.entryByte()) {
            ctx.label(JUMP_INTO_MIDDLE);
            if (Math.floorMod(b.virtualAddress(), CodeLayout.SLOT_SIZE) != 0) {
                ctx.label(JUMP_INSIDE_AN_INSTRUCTION);
            }
        }
        if (action instanceof InterruptsAction.Return
                && before.returnStack().size() == 1
                && CodeLayout.inSequence(before.returnStack().get(0))
                && before.returnStack().get(0) != CodeLayout.SEQUENCE_START) {
            ctx.label(RETURN_REDIRECTED_INTO_SEQUENCE);
        }
        if (action instanceof InterruptsAction.DmaRead) {
            for (Object o : observations) {
                if (o instanceof InterruptsObservation.DeviceRead) {
                    ctx.label(DEVICE_READ);
                } else if (o instanceof InterruptsObservation.Fault f
                        && f.kind() == InterruptsObservation.FaultKind.DMA_REFUSED) {
                    ctx.label(DEVICE_REFUSED);
                }
            }
        }
        target(action).ifPresent(x -> {
            if (x >= 1L << 32) {
                ctx.label(FAR_ADDRESS);
            }
            if (aliasesAbove31(before, x)) {
                ctx.label(HIGH_BIT_ALIAS);
            }
        });
        if (action instanceof InterruptsAction.ReadMemory && before.inHandler()) {
            ctx.label(HANDLER_READ);
        }
        for (Object o : observations) {
            if (o instanceof InterruptsObservation.Fault f
                    && f.kind() == InterruptsObservation.FaultKind.READ_EXECUTE_ONLY) {
                ctx.label(READ_FAULT);
            } else if (o instanceof InterruptsObservation.Fault f
                    && f.kind() == InterruptsObservation.FaultKind.WRITE_EXECUTE_ONLY) {
                ctx.label(WRITE_FAULT);
            }
            if (o instanceof InterruptsObservation.HypercallReturned h && h.verdict() == HypercallVerdict.ACCEPTED) {
                ctx.label(ACCEPTED);
                if (scrubbed) {
                    ctx.label(ACCEPTED_AFTER_SCRUB);
                }
            }
            if (o instanceof InterruptsObservation.HypercallReturned) {
                scrubbed = false;
            }
        }
    }

    /** The address an access or jump names. */
    private static OptionalLong target(InterruptsAction action) {
        if (action instanceof InterruptsAction.ReadMemory r) {
            return OptionalLong.of(r.address());
        } else if (action instanceof InterruptsAction.WriteMemory w) {
            return OptionalLong.of(w.address());
        } else if (action instanceof InterruptsAction.JumpTo j) {
            return OptionalLong.of(j.target());
        } else if (action instanceof InterruptsAction.DmaRead d) {
            return OptionalLong.of(d.address());
        }
        return OptionalLong.empty();
    }

    /** Whether {@code x} differs from some code or data address of {@code s} only above bit 31. */
    private static boolean aliasesAbove31(InterruptsState s, long x) {
        for (long a : s.code().keySet()) {
            if (a != x && ((a ^ x) & 0xFFFF_FFFFL) == 0) {
                return true;
            }
        }
        for (long a : s.memory().keySet()) {
            if (a != x && ((a ^ x) & 0xFFFF_FFFFL) == 0) {
                return true;
            }
        }
        return false;
    }
}
