package org.hvproof.model.interrupts;

import java.util.List;
import java.util.Map;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;

/**
 * Exactly what guest code outside the sequence and its handlers can observe after one step:
 * the step's observations (virtual interrupts with the registers at handler entry, in order;
 * memory reads; faults; hypercall verdicts) and, whenever such code runs, the whole register
 * file and the flags, the program counter and the return addresses of the interrupt frames. While the guest
 * executes inside the sequence no low code runs, so no register is visible.
 */
public record HandlerView(
        List<InterruptsObservation> events,
        Map<Reg, Long> visibleRegisters,
        long visibleFlags,
        long visiblePc,
        List<Long> returnStack) {

    /** Marks the program counter and the flags as not visible (the guest is inside the sequence). */
    public static final long HIDDEN = -1;

    public HandlerView {
        events = List.copyOf(events);
        visibleRegisters = Map.copyOf(visibleRegisters);
        returnStack = List.copyOf(returnStack);
    }

    /** The view of one step: what low code sees of its observations and of the state after it. */
    public static HandlerView of(Transition<InterruptsState, InterruptsAction, InterruptsObservation> step) {
        InterruptsState s = step.after();
        return s.lowCodeRuns()
                ? new HandlerView(step.observations(), s.registers(), s.flags(), s.pc(), s.returnStack())
                : new HandlerView(step.observations(), Map.of(), HIDDEN, HIDDEN, s.returnStack());
    }

    @Override
    public String toString() {
        return "events " + events
                + (visiblePc == HIDDEN
                        ? ", pc hidden"
                        : ", pc " + Notation.hex(visiblePc) + ", registers "
                                + Notation.hexValues(new java.util.TreeMap<>(visibleRegisters)))
                + ", return stack " + Notation.hexList(returnStack);
    }
}
