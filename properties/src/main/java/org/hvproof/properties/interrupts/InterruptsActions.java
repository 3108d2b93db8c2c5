package org.hvproof.properties.interrupts;

import java.util.Arrays;
import java.util.List;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
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
 * execute a given instruction of the sequence (so traces reach each of them, and shrink to a few
 * steps), interrupts and exceptions arrive (one at a time, or a
 * storm of them, nested when a handler runs), handlers return, read memory, rewrite registers and
 * their return address; hostile actions are weighted in: reads and writes of the execute-only
 * page, jumps into the middle of the sequence and to addresses holding no code, returns with no
 * handler; and now and then interrupts stop so the sequence can finish.
 */
public final class InterruptsActions {
    /** Readable addresses: the data the ordinary code loads and stores, ordinary code, fresh pages, a far one. */
    static final List<Long> DATA_ADDRESSES =
            List.of(0x8000L, 0x8001L, 0x8002L, 0x80FFL, 0x2003L, 0x0L, 0x5000L, 0xFFFF_FFFFL);
    /** Addresses of the execute-only page: the move holding the secret, the rest of the sequence, its empty rest. */
    static final List<Long> EXECUTE_ONLY_ADDRESSES = List.of(
            CodeLayout.SEQUENCE_START,
            CodeLayout.SEQUENCE_START + 1,
            CodeLayout.SEQUENCE_COMPARE,
            CodeLayout.SEQUENCE_HYPERCALL,
            CodeLayout.SEQUENCE_EXIT,
            0x1080L,
            0x1FFFL);
    /** Where low code jumps: into the middle of the sequence, its exit, empty code slots, data, the handler. */
    static final List<Long> JUMP_TARGETS = List.of(
            CodeLayout.SEQUENCE_START + 1,
            CodeLayout.SEQUENCE_COMPARE,
            CodeLayout.SEQUENCE_HYPERCALL,
            CodeLayout.SEQUENCE_EXIT,
            0x1010L,
            CodeLayout.ORDINARY_CODE + 4,
            0x8000L,
            CodeLayout.HANDLER_ENTRY);
    /** Where a run of instructions stops: before each instruction of the sequence, or back in ordinary code. */
    static final List<Long> RUN_TARGETS = List.of(
            CodeLayout.SEQUENCE_START,
            CodeLayout.SEQUENCE_START + 1,
            CodeLayout.SEQUENCE_COMPARE,
            CodeLayout.SEQUENCE_HYPERCALL,
            CodeLayout.ORDINARY_CODE + 2);
    /** Values low code writes: small ones, the erasure constant, the ordinary code's message. */
    static final List<Long> VALUES = List.of(0L, 1L, 7L, InterruptsState.DEFAULT_ERASURE, 0x4D5347L, -1L);

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
        REWRITE_RETURN(0.4),
        JUMP_INTO_SEQUENCE(0.6),
        CALL_SEQUENCE(0.3),
        READ(1),
        WRITE(0.6),
        READ_EXECUTE_ONLY(0.7),
        WRITE_EXECUTE_ONLY(0.4),
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
    private static final Gen<Integer> VECTORS = Gens.integers(0, 31);
    private static final InterruptsAction EXECUTE = new InterruptsAction.Execute();
    private static final InterruptsAction RETURN = new InterruptsAction.Return();

    /**
     * The next step for the trace's current state; the boot of a two-run trace first. A kind that
     * does not apply (a return with no handler running, an instruction while a handler runs)
     * becomes the one that moves the trace on.
     */
    public static <T extends InterruptsRun> Gen<Action<T>> next(T run) {
        if (!run.booted()) {
            return secrets().map(InterruptsActions::<T>asStep);
        }
        InterruptsState s = run.state();
        boolean handler = s.inHandler();
        return KINDS.flatMap(kind -> switch (kind) {
                    case EXECUTE -> Gens.constant(one(handler ? RETURN : EXECUTE));
                    case RUN_TO ->
                        Gens.elements(RUN_TARGETS).map(t -> handler ? one(RETURN) : new InterruptsTraceStep.RunTo(t));
                    case INTERRUPT -> VECTORS.map(v -> one(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, v)));
                    case EXCEPTION -> VECTORS.map(v -> one(new InterruptsAction.Arrive(ArrivalCause.EXCEPTION, v)));
                    case RETURN -> Gens.constant(one(handler ? RETURN : EXECUTE));
                    case STORM ->
                        Gens.lists(
                                        Gens.combine(
                                                Gens.booleans(),
                                                VECTORS,
                                                (exc, v) -> (InterruptsAction) new InterruptsAction.Arrive(
                                                        exc ? ArrivalCause.EXCEPTION : ArrivalCause.INTERRUPT, v)),
                                        3,
                                        8)
                                .map(arrivals -> new InterruptsTraceStep.Actions(arrivals, "storm of"));
                    case SET_REGISTER ->
                        Gens.combine(
                                Gens.elements(Reg.values()),
                                Gens.elements(VALUES),
                                (r, v) -> one(new InterruptsAction.SetRegister(r, v)));
                    case REWRITE_RETURN, JUMP_INTO_SEQUENCE ->
                        Gens.elements(JUMP_TARGETS).map(t -> one(new InterruptsAction.JumpTo(t)));
                    case CALL_SEQUENCE -> Gens.constant(one(new InterruptsAction.JumpTo(CodeLayout.SEQUENCE_START)));
                    case READ -> Gens.elements(DATA_ADDRESSES).map(a -> one(new InterruptsAction.ReadMemory(a)));
                    case WRITE ->
                        Gens.combine(
                                Gens.elements(DATA_ADDRESSES),
                                Gens.elements(VALUES),
                                (a, v) -> one(new InterruptsAction.WriteMemory(a, v)));
                    case READ_EXECUTE_ONLY ->
                        Gens.elements(EXECUTE_ONLY_ADDRESSES).map(a -> one(new InterruptsAction.ReadMemory(a)));
                    case WRITE_EXECUTE_ONLY ->
                        Gens.combine(
                                Gens.elements(EXECUTE_ONLY_ADDRESSES),
                                Gens.elements(VALUES),
                                (a, v) -> one(new InterruptsAction.WriteMemory(a, v)));
                    case STRAY_RETURN -> Gens.constant(one(RETURN));
                    case QUIESCE -> Gens.constant((InterruptsTraceStep) new InterruptsTraceStep.Quiesce());
                })
                .map(InterruptsActions::<T>asStep);
    }

    /** Two different secrets, neither the erasure constant; they shrink toward 1 and 2. */
    static Gen<InterruptsTraceStep> secrets() {
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

    private static <T extends InterruptsRun> Action<T> asStep(InterruptsTraceStep step) {
        return Action.of(step.toString(), (T run, Context ctx) -> run.perform(step, ctx));
    }
}
