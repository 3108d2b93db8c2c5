package org.hvproof.properties.interrupts;

import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsState;

/**
 * INT-4's transparency, judged on the machine step by step: whenever the sequence is entered at
 * its start, the result an interrupt-free run from that state gives is computed (by the model);
 * when the machine's sequence next answers a hypercall, its result must be that one. Once
 * interrupts stop (every handler returns), the sequence must complete. As in the model's
 * {@link InterruptsInvariants#transparency}, nothing is promised from the moment a handler rewrites the
 * interrupted context or low code jumps into the middle of the sequence. Public so that a trace
 * hosting the interrupts guest beside other services (the composed one) follows it the same way.
 */
public final class Transparency {
    private boolean notApplicable;
    private InterruptsState.HypercallResult expected;
    private String violation;

    /** Called before {@code action} runs on a machine whose abstract state is {@code s}. */
    public void before(InterruptsState s, InterruptsAction action) {
        if (InterruptsInvariants.rewritesContext(s, action)) {
            notApplicable = true;
        }
        if (!notApplicable && expected == null && !s.inHandler() && s.pc() == CodeLayout.SEQUENCE_START) {
            expected = InterruptsInvariants.completeWithoutInterrupts(s).orElse(null);
        }
    }

    /** Called after the step, with the abstract states around it. */
    public void after(InterruptsState before, InterruptsState after) {
        if (after.hypercalls().size() > before.hypercalls().size()) {
            InterruptsState.HypercallResult got =
                    after.hypercalls().get(after.hypercalls().size() - 1);
            if (!notApplicable && expected != null && !expected.equals(got) && violation == null) {
                violation = "an interrupt-free run gives " + expected + ", this run gave " + got;
            }
            expected = null;
        }
    }

    /** Called once interrupts have stopped and the guest ran on: whether it left the sequence. */
    public void quiesced(InterruptsState s) {
        if (!notApplicable && (s.inHandler() || s.inSequence()) && violation == null) {
            violation = "the sequence did not complete once interrupts stopped: pc 0x" + Long.toHexString(s.pc())
                    + ", handlers " + s.returnStack().size();
        }
    }

    /** Whether nothing is promised any more in this trace. */
    public boolean notApplicable() {
        return notApplicable;
    }

    /** Throws the first violation, naming INT-4. */
    public void check() {
        if (violation != null) {
            throw new AssertionError("INT-4 " + InterruptsInvariants.TRANSPARENCY + " violated: " + violation);
        }
    }
}
