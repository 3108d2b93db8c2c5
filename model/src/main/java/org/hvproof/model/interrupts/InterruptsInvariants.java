package org.hvproof.model.interrupts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.interrupts.InterruptsObservation.VirtualInterrupt;

/**
 * The INT claims as named invariants on a state, a step ({@link Transition}) or the same step of
 * two runs ({@link TransitionPair}), joined in {@link #ALL}. Each name equals the suffix of the
 * {@code interrupts.als} assert that states the same predicate ({@code INT_3_oneVirtualInterruptPerArrival}).
 * They read only the abstract state and the observations, so they judge the model and the machine
 * (through its abstraction function) alike. INT-4's transparency speaks of a whole trace, not of
 * one step, so it is the trace check {@link #transparency} beside them.
 */
public final class InterruptsInvariants {

    /** INT-1 (sanity, Serval's): the low-equivalence relation is reflexive on this state. */
    public static final Invariant<InterruptsState> LOW_EQUIVALENCE_REFLEXIVE =
            Invariant.of("INT-1", "lowEquivalenceReflexive", InterruptsInvariants::lowEquivalenceReflexive);

    /** INT-2 (state form): whenever code other than the sequence runs, no register holds the secret. */
    public static final Invariant<InterruptsState> SECRET_CONFINED_TO_SEQUENCE =
            Invariant.of("INT-2", "secretConfinedToSequence", InterruptsInvariants::secretConfinedToSequence);

    /** INT-5 (state): the secret differs from the erasure constant and sits in no readable memory. */
    public static final Invariant<InterruptsState> SECRET_NOT_READABLE =
            Invariant.of("INT-5", "secretNotReadable", InterruptsInvariants::secretNotReadable);

    /** INT-2: at handler entry no register holds the secret; inside the sequence R1 and R2 hold the erasure constant. */
    public static final Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>>
            NO_SECRET_AT_HANDLER_ENTRY =
                    Invariant.of("INT-2", "noSecretAtHandlerEntry", InterruptsInvariants::noSecretAtHandlerEntry);

    /** INT-3: an arrival yields exactly one virtual interrupt with its vector and cause; nothing else yields one. */
    public static final Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>>
            ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL = Invariant.of(
                    "INT-3", "oneVirtualInterruptPerArrival", InterruptsInvariants::oneVirtualInterruptPerArrival);

    /** INT-4: a register acquires the secret only by the guest executing the move that holds it. */
    public static final Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>>
            NEVER_RESTORES_SECRET =
                    Invariant.of("INT-4", "neverRestoresSecret", InterruptsInvariants::neverRestoresSecret);

    /** INT-5 (step): every read or write of the execute-only page by low code or an instruction faults. */
    public static final Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>>
            EXECUTE_ONLY_PAGE_FAULTS =
                    Invariant.of("INT-5", "executeOnlyPageFaults", InterruptsInvariants::executeOnlyPageFaults);

    /**
     * INT-6 (device half): a device's read of the execute-only page is refused, and no device
     * read returns the secret (as a word or inside an instruction).
     */
    public static final Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>>
            SECRET_OUT_OF_DEVICE_REACH =
                    Invariant.of("INT-6", "secretOutOfDeviceReach", InterruptsInvariants::secretOutOfDeviceReach);

    /**
     * INT-6 (jump half): guest code's transfer to any byte or instruction of the sequence other
     * than its move faults and changes nothing; the outermost handler's return to any address of
     * the sequence resumes at its move, with no register holding the secret.
     */
    public static final Invariant<Transition<InterruptsState, InterruptsAction, InterruptsObservation>>
            STRAY_TRANSFER_FAULTS =
                    Invariant.of("INT-6", "strayTransferFaults", InterruptsInvariants::strayTransferFaults);

    /** INT-1: the same action on two low-equivalent states gives equal views and low-equivalent states. */
    public static final Invariant<TransitionPair<InterruptsState, InterruptsAction, InterruptsObservation>>
            NONINTERFERENCE = Invariant.of("INT-1", "noninterference", InterruptsInvariants::noninterference);

    /** The name of INT-4's trace check {@link #transparency}. */
    public static final String TRANSPARENCY = "transparency";

    /** Every INT invariant: the mechanism's {@code invs}. */
    public static final InvariantSet<InterruptsState, InterruptsAction, InterruptsObservation> ALL = new InvariantSet<>(
            "interrupts",
            List.of(LOW_EQUIVALENCE_REFLEXIVE, SECRET_CONFINED_TO_SEQUENCE, SECRET_NOT_READABLE),
            List.of(
                    NO_SECRET_AT_HANDLER_ENTRY,
                    ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL,
                    NEVER_RESTORES_SECRET,
                    EXECUTE_ONLY_PAGE_FAULTS,
                    SECRET_OUT_OF_DEVICE_REACH,
                    STRAY_TRANSFER_FAULTS),
            List.of(NONINTERFERENCE));

    private InterruptsInvariants() {}

    private static Optional<String> noninterference(
            TransitionPair<InterruptsState, InterruptsAction, InterruptsObservation> pair) {
        HandlerView va = HandlerView.of(pair.left());
        HandlerView vb = HandlerView.of(pair.right());
        if (!va.equals(vb)) {
            return Optional.of("the low observer told two secrets apart: " + va + " versus " + vb);
        }
        InterruptsState a = pair.left().after();
        InterruptsState b = pair.right().after();
        return violationUnless(
                InterruptsLowEquivalence.equivalent(a, b),
                () -> "the views agree but the states are no longer low-equivalent: " + a + " versus " + b);
    }

    /** INT-6 (device half): a DMA read of the execute-only page is refused; no device read holds the secret. */
    private static Optional<String> secretOutOfDeviceReach(
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        long secret = step.before().secret();
        for (InterruptsObservation o : step.observations()) {
            if (o instanceof InterruptsObservation.DeviceRead d
                    && (d.word() == secret
                            || d.instruction().map(i -> holds(i, secret)).orElse(false))) {
                return Optional.of("the device read the secret at 0x" + Long.toHexString(d.address()) + ": " + d);
            }
        }
        if (step.action() instanceof InterruptsAction.DmaRead d && CodeLayout.onExecuteOnlyPage(d.address())) {
            boolean refused = step.observations().stream()
                    .anyMatch(o -> o instanceof InterruptsObservation.Fault f
                            && f.kind() == InterruptsObservation.FaultKind.DMA_REFUSED);
            return violationUnless(
                    refused && step.observations().size() == 1,
                    () -> "a device read of the execute-only page at 0x" + Long.toHexString(d.address())
                            + " was not refused: " + step.observations());
        }
        return Optional.empty();
    }

    /** Whether an instruction's immediate is {@code secret}. */
    private static boolean holds(Instruction insn, long secret) {
        return (insn instanceof Instruction.MovImm m && m.imm() == secret)
                || (insn instanceof Instruction.CmpImmJumpIfEqual c && c.imm() == secret);
    }

    /**
     * INT-6 (jump half): guest code's transfer into the sequence other than at its move faults and
     * changes nothing; the outermost handler's return into the sequence resumes at the move with no
     * register holding the secret.
     */
    private static Optional<String> strayTransferFaults(
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        InterruptsState before = step.before();
        InterruptsState after = step.after();
        InterruptsAction action = step.action();
        boolean guestCode = before.lowCodeRuns() && !before.inHandler();
        boolean stray = (action instanceof InterruptsAction.JumpTo j
                        && CodeLayout.inSequence(j.target())
                        && j.target() != CodeLayout.SEQUENCE_START)
                || (action instanceof InterruptsAction.JumpToByte b
                        && CodeLayout.byteInSequence(b.virtualAddress())
                        && b.virtualAddress() != CodeLayout.entryByte());
        if (guestCode && stray) {
            boolean refused = step.observations().size() == 1
                    && step.observations().get(0) instanceof InterruptsObservation.Fault f
                    && f.kind() == InterruptsObservation.FaultKind.NOT_SEQUENCE_ENTRY;
            return violationUnless(
                    refused
                            && after.pc() == before.pc()
                            && after.registers().equals(before.registers())
                            && after.returnStack().equals(before.returnStack()),
                    () -> action + " from 0x" + Long.toHexString(before.pc()) + " was not refused: "
                            + step.observations() + ", pc now 0x" + Long.toHexString(after.pc()));
        }
        if (action instanceof InterruptsAction.Return
                && before.returnStack().size() == 1
                && CodeLayout.inSequence(before.returnStack().get(0))) {
            return violationUnless(
                    after.pc() == CodeLayout.SEQUENCE_START
                            && !after.registers().containsValue(after.secret()),
                    () -> "the return into the sequence at 0x"
                            + Long.toHexString(before.returnStack().get(0)) + " resumed at 0x"
                            + Long.toHexString(after.pc()) + " with registers " + after.registers());
        }
        return Optional.empty();
    }

    /** INT-1 (sanity): the low-equivalence relation is reflexive on this state. */
    private static Optional<String> lowEquivalenceReflexive(InterruptsState s) {
        return violationUnless(
                InterruptsLowEquivalence.reflexiveOn(s), () -> "a state is not low-equivalent to itself: " + s);
    }

    /**
     * INT-2: at every handler entry no register holds the secret; for an arrival inside the
     * sequence the secret's registers hold exactly the erasure constant.
     */
    private static Optional<String> noSecretAtHandlerEntry(
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        InterruptsState before = step.before();
        for (InterruptsObservation o : step.observations()) {
            if (o instanceof VirtualInterrupt vi) {
                if (vi.registers().containsValue(before.secret())) {
                    return Optional.of("the handler for vector " + vi.vector() + " sees the secret in "
                            + Notation.hexValues(new TreeMap<>(vi.registers())));
                }
                if (before.inSequence()) {
                    for (Reg r : CodeLayout.SECRET_REGISTERS) {
                        if (vi.registers().get(r) != before.erasure()) {
                            return Optional.of("interrupted inside the sequence, expected " + r + " = erasure constant "
                                    + Notation.hex(before.erasure()) + ", found "
                                    + Notation.hex(vi.registers().get(r)));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** INT-2 (state form): whenever code other than the sequence runs, no register holds the secret. */
    private static Optional<String> secretConfinedToSequence(InterruptsState s) {
        return violationUnless(
                !s.lowCodeRuns() || !s.registers().containsValue(s.secret()),
                () -> "low code runs (pc " + Notation.hex(s.pc()) + ", handlers "
                        + s.returnStack().size() + ") and a register holds the secret: "
                        + Notation.hexValues(new TreeMap<>(s.registers())));
    }

    /** INT-3: an arrival yields exactly one virtual interrupt with its vector and cause; nothing else yields one. */
    private static Optional<String> oneVirtualInterruptPerArrival(
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        InterruptsAction action = step.action();
        List<VirtualInterrupt> delivered = new ArrayList<>();
        for (InterruptsObservation o : step.observations()) {
            if (o instanceof VirtualInterrupt vi) {
                delivered.add(vi);
            }
        }
        if (action instanceof InterruptsAction.Arrive a) {
            boolean ok = delivered.size() == 1
                    && delivered.get(0).vector() == a.vector()
                    && delivered.get(0).cause() == a.cause();
            return violationUnless(
                    ok, () -> "expected one virtual interrupt with vector " + a.vector() + ", found " + delivered);
        }
        // A fault the machine raised is an arrival too: one exception with the fault's vector.
        List<InterruptsObservation.Fault> raised = new ArrayList<>();
        for (InterruptsObservation o : step.observations()) {
            if (o instanceof InterruptsObservation.Fault f && f.kind().raised()) {
                raised.add(f);
            }
        }
        if (!raised.isEmpty()) {
            int vector = raised.get(0).kind().vector();
            boolean ok = raised.size() == 1
                    && delivered.size() == 1
                    && delivered.get(0).vector() == vector
                    && delivered.get(0).cause() == ArrivalCause.EXCEPTION;
            return violationUnless(
                    ok,
                    () -> "the machine raised " + raised + ", expected one virtual exception with vector " + vector
                            + ", found " + delivered);
        }
        return violationUnless(
                delivered.isEmpty(), () -> "no interrupt arrived, yet virtual interrupts were delivered: " + delivered);
    }

    /** INT-4: a register acquires the secret only by the guest executing the move that holds it. */
    private static Optional<String> neverRestoresSecret(
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        InterruptsState before = step.before();
        InterruptsAction action = step.action();
        InterruptsState after = step.after();
        for (Reg r : Reg.values()) {
            if (after.reg(r) == after.secret() && before.reg(r) != before.secret()) {
                boolean byMove = action instanceof InterruptsAction.Execute
                        && !before.inHandler()
                        && before.code().get(before.pc()) instanceof Instruction.MovImm m
                        && m.dst() == r
                        && m.imm() == before.secret();
                if (!byMove) {
                    return Optional.of(r + " received the secret by " + action + " at pc " + Notation.hex(before.pc()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * INT-4 transparency: along the trace, every time the sequence completes with a verdict, that
     * result equals what an interrupt-free run from the state where the sequence was entered
     * gives; after the trace, once interrupts stop (handlers return), the sequence completes. Not
     * applicable (holds, with a detail that starts with "not applicable") when a handler rewrites
     * the interrupted context or low code jumps into the middle of the sequence: then no result is promised.
     */
    public static ClaimCheck transparency(InterruptsState initial, List<InterruptsAction> actions) {
        String name = TRANSPARENCY;
        InterruptsState s = initial;
        Optional<InterruptsState.HypercallResult> expected = Optional.empty();
        for (InterruptsAction a : actions) {
            if (rewritesContext(s, a)) {
                return new ClaimCheck("INT-4", name, true, "not applicable: " + a + " rewrites the context");
            }
            if (!s.inHandler() && s.pc() == CodeLayout.SEQUENCE_START && expected.isEmpty()) {
                expected = completeWithoutInterrupts(s);
            }
            int answered = s.hypercalls().size();
            s = InterruptsModel.step(s, a).next();
            if (s.hypercalls().size() > answered) {
                InterruptsState.HypercallResult got =
                        s.hypercalls().get(s.hypercalls().size() - 1);
                if (expected.isPresent() && !expected.get().equals(got)) {
                    return ClaimCheck.violated(
                            "INT-4", name, "interrupt-free run gives " + expected.get() + ", this run gave " + got);
                }
                expected = Optional.empty();
            }
        }
        // Interrupts stop: the guest OS maps back every page it unmapped (so no fetch faults any
        // more), every handler returns, then the guest runs until it leaves the sequence.
        s = mapEverythingBack(s);
        int budget = 64;
        while (s.inHandler() && budget-- > 0) {
            s = InterruptsModel.step(s, new InterruptsAction.Return()).next();
        }
        int answered = s.hypercalls().size();
        while (s.inSequence() && budget-- > 0) {
            s = InterruptsModel.step(s, new InterruptsAction.Execute()).next();
        }
        if (s.inSequence()) {
            return ClaimCheck.violated("INT-4", name, "the sequence did not complete once interrupts stopped");
        }
        if (expected.isPresent() && s.hypercalls().size() > answered) {
            InterruptsState.HypercallResult got =
                    s.hypercalls().get(s.hypercalls().size() - 1);
            return ClaimCheck.of(
                    "INT-4",
                    name,
                    expected.get().equals(got),
                    "interrupt-free run gives " + expected.get() + ", this run gave " + got);
        }
        return ClaimCheck.holds("INT-4", name);
    }

    /**
     * Whether {@code a} on {@code s} voids INT-4's promise: a handler rewrites the interrupted
     * context (a register or its return address), or low code jumps into the middle of the sequence.
     */
    public static boolean rewritesContext(InterruptsState s, InterruptsAction a) {
        boolean handlerWrites = s.inHandler()
                && (a instanceof InterruptsAction.SetRegister
                        || a instanceof InterruptsAction.JumpTo
                        || a instanceof InterruptsAction.JumpToByte);
        boolean jumpsIntoMiddle = !s.inHandler()
                && ((a instanceof InterruptsAction.JumpTo j
                                && CodeLayout.onExecuteOnlyPage(j.target())
                                && j.target() != CodeLayout.SEQUENCE_START)
                        || (a instanceof InterruptsAction.JumpToByte b
                                && CodeLayout.onExecuteOnlyPage(Math.floorDiv(b.virtualAddress(), CodeLayout.SLOT_SIZE))
                                && b.virtualAddress() != CodeLayout.entryByte()));
        return handlerWrites || jumpsIntoMiddle;
    }

    /** {@code s} after the guest OS maps back every page it unmapped: faults stop with the interrupts. */
    public static InterruptsState mapEverythingBack(InterruptsState s) {
        for (long page : new TreeSet<>(s.absentPages())) {
            s = InterruptsModel.step(
                            s, new InterruptsAction.SetPagePresent(page * CodeLayout.ADDRESSES_PER_GUEST_PAGE, true))
                    .next();
        }
        return s;
    }

    /** Run the sequence from its entry with no interrupts; the hypercall's result, if it completes. */
    public static Optional<InterruptsState.HypercallResult> completeWithoutInterrupts(InterruptsState entry) {
        InterruptsState s = entry;
        int answered = s.hypercalls().size();
        for (int i = 0; i < 16 && s.inSequence(); i++) {
            s = InterruptsModel.step(s, new InterruptsAction.Execute()).next();
        }
        return s.hypercalls().size() > answered
                ? Optional.of(s.hypercalls().get(s.hypercalls().size() - 1))
                : Optional.empty();
    }

    /** INT-5 (state): the secret differs from the erasure constant and sits in no readable memory. */
    private static Optional<String> secretNotReadable(InterruptsState s) {
        if (s.secret() == s.erasure()) {
            return Optional.of("the secret equals the erasure constant");
        }
        return violationUnless(
                !s.memory().containsValue(s.secret()), () -> "readable memory holds the secret: " + s.memory());
    }

    /** INT-5 (step): every read or write of the execute-only page by low code or an instruction faults. */
    private static Optional<String> executeOnlyPageFaults(
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        InterruptsState before = step.before();
        InterruptsAction action = step.action();
        Long address = touchedAddress(before, action);
        if (address == null || !CodeLayout.onExecuteOnlyPage(address)) {
            return Optional.empty();
        }
        boolean faulted = step.observations().stream().anyMatch(o -> o instanceof InterruptsObservation.Fault);
        boolean leaked = step.observations().stream().anyMatch(o -> o instanceof InterruptsObservation.MemoryRead);
        return violationUnless(
                faulted && !leaked && step.after().memory().equals(before.memory()),
                () -> "an access to the execute-only page at " + Notation.hex(address) + " did not fault: "
                        + step.observations());
    }

    private static Long touchedAddress(InterruptsState before, InterruptsAction action) {
        if (!before.lowCodeRuns() && !(action instanceof InterruptsAction.Execute)) {
            return null;
        }
        if (action instanceof InterruptsAction.ReadMemory r) {
            return r.address();
        }
        if (action instanceof InterruptsAction.WriteMemory w) {
            return w.address();
        }
        if (action instanceof InterruptsAction.Execute && !before.inHandler()) {
            Instruction insn = before.code().get(before.pc());
            if (insn instanceof Instruction.Load l) {
                return l.address();
            }
            if (insn instanceof Instruction.Store st) {
                return st.address();
            }
        }
        return null;
    }

    /** Empty when {@code holds}, else what was found (built only then: the checks run after every step). */
    private static Optional<String> violationUnless(boolean holds, Supplier<String> violation) {
        return holds ? Optional.empty() : Optional.of(violation.get());
    }
}
