package org.hvproof.model.interrupts;

/**
 * The small instruction set the guest executes, one instruction per step. The impl decodes the
 * same instructions from bytes in guest memory; here they are values.
 */
public sealed interface Instruction {

    /** {@code dst := imm}. At the sequence's first address the immediate is the secret. */
    record MovImm(Reg dst, long imm) implements Instruction {}

    /** {@code dst := mix(key, msg)}: the keyed authentication value over a message. */
    record Mix(Reg dst, Reg key, Reg msg) implements Instruction {}

    /** Compare {@code src} with {@code imm}; jump to {@code target} when equal. */
    record CmpImmJumpIfEqual(Reg src, long imm, long target) implements Instruction {}

    /** Trap to the hypervisor, which checks R2 against mix(secret, R3). */
    record Hypercall() implements Instruction {}

    /** {@code dst := memory[address]}; faults on the execute-only page. */
    record Load(Reg dst, long address) implements Instruction {}

    /** {@code memory[address] := src}; faults on the execute-only page. */
    record Store(Reg src, long address) implements Instruction {}

    /** Unconditional jump. */
    record Jump(long target) implements Instruction {}

    /** Does nothing but advance. */
    record Nop() implements Instruction {}

    /**
     * The keyed mix: a deterministic 64-bit function of key and message (a stand-in for a MAC,
     * not a cryptographic one). Outside the secret's key a guess matches with probability about
     * 2^-64, which is what "unforgeable" means in this model.
     */
    static long mix(long key, long msg) {
        long x = key * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(msg, 31);
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 29;
        return x ^ 0x5DEECE66DL;
    }
}
