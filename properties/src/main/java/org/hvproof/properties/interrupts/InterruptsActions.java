package org.hvproof.properties.interrupts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.hvproof.impl.interrupts.GuestLayout;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the interrupts mechanism. The next step is drawn from the current model
 * state with fixed-weight kinds: the guest executes one instruction, or runs until it is about to
 * execute a given instruction of its code (so traces reach each instruction of the sequence, and
 * shrink to a few steps), interrupts and exceptions arrive (one at a time, or a storm of them,
 * nested when a handler runs), handlers return, read memory, rewrite registers and their return
 * address; hostile actions are weighted in: accesses and jumps next to the code (the execute-only
 * page among it), returns with no handler; the guest OS on another vCPU unmaps pages (where low
 * code cannot act because the sequence runs: the vCPU's own page, so its next fetch faults in the
 * sequence's middle) and maps them back (in place of reads while a page is unmapped); and now and
 * then interrupts stop so the sequence can finish.
 *
 * <p>Every value spans its whole domain, biased towards the boundaries drawn from the current
 * state, never from a fixed list: vectors are any of the 256, weighted to the edges of every bit
 * width; addresses are any model address the machine accepts ({@code [0, 2^40)}), weighted to the
 * registered addresses (code, data, the program counter, return addresses, the addresses the
 * code loads, stores and jumps to), the addresses next to them, the edges of their model page and
 * machine page, and one-bit flips of them (aliases that differ only in a high bit); register and
 * memory values are any 64-bit value, weighted to the values the state holds, their neighbours
 * and bit flips.
 */
public final class InterruptsActions {
    /** Vectors an arrival can carry: all of them. */
    static final int VECTORS_COUNT = 256;
    /** Model addresses per machine page (a slot is {@link GuestLayout#SLOT_SIZE} bytes). */
    static final long MACHINE_PAGE_ADDRESSES = 4096 / GuestLayout.SLOT_SIZE;
    /** Highest bit a model address can have (the window is {@code [0, 2^40)}). */
    static final int ADDRESS_BITS = Long.numberOfTrailingZeros(GuestLayout.ADDRESS_LIMIT);

    private InterruptsActions() {}

    /** Kinds of step with fixed weights, so a trace's choices keep their meaning when the shrinker deletes steps. */
    private enum Kind {
        EXECUTE(7),
        RUN_TO(2),
        INTERRUPT(2.5),
        EXCEPTION(1.5),
        RETURN(2.5),
        STORM(0.4),
        SET_REGISTER(0.5),
        REWRITE_RETURN(0.6),
        JUMP_NEAR_CODE(1.5),
        JUMP_ANYWHERE(0.3),
        CALL_SEQUENCE(0.3),
        READ(1),
        WRITE(0.6),
        READ_NEAR_CODE(1.2),
        WRITE_NEAR_CODE(0.9),
        STRAY_RETURN(0.15),
        QUIESCE(0.4);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());
    private static final Gen<Integer> VECTORS = vectors();
    /** The bit an alias flips: any bit of the window, half the time one above bit 31 (aliases a 32-bit check misses). */
    private static final Gen<Integer> FLIPPED_BITS = Gens.frequency(
            Gens.weighted(1, Gens.integers(0, ADDRESS_BITS - 1)),
            Gens.weighted(1, Gens.integers(32, ADDRESS_BITS - 1)));

    private static final InterruptsAction EXECUTE = new InterruptsAction.Execute();
    private static final InterruptsAction RETURN = new InterruptsAction.Return();

    // The generators that do not depend on the state, built once (the same generators, with the
    // same descriptions, as building them per step would give: spans and shrinking see no change).
    private static final Gen<InterruptsTraceStep> EXECUTE_STEP = Gens.constant(one(EXECUTE));
    private static final Gen<InterruptsTraceStep> RETURN_STEP = Gens.constant(one(RETURN));
    private static final Gen<InterruptsTraceStep> INTERRUPTS =
            VECTORS.map(v -> one(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, v)));
    private static final Gen<InterruptsTraceStep> EXCEPTIONS =
            VECTORS.map(v -> one(new InterruptsAction.Arrive(ArrivalCause.EXCEPTION, v)));
    private static final Gen<InterruptsTraceStep> STORMS = Gens.lists(
                    Gens.combine(Gens.booleans(), VECTORS, (exc, v) -> (InterruptsAction)
                            new InterruptsAction.Arrive(exc ? ArrivalCause.EXCEPTION : ArrivalCause.INTERRUPT, v)),
                    3,
                    8)
            .map(arrivals -> new InterruptsTraceStep.Actions(arrivals, "storm of"));
    /**
     * The guest OS's handler for a fetch fault it cannot repair abandons the faulting context, as
     * a kernel kills the task: it points its return address at ordinary code, then returns.
     */
    private static final Gen<InterruptsTraceStep> ABANDON_STEP = Gens.constant(new InterruptsTraceStep.Actions(
            List.of(new InterruptsAction.JumpTo(CodeLayout.ORDINARY_CODE), RETURN),
            "the handler abandons the faulting context:"));

    private static final Gen<InterruptsTraceStep> CALL_SEQUENCE_STEP =
            Gens.constant(one(new InterruptsAction.JumpTo(CodeLayout.SEQUENCE_START)));
    private static final Gen<InterruptsTraceStep> QUIESCE_STEP =
            Gens.constant((InterruptsTraceStep) new InterruptsTraceStep.Quiesce());

    /** The generators drawn from the code alone, for the last code map seen (by identity). */
    private static volatile CodeGens lastCode;

    /**
     * The generators that depend only on a state's code: built again only for another code map.
     * Keyed by the map's identity, which is complete because a state's code map is immutable (a
     * trace's model keeps the same map while its code does not change).
     */
    private record CodeGens(
            Map<Long, Instruction> code,
            Gen<Long> nearCode,
            Gen<InterruptsTraceStep> runTo,
            Gen<InterruptsTraceStep> runToInHandler,
            Gen<InterruptsTraceStep> jumpNearCode,
            Gen<InterruptsTraceStep> readNearCode,
            Gen<InterruptsTraceStep> jumpToByte) {

        static CodeGens of(InterruptsState s) {
            CodeGens known = lastCode;
            if (known != null && known.code() == s.code()) {
                return known;
            }
            Gen<Long> nearCode = addresses(new TreeSet<>(s.code().keySet()), 6);
            Gen<Long> targets = runTargets(s);
            CodeGens fresh = new CodeGens(
                    s.code(),
                    nearCode,
                    targets.map(InterruptsTraceStep.RunTo::new),
                    targets.map(t -> one(RETURN)),
                    nearCode.map(t -> one(new InterruptsAction.JumpTo(t))),
                    nearCode.map(a -> one(new InterruptsAction.ReadMemory(a))),
                    bytes(s, nearCode).map(va -> one(new InterruptsAction.JumpToByte(va))));
            lastCode = fresh;
            return fresh;
        }
    }

    /**
     * The next step for the trace's current state; the boot of a two-run trace first. A kind that
     * does not apply (a return with no handler running, an instruction while a handler runs)
     * becomes the one that moves the trace on. The generators a kind needs are built only when
     * that kind is drawn.
     */
    public static <T extends InterruptsRun> Gen<Action<T>> next(T run) {
        if (!run.booted()) {
            return secrets().map(InterruptsActions::<T>asStep);
        }
        InterruptsState s = run.state();
        boolean handler = s.inHandler();
        CodeGens fromCode = CodeGens.of(s);
        return KINDS.flatMap(kind -> switch (kind) {
                    case EXECUTE, RETURN -> handler ? handlerReturns(s) : EXECUTE_STEP;
                    case RUN_TO -> handler ? fromCode.runToInHandler() : fromCode.runTo();
                    case INTERRUPT -> INTERRUPTS;
                    case EXCEPTION -> EXCEPTIONS;
                    case STORM -> STORMS;
                    case SET_REGISTER ->
                        Gens.combine(
                                Gens.elements(Reg.values()),
                                values(s, run.unguessable()),
                                (r, v) -> one(new InterruptsAction.SetRegister(r, v)));
                    case REWRITE_RETURN, JUMP_NEAR_CODE -> fromCode.nearCode().map(t -> one(jumpInto(s, t)));
                    case JUMP_ANYWHERE -> addresses(anchors(s), 3).map(t -> one(new InterruptsAction.JumpTo(t)));
                    case CALL_SEQUENCE -> CALL_SEQUENCE_STEP;
                    case READ, READ_NEAR_CODE -> {
                        if (!s.absentPages().isEmpty()) {
                            yield mapsBack(s);
                        }
                        yield kind == Kind.READ
                                ? addresses(anchors(s), 3).map(a -> one(readOrDeviceRead(a)))
                                : fromCode.readNearCode();
                    }
                    case WRITE, WRITE_NEAR_CODE -> {
                        if (kind == Kind.WRITE_NEAR_CODE && s.inSequence() && s.pc() != CodeLayout.SEQUENCE_START) {
                            // No low code runs to write: the guest OS on another vCPU acts instead.
                            yield unmaps(s);
                        }
                        yield Gens.combine(
                                kind == Kind.WRITE ? addresses(anchors(s), 3) : fromCode.nearCode(),
                                values(s, run.unguessable()),
                                (a, v) -> one(new InterruptsAction.WriteMemory(a, v)));
                    }
                    case STRAY_RETURN -> RETURN_STEP;
                    case QUIESCE -> QUIESCE_STEP;
                })
                .map(InterruptsActions::<T>asStep);
    }

    /**
     * While the vCPU runs the sequence (when no low code runs to act), the guest OS on another
     * vCPU unmaps a page: mostly the one the vCPU runs on, followed by the fetch that faults there
     * (in the sequence's middle once the move ran), else any address's.
     */
    static Gen<InterruptsTraceStep> unmaps(InterruptsState s) {
        // The page goes while the vCPU runs the sequence, and its next fetch faults.
        Gen<InterruptsTraceStep> faultHere = Gens.constant(new InterruptsTraceStep.Actions(
                List.of(new InterruptsAction.SetPagePresent(s.pc(), false), EXECUTE),
                "page fault inside the sequence:"));
        return Gens.frequency(
                Gens.weighted(3, faultHere),
                Gens.weighted(
                        1, addresses(anchors(s), 3).map(a -> one(new InterruptsAction.SetPagePresent(a, false)))));
    }

    /** The guest OS maps back one of the pages it unmapped. */
    static Gen<InterruptsTraceStep> mapsBack(InterruptsState s) {
        return Gens.elements(List.copyOf(new TreeSet<>(s.absentPages())))
                .map(p -> one(new InterruptsAction.SetPagePresent(p * CodeLayout.ADDRESSES_PER_GUEST_PAGE, true)));
    }

    /**
     * The innermost handler returns; the outermost one, when its return would fetch-fault again,
     * first repairs or abandons the faulting context as the guest OS's fault handler does: a page
     * it unmapped is mapped back (paged in), an address holding no code outside the sequence is
     * abandoned for ordinary code (a kernel kills the task).
     */
    static Gen<InterruptsTraceStep> handlerReturns(InterruptsState s) {
        if (s.returnStack().size() != 1) {
            return RETURN_STEP;
        }
        long back = s.returnStack().get(0);
        if (s.pageAbsent(back)) {
            return Gens.constant(new InterruptsTraceStep.Actions(
                    List.of(new InterruptsAction.SetPagePresent(back, true), RETURN),
                    "the page-fault handler maps the page back and returns:"));
        }
        return !CodeLayout.inSequence(back) && !s.code().containsKey(back) ? ABANDON_STEP : RETURN_STEP;
    }

    /** Any of the 256 vectors, weighted to the edges of every bit width (0, 1, 2^k - 1, 2^k, the last). */
    static Gen<Integer> vectors() {
        List<Integer> edges = new ArrayList<>();
        for (int k = 0; (1 << k) <= VECTORS_COUNT; k++) {
            edges.add((1 << k) - 1);
            if ((1 << k) < VECTORS_COUNT) {
                edges.add(1 << k);
            }
        }
        return Gens.frequency(
                Gens.weighted(3, Gens.integers(0, VECTORS_COUNT - 1)),
                Gens.weighted(1, Gens.elements(List.copyOf(new TreeSet<>(edges)))));
    }

    /**
     * The addresses the state registers: its code, its data, the program counter, the return
     * addresses, what its instructions load, store and jump to, and the window's two ends.
     */
    static TreeSet<Long> anchors(InterruptsState s) {
        TreeSet<Long> out = new TreeSet<>(s.code().keySet());
        out.addAll(s.memory().keySet());
        out.add(s.pc());
        out.addAll(s.returnStack());
        for (Instruction insn : s.code().values()) {
            if (insn instanceof Instruction.Load l) {
                out.add(l.address());
            } else if (insn instanceof Instruction.Store st) {
                out.add(st.address());
            } else if (insn instanceof Instruction.Jump j) {
                out.add(j.target());
            } else if (insn instanceof Instruction.CmpImmJumpIfEqual c) {
                out.add(c.target());
            }
        }
        out.add(0L);
        out.add(GuestLayout.ADDRESS_LIMIT - 1);
        out.removeIf(a -> !GuestLayout.inWindow(a));
        return out;
    }

    /**
     * Any model address the machine accepts, weighted to {@code anchors}: an anchor or its
     * neighbour, an edge of its model page or machine page (the last address before, the first,
     * the last, the first after), or the anchor with one bit flipped (an alias that differs only
     * in that bit, {@link #FLIPPED_BITS}), or any address at all; {@code nextTo} weighs
     * the anchor and its neighbours against the three others' 1 each.
     */
    static Gen<Long> addresses(TreeSet<Long> anchors, double nextTo) {
        Gen<Long> anchor = Gens.elements(List.copyOf(anchors));
        return Gens.frequency(
                Gens.weighted(nextTo, Gens.combine(anchor, Gens.integers(-1, 1), (a, d) -> inWindow(a + d))),
                Gens.weighted(
                        1,
                        Gens.combine(
                                anchor,
                                Gens.elements(CodeLayout.PAGE_SIZE, MACHINE_PAGE_ADDRESSES),
                                Gens.integers(0, 3),
                                (a, size, edge) -> {
                                    long base = Math.floorDiv(a, size) * size;
                                    return inWindow(
                                            switch (edge) {
                                                case 0 -> base;
                                                case 1 -> base - 1;
                                                case 2 -> base + size - 1;
                                                default -> base + size;
                                            });
                                })),
                Gens.weighted(1, Gens.combine(anchor, FLIPPED_BITS, (a, k) -> a ^ (1L << k))),
                Gens.weighted(1, Gens.longs(0, GuestLayout.ADDRESS_LIMIT - 1)));
    }

    /**
     * Any 64-bit value, weighted to the values the state holds where low code can see them
     * (registers while low code runs, memory, code immediates other than the secret, the erasure
     * constant), the extremes of the range, their neighbours and one-bit flips; never
     * {@code unguessable}. With none (two runs), the state's own secret (run A's) is one of the
     * anchors and one value in eight: low code holding a guess equal to one run's secret, or one
     * bit or one off it, is what INT-1 must withstand, and no uniform draw would ever hit it.
     */
    static Gen<Long> values(InterruptsState s, OptionalLong unguessable) {
        TreeSet<Long> known = new TreeSet<>(List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, s.erasure()));
        if (unguessable.isEmpty()) {
            known.add(s.secret());
        }
        if (s.lowCodeRuns()) {
            known.addAll(s.registers().values());
        }
        known.addAll(s.memory().values());
        for (Instruction insn : s.code().values()) {
            if (insn instanceof Instruction.MovImm m && m.imm() != s.secret()) {
                known.add(m.imm());
            } else if (insn instanceof Instruction.CmpImmJumpIfEqual c && c.imm() != s.secret()) {
                known.add(c.imm());
            }
        }
        Gen<Long> anchor = Gens.elements(List.copyOf(known));
        Gen<Long> drawn = Gens.frequency(
                Gens.weighted(3, Gens.combine(anchor, Gens.integers(-1, 1), (v, d) -> v + d)),
                Gens.weighted(1, Gens.combine(anchor, Gens.integers(0, 63), (v, k) -> v ^ (1L << k))),
                Gens.weighted(2, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE)));
        if (unguessable.isEmpty()) {
            // Two runs: one value in eight is the guess itself, so an arrival finds it in a register.
            return Gens.frequency(Gens.weighted(1, Gens.constant(s.secret())), Gens.weighted(7, drawn));
        }
        return drawn.map(v -> v == unguessable.getAsLong() ? v ^ 1 : v);
    }

    /**
     * The next step of INT-6's traces: one in four a device read or a transfer to a byte (any
     * byte of the sequence's slots, the move's immediate among them), else {@link #next}.
     */
    public static <T extends InterruptsRun> Gen<Action<T>> nextWithDeviceAndStrayJumps(T run) {
        if (!run.booted()) {
            return next(run);
        }
        return DEVICE_KINDS.flatMap(kind -> switch (kind) {
            case NEXT -> next(run);
            case DEVICE_READ -> {
                InterruptsState s = run.state();
                yield dmaReads(s, CodeGens.of(s).nearCode()).map(InterruptsActions::<T>asStep);
            }
            case BYTE_JUMP -> CodeGens.of(run.state()).jumpToByte().map(InterruptsActions::<T>asStep);
        });
    }

    /** INT-6's choice per step: {@link #next} three times in four, else a device read or a transfer to a byte. */
    private enum DeviceKind {
        NEXT,
        DEVICE_READ,
        BYTE_JUMP
    }

    private static final Gen<DeviceKind> DEVICE_KINDS = Gens.frequency(
            Gens.weighted(6, Gens.constant(DeviceKind.NEXT)),
            Gens.weighted(1, Gens.constant(DeviceKind.DEVICE_READ)),
            Gens.weighted(1, Gens.constant(DeviceKind.BYTE_JUMP)));

    /**
     * A jump by low code to {@code target}: for guest code aiming inside the sequence other than at
     * its move, a transfer to a byte of that slot (which one follows from the state, so a trace
     * draws the same values as with a jump to the address, and both fault alike); else
     * {@link InterruptsAction.JumpTo}.
     */
    static InterruptsAction jumpInto(InterruptsState s, long target) {
        if (s.lowCodeRuns() && !s.inHandler() && CodeLayout.inSequence(target) && target != CodeLayout.SEQUENCE_START) {
            long offset = Math.floorMod(
                    Instruction.mix(
                            target, s.registers().hashCode() + s.memory().size()),
                    CodeLayout.SLOT_SIZE);
            return new InterruptsAction.JumpToByte(target * CodeLayout.SLOT_SIZE + offset);
        }
        return new InterruptsAction.JumpTo(target);
    }

    /**
     * A read of {@code address} by low code, or for one address in four (the two low bits set) by
     * the device: neither changes the model state, so a trace draws the same values either way.
     */
    static InterruptsAction readOrDeviceRead(long address) {
        return (address & 3) == 3 ? new InterruptsAction.DmaRead(address) : new InterruptsAction.ReadMemory(address);
    }

    /** A device read of any model address, two in three next to code (the execute-only page among it). */
    static Gen<InterruptsTraceStep> dmaReads(InterruptsState s, Gen<Long> nearCode) {
        return Gens.frequency(Gens.weighted(2, nearCode), Gens.weighted(1, addresses(anchors(s), 3)))
                .map(a -> one(new InterruptsAction.DmaRead(a)));
    }

    /**
     * Any guest-virtual byte of the window, weighted to the bytes of the sequence's slots (every
     * offset inside an instruction: its opcode, its immediate, its last byte) and to the edges of
     * the slots next to code: a slot's first byte, the byte before it, its instruction's first
     * byte, its immediate's.
     */
    static Gen<Long> bytes(InterruptsState s, Gen<Long> nearCode) {
        List<Long> sequence = s.code().keySet().stream()
                .filter(CodeLayout::inSequence)
                .sorted()
                .toList();
        Gen<Long> edges = Gens.combine(
                nearCode,
                Gens.elements(0L, -1L, GuestLayout.INSTRUCTION_OFFSET, GuestLayout.INSTRUCTION_OFFSET + 8),
                (a, o) -> a * CodeLayout.SLOT_SIZE + o);
        Gen<Long> any = Gens.longs(0, GuestLayout.ADDRESS_LIMIT * CodeLayout.SLOT_SIZE - 1);
        Gen<Long> drawn = sequence.isEmpty()
                ? Gens.frequency(Gens.weighted(2, edges), Gens.weighted(1, any))
                : Gens.frequency(
                        Gens.weighted(
                                3,
                                Gens.combine(
                                        Gens.elements(sequence),
                                        Gens.integers(0, (int) CodeLayout.SLOT_SIZE - 1),
                                        (a, o) -> a * CodeLayout.SLOT_SIZE + o)),
                        Gens.weighted(2, edges),
                        Gens.weighted(1, any));
        return drawn.map(va -> Math.max(0, Math.min(GuestLayout.ADDRESS_LIMIT * CodeLayout.SLOT_SIZE - 1, va)));
    }

    /** Where a run of instructions stops: mostly before an instruction of the sequence, else before any code. */
    static Gen<Long> runTargets(InterruptsState s) {
        List<Long> code = List.copyOf(new TreeSet<>(s.code().keySet()));
        List<Long> sequence = code.stream().filter(CodeLayout::inSequence).toList();
        return sequence.isEmpty()
                ? Gens.elements(code)
                : Gens.frequency(Gens.weighted(4, Gens.elements(sequence)), Gens.weighted(1, Gens.elements(code)));
    }

    private static long inWindow(long a) {
        return Math.max(0, Math.min(GuestLayout.ADDRESS_LIMIT - 1, a));
    }

    /** Two different secrets, neither the erasure constant; they shrink toward 1 and 2. */
    public static Gen<InterruptsTraceStep> secrets() {
        return Gens.combine(Gens.longs(1, Long.MAX_VALUE), Gens.longs(1, Long.MAX_VALUE), (x, d) -> {
            long first = x == InterruptsState.DEFAULT_ERASURE ? x + 2 : x;
            long second = first + d;
            if (second == InterruptsState.DEFAULT_ERASURE || second == first) {
                second = first + d + 1;
            }
            return new InterruptsTraceStep.Boot(first, second);
        });
    }

    private static InterruptsTraceStep one(InterruptsAction a) {
        return new InterruptsTraceStep.Actions(List.of(a), "");
    }

    /** The step as a trace action; its description is written only when a report asks for it. */
    private static <T extends InterruptsRun> Action<T> asStep(InterruptsTraceStep step) {
        return Action.of(step::toString, (T run, Context ctx) -> run.perform(step, ctx));
    }
}
