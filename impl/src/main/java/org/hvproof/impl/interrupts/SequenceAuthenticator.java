package org.hvproof.impl.interrupts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.HypercallVerdict;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;

/**
 * The hypervisor's side of the sequence's hypercall: it holds the hypervisor's copy of the secret
 * and checks the authentication value the guest computed with it. Only the hypercall at the
 * sequence's own address is authenticated. If R2 holds the erasure constant, the sequence was
 * interrupted between its compare and the hypercall (the scrubber erased R2): the guest is resumed
 * at the sequence's start instead of answered, which completes the compare-and-restart
 * atomically. Otherwise the verdict goes to R0 and R1, R2 and the flags are erased, so nothing derived from the
 * secret outlives the sequence. Every answer is logged, in order.
 */
final class SequenceAuthenticator {
    private final long secret;
    private final long erasure;
    private final List<InterruptsState.HypercallResult> log = new ArrayList<>();
    private final InterruptsImplFlaw flaw;
    /** A composition's seam flaw: the vCPU whose R8 the handler borrows; null for none. */
    private final VirtualCpu scratchCpu;

    /** The general register the flawed handler computes in (R8): none of the model's R0..R3. */
    private static final int SCRATCH = 8;

    SequenceAuthenticator(long secret, long erasure) {
        this(secret, erasure, InterruptsImplFlaw.NONE);
    }

    SequenceAuthenticator(long secret, long erasure, InterruptsImplFlaw flaw) {
        this(secret, erasure, flaw, null);
    }

    /**
     * With {@code scratchCpu} not null, a wrong composition: the handler borrows R8 of {@code
     * scratchCpu} (the machine's first vCPU, the guest's own when it runs alone) to compute the
     * expected authentication value in, and puts the borrowed value back into the caller's R8.
     */
    SequenceAuthenticator(long secret, long erasure, InterruptsImplFlaw flaw, VirtualCpu scratchCpu) {
        this.flaw = flaw;
        this.scratchCpu = scratchCpu;
        if (secret == erasure) {
            throw new IllegalArgumentException(
                    "the secret must differ from the erasure constant 0x" + Long.toHexString(erasure) + " (INT-5)");
        }
        this.secret = secret;
        this.erasure = erasure;
    }

    long secret() {
        return secret;
    }

    long erasure() {
        return erasure;
    }

    List<InterruptsState.HypercallResult> log() {
        return List.copyOf(log);
    }

    /** The hypercall instruction at model address {@code pc} traps here; what the guest sees. */
    Optional<InterruptsObservation> onHypercall(VirtualCpu cpu, long pc) {
        boolean fromSequence = pc == CodeLayout.SEQUENCE_HYPERCALL;
        if (fromSequence && Registers.get(cpu, Reg.R2) == erasure) {
            cpu.setInstructionPointer(GuestLayout.slot(CodeLayout.SEQUENCE_START));
            return Optional.empty();
        }
        long message = Registers.get(cpu, Reg.R3);
        long expected = Instruction.mix(secret, message);
        boolean authentic = fromSequence && Registers.get(cpu, Reg.R2) == expected;
        if (scratchCpu != null) {
            // FLAW (composition): R8 borrowed from the machine's first vCPU and given back to the
            // caller's; alone they are one register, on a shared machine another guest's vCPU
            // keeps the expected value, a function of the secret.
            long borrowed = scratchCpu.register(SCRATCH);
            scratchCpu.setRegister(SCRATCH, expected);
            authentic = fromSequence && Registers.get(cpu, Reg.R2) == scratchCpu.register(SCRATCH);
            cpu.setRegister(SCRATCH, borrowed);
        }
        if (flaw == InterruptsImplFlaw.HYPERCALL_LEAVES_MAC_IN_SCRATCH) {
            cpu.setRegister(SCRATCH, expected);
        }
        HypercallVerdict verdict = authentic ? HypercallVerdict.ACCEPTED : HypercallVerdict.REJECTED;
        Registers.set(cpu, Reg.R0, verdict.code());
        Registers.set(cpu, Reg.R1, erasure);
        Registers.set(cpu, Reg.R2, erasure);
        cpu.setFlags(0);
        log.add(new InterruptsState.HypercallResult(message, verdict));
        cpu.setInstructionPointer(GuestLayout.slot(pc + 1));
        return Optional.of(new InterruptsObservation.HypercallReturned(verdict));
    }
}
