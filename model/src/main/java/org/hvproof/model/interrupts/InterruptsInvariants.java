package org.hvproof.model.interrupts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.interrupts.InterruptsObservation.VirtualInterrupt;

/**
 * The INT claims as small named checks, one or more per claim id, each on a state, a step or
 * a pair of steps. Each returns an {@link ClaimCheck}; {@code orThrow()} turns a violation
 * into an AssertionError that names the claim and what was found.
 */
public final class InterruptsInvariants {

    private InterruptsInvariants() {}

    /** INT-1: the same action on two low-equivalent states gives equal views and low-equivalent states. */
    public static ClaimCheck int1Noninterference(InterruptsStep a, InterruptsStep b) {
        HandlerView va = HandlerView.of(a);
        HandlerView vb = HandlerView.of(b);
        if (!va.equals(vb)) {
            return ClaimCheck.violated(
                    "INT-1", "noninterference", "the low observer told two secrets apart: " + va + " versus " + vb);
        }
        return ClaimCheck.of(
                "INT-1",
                "noninterference",
                InterruptsLowEquivalence.equivalent(a.next(), b.next()),
                "the views agree but the states are no longer low-equivalent: " + a.next() + " versus " + b.next());
    }

    /** INT-1 (sanity): the low-equivalence relation is reflexive on this state. */
    public static ClaimCheck int1LowEquivalenceReflexive(InterruptsState s) {
        return ClaimCheck.of(
                "INT-1",
                "low-equivalence reflexive",
                InterruptsLowEquivalence.reflexiveOn(s),
                "a state is not low-equivalent to itself: " + s);
    }

    /**
     * INT-2: at every handler entry no register holds the secret; for an arrival inside the
     * sequence the secret's registers hold exactly the erasure constant.
     */
    public static ClaimCheck int2NoSecretAtHandlerEntry(InterruptsState before, InterruptsStep step) {
        for (InterruptsObservation o : step.observations()) {
            if (o instanceof VirtualInterrupt vi) {
                if (vi.registers().containsValue(before.secret())) {
                    return ClaimCheck.violated(
                            "INT-2",
                            "no secret at handler entry",
                            "the handler for vector " + vi.vector() + " sees the secret in " + vi.registers());
                }
                if (before.inSequence()) {
                    for (Reg r : CodeLayout.SECRET_REGISTERS) {
                        if (vi.registers().get(r) != before.erasure()) {
                            return ClaimCheck.violated(
                                    "INT-2",
                                    "no secret at handler entry",
                                    "interrupted inside the sequence, expected " + r + " = erasure constant "
                                            + Long.toHexString(before.erasure()) + ", found "
                                            + Long.toHexString(vi.registers().get(r)));
                        }
                    }
                }
            }
        }
        return ClaimCheck.holds("INT-2", "no secret at handler entry");
    }

    /** INT-2 (state form): whenever code other than the sequence runs, no register holds the secret. */
    public static ClaimCheck int2SecretConfinedToSequence(InterruptsState s) {
        return ClaimCheck.of(
                "INT-2",
                "secret confined to the sequence",
                !s.lowCodeRuns() || !s.registers().containsValue(s.secret()),
                "low code runs (pc " + Long.toHexString(s.pc()) + ", handlers "
                        + s.returnStack().size() + ") and a register holds the secret: " + s.registers());
    }

    /** INT-3: an arrival yields exactly one virtual interrupt with its vector and cause; nothing else yields one. */
    public static ClaimCheck int3OneVirtualInterruptPerArrival(InterruptsAction action, InterruptsStep step) {
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
            return ClaimCheck.of(
                    "INT-3",
                    "one virtual interrupt per arrival",
                    ok,
                    "expected one virtual interrupt with vector " + a.vector() + ", found " + delivered);
        }
        return ClaimCheck.of(
                "INT-3",
                "one virtual interrupt per arrival",
                delivered.isEmpty(),
                "no interrupt arrived, yet virtual interrupts were delivered: " + delivered);
    }

    /** INT-4: a register acquires the secret only by the guest executing the move that holds it. */
    public static ClaimCheck int4NeverRestoresSecret(
            InterruptsState before, InterruptsAction action, InterruptsStep step) {
        InterruptsState after = step.next();
        for (Reg r : Reg.values()) {
            if (after.reg(r) == after.secret() && before.reg(r) != before.secret()) {
                boolean byMove = action instanceof InterruptsAction.Execute
                        && !before.inHandler()
                        && before.code().get(before.pc()) instanceof Instruction.MovImm m
                        && m.dst() == r
                        && m.imm() == before.secret();
                if (!byMove) {
                    return ClaimCheck.violated(
                            "INT-4",
                            "never restores the secret",
                            r + " received the secret by " + action + " at pc " + Long.toHexString(before.pc()));
                }
            }
        }
        return ClaimCheck.holds("INT-4", "never restores the secret");
    }

    /**
     * INT-4 transparency: along the trace, every time the sequence completes with a verdict, that
     * result equals what an interrupt-free run from the state where the sequence was entered
     * gives; after the trace, once interrupts stop (handlers return), the sequence completes. Not
     * applicable (holds vacuously, said in the detail) when a handler rewrites the interrupted
     * context or low code jumps into the middle of the sequence: then no result is promised.
     */
    public static ClaimCheck int4Transparency(InterruptsState initial, List<InterruptsAction> actions) {
        String name = "transparency";
        InterruptsState s = initial;
        Optional<InterruptsState.HypercallResult> expected = Optional.empty();
        for (InterruptsAction a : actions) {
            if (rewritesContext(s, a)) {
                return ClaimCheck.holds("INT-4", name + " (not applicable: " + a + " rewrites the context)");
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
        // Interrupts stop: every handler returns, then the guest runs until it leaves the sequence.
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

    private static boolean rewritesContext(InterruptsState s, InterruptsAction a) {
        boolean handlerWrites =
                s.inHandler() && (a instanceof InterruptsAction.SetRegister || a instanceof InterruptsAction.JumpTo);
        boolean jumpsIntoMiddle = !s.inHandler()
                && a instanceof InterruptsAction.JumpTo j
                && CodeLayout.onExecuteOnlyPage(j.target())
                && j.target() != CodeLayout.SEQUENCE_START;
        return handlerWrites || jumpsIntoMiddle;
    }

    /** Run the sequence from its entry with no interrupts; the hypercall's result, if it completes. */
    static Optional<InterruptsState.HypercallResult> completeWithoutInterrupts(InterruptsState entry) {
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
    public static ClaimCheck int5SecretNotReadable(InterruptsState s) {
        if (s.secret() == s.erasure()) {
            return ClaimCheck.violated("INT-5", "secret not readable", "the secret equals the erasure constant");
        }
        return ClaimCheck.of(
                "INT-5",
                "secret not readable",
                !s.memory().containsValue(s.secret()),
                "readable memory holds the secret: " + s.memory());
    }

    /** INT-5 (step): every read or write of the execute-only page by low code or an instruction faults. */
    public static ClaimCheck int5ExecuteOnlyPageFaults(
            InterruptsState before, InterruptsAction action, InterruptsStep step) {
        Long address = touchedAddress(before, action);
        if (address == null || !CodeLayout.onExecuteOnlyPage(address)) {
            return ClaimCheck.holds("INT-5", "execute-only page faults");
        }
        boolean faulted = step.observations().stream().anyMatch(o -> o instanceof InterruptsObservation.Fault);
        boolean leaked = step.observations().stream().anyMatch(o -> o instanceof InterruptsObservation.MemoryRead);
        return ClaimCheck.of(
                "INT-5",
                "execute-only page faults",
                faulted && !leaked && step.next().memory().equals(before.memory()),
                "an access to the execute-only page at " + Long.toHexString(address) + " did not fault: "
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
}
