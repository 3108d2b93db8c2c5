package org.hvproof.model.interrupts;

import java.util.Map;

/**
 * The low observer's equivalence on states, for the two-run statement of INT-1: two states are
 * low-equivalent when they differ at most in the secret (the hypervisor's copy and the move's
 * immediate) and, while the guest executes inside the sequence, in the secret's registers R1 and
 * R2 and in the flags (which the compare of R1 sets). It is the unwinding relation: the correct mechanism keeps two low-equivalent states
 * low-equivalent under the same action, and their {@link HandlerView}s equal.
 */
public final class InterruptsLowEquivalence {

    private InterruptsLowEquivalence() {}

    /** True when the low observer cannot tell the two states apart, now or later. */
    public static boolean equivalent(InterruptsState a, InterruptsState b) {
        if (a.pc() != b.pc()
                || !a.returnStack().equals(b.returnStack())
                || a.erasure() != b.erasure()
                || !a.memory().equals(b.memory())
                || !a.hypercalls().equals(b.hypercalls())
                || !a.absentPages().equals(b.absentPages())
                || !codeEqualWithoutSecret(a, b)) {
            return false;
        }
        if (!a.inSequence() && a.flags() != b.flags()) {
            return false;
        }
        for (Reg r : Reg.values()) {
            boolean hidden = a.inSequence() && CodeLayout.SECRET_REGISTERS.contains(r);
            if (!hidden && a.reg(r) != b.reg(r)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Serval's sanity check, part one: the relation is reflexive on this state (a relation that is
     * not would make INT-1 fail for the wrong reason).
     */
    public static boolean reflexiveOn(InterruptsState s) {
        return equivalent(s, s);
    }

    /**
     * Serval's sanity check, part two (non-vacuity): the relation relates the initial states of
     * two different secrets, and still relates them once both guests are inside the sequence with
     * the secret in R1. A relation that related nothing would make INT-1 hold vacuously.
     */
    public static boolean relatesDifferentSecrets(long secretA, long secretB) {
        if (secretA == secretB) {
            throw new IllegalArgumentException(
                    "need two different secrets, got " + Long.toHexString(secretA) + " twice");
        }
        InterruptsState a = InterruptsState.initial(secretA);
        InterruptsState b = InterruptsState.initial(secretB);
        if (!equivalent(a, b)) {
            return false;
        }
        InterruptsAction call = new InterruptsAction.JumpTo(CodeLayout.SEQUENCE_START);
        InterruptsAction exec = new InterruptsAction.Execute();
        InterruptsState a2 =
                InterruptsModel.step(InterruptsModel.step(a, call).next(), exec).next();
        InterruptsState b2 =
                InterruptsModel.step(InterruptsModel.step(b, call).next(), exec).next();
        return a2.reg(Reg.R1) != b2.reg(Reg.R1) && equivalent(a2, b2);
    }

    /**
     * Whether the two states' code is equal once the move's immediate at the sequence's start is
     * blanked where it is the state's own secret (the only place the secret is written): entry by
     * entry, without copying either map.
     */
    private static boolean codeEqualWithoutSecret(InterruptsState a, InterruptsState b) {
        if (a.code() == b.code() && a.secret() == b.secret()) {
            return true;
        }
        if (a.code().size() != b.code().size()) {
            return false;
        }
        for (Map.Entry<Long, Instruction> e : a.code().entrySet()) {
            Instruction other = b.code().get(e.getKey());
            if (other == null
                    || !withoutSecret(e.getKey(), e.getValue(), a.secret())
                            .equals(withoutSecret(e.getKey(), other, b.secret()))) {
                return false;
            }
        }
        return true;
    }

    /** The instruction at {@code address} with the move's immediate blanked when it is {@code secret}. */
    private static Instruction withoutSecret(long address, Instruction insn, long secret) {
        return address == CodeLayout.SEQUENCE_START && insn instanceof Instruction.MovImm m && m.imm() == secret
                ? new Instruction.MovImm(m.dst(), 0)
                : insn;
    }
}
