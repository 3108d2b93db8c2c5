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

    /** Compare {@code src} with {@code imm}, setting the flags ({@link #compareFlags}); jump to {@code target} when equal. */
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

    /** Carry flag (bit 0 of RFLAGS): the compare borrowed (unsigned {@code a < b}). */
    long CARRY = 1L;
    /** Parity flag (bit 2): the low byte of {@code a - b} has an even number of ones. */
    long PARITY = 1L << 2;
    /** Zero flag (bit 6): {@code a == b}. */
    long ZERO = 1L << 6;
    /** Sign flag (bit 7): {@code a - b} is negative. */
    long SIGN = 1L << 7;
    /** Overflow flag (bit 11): {@code a - b} overflowed as a signed subtraction. */
    long OVERFLOW = 1L << 11;

    /**
     * The flags an x86-style compare of {@code a} with {@code b} sets (of {@code a - b}): carry,
     * parity, zero, sign and overflow. Comparing the secret leaves bits of it here.
     */
    static long compareFlags(long a, long b) {
        long d = a - b;
        long f = 0;
        if (Long.compareUnsigned(a, b) < 0) {
            f |= CARRY;
        }
        if (Integer.bitCount((int) (d & 0xff)) % 2 == 0) {
            f |= PARITY;
        }
        if (d == 0) {
            f |= ZERO;
        }
        if (d < 0) {
            f |= SIGN;
        }
        if (((a ^ b) & (a ^ d)) < 0) {
            f |= OVERFLOW;
        }
        return f;
    }

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
