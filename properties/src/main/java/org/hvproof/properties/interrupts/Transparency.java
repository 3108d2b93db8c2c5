package org.hvproof.properties.interrupts;

import org.hvproof.model.interrupts.Action;
import org.hvproof.model.interrupts.Interrupts;
import org.hvproof.model.interrupts.Layout;
import org.hvproof.model.interrupts.State;

/**
 * INT-4's transparency, judged on the machine step by step: whenever the sequence is entered at
 * its start, the result an interrupt-free run from that state gives is computed (by the model);
 * when the machine's sequence next answers a hypercall, its result must be that one. Once
 * interrupts stop (every handler returns), the sequence must complete. As in the model's
 * {@code Invariants.int4Transparency}, nothing is promised from the moment a handler rewrites the
 * interrupted context or low code jumps into the middle of the sequence.
 */
final class Transparency {
    private boolean notApplicable;
    private State.HypercallResult expected;
    private String violation;

    /** Called before {@code action} runs on a machine whose abstract state is {@code s}. */
    void before(State s, Action action) {
        if (rewritesContext(s, action)) {
            notApplicable = true;
        }
        if (!notApplicable && expected == null && !s.inHandler() && s.pc() == Layout.SEQUENCE_START) {
            expected = completeWithoutInterrupts(s);
        }
    }

    /** Called after the step, with the abstract states around it. */
    void after(State before, State after) {
        if (after.hypercalls().size() > before.hypercalls().size()) {
            State.HypercallResult got =
                    after.hypercalls().get(after.hypercalls().size() - 1);
            if (!notApplicable && expected != null && !expected.equals(got) && violation == null) {
                violation = "an interrupt-free run gives " + expected + ", this run gave " + got;
            }
            expected = null;
        }
    }

    /** Called once interrupts have stopped and the guest ran on: whether it left the sequence. */
    void quiesced(State s) {
        if (!notApplicable && (s.inHandler() || s.inSequence()) && violation == null) {
            violation = "the sequence did not complete once interrupts stopped: pc 0x" + Long.toHexString(s.pc())
                    + ", handlers " + s.returnStack().size();
        }
    }

    /** Whether nothing is promised any more in this trace. */
    boolean notApplicable() {
        return notApplicable;
    }

    /** Throws the first violation, naming INT-4. */
    void check() {
        if (violation != null) {
            throw new AssertionError("INT-4 transparency violated: " + violation);
        }
    }

    private static boolean rewritesContext(State s, Action a) {
        boolean handlerWrites = s.inHandler() && (a instanceof Action.SetRegister || a instanceof Action.JumpTo);
        boolean jumpsIntoMiddle = !s.inHandler()
                && a instanceof Action.JumpTo j
                && Layout.onExecuteOnlyPage(j.target())
                && j.target() != Layout.SEQUENCE_START;
        return handlerWrites || jumpsIntoMiddle;
    }

    /** The model run from the sequence's entry with no interrupts: the hypercall's result, or null. */
    static State.HypercallResult completeWithoutInterrupts(State entry) {
        State s = entry;
        int answered = s.hypercalls().size();
        for (int i = 0; i < 16 && s.inSequence(); i++) {
            s = Interrupts.step(s, new Action.Execute()).next();
        }
        return s.hypercalls().size() > answered
                ? s.hypercalls().get(s.hypercalls().size() - 1)
                : null;
    }
}
