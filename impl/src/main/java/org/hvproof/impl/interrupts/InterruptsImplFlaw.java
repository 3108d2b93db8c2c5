package org.hvproof.impl.interrupts;

import static org.hvproof.model.common.Flaw.caught;

import java.util.List;
import org.hvproof.model.common.Flaw;

/**
 * Deliberately broken variants of the interrupt security module and its set-up, each one bug a
 * real module could have. Only tests select them; {@link #NONE} is the mechanism as specified.
 * Each constant declares the claims whose properties must catch it, the check that must name it
 * (not only refinement) and the longest shrunk trace.
 */
public enum InterruptsImplFlaw implements Flaw {
    /** The correct mechanism. */
    NONE(),
    /**
     * The scrubber overwrites R1 with the secret xor the erasure constant: never the secret, yet a
     * function of it (INT-1; a check that "no register holds the secret" misses it).
     */
    SCRUB_XOR_SECRET(caught("INT-1", "INT-1 noninterference", 4)),
    /** Scrubs on interrupts but forwards exceptions with the registers untouched (INT-2, INT-1). */
    SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS(
            caught("INT-1", "INT-1 noninterference", 4), caught("INT-2", "INT-2 secretConfinedToSequence", 4)),
    /** Scrubs R1 but forgets the authentication value in R2, a function of the secret (INT-2, INT-1). */
    SCRUB_FORGETS_AUTH_REGISTER(caught("INT-2", "INT-2 noSecretAtHandlerEntry", 3)),
    /** An interrupt arriving while a handler runs is swallowed: no virtual interrupt (INT-3). */
    DROP_NESTED_VIRTUAL_INTERRUPT(caught("INT-3", "INT-3 oneVirtualInterruptPerArrival", 2)),
    /** An exception is delivered to the handler twice (INT-3). */
    DUPLICATE_EXCEPTION_DELIVERY(caught("INT-3", "INT-3 oneVirtualInterruptPerArrival", 1)),
    /** The code page is left readable in the nested page table (read-execute, not execute-only) (INT-5). */
    CODE_PAGE_READABLE(caught("INT-5", "INT-5 executeOnlyPageFaults", 1)),
    /** On a handler's return into the sequence the module puts the secret back into R1 (INT-4). */
    RESTORE_SECRET_ON_RETURN(caught("INT-4", "INT-4 neverRestoresSecret", 5)),
    /**
     * The scrubber looks the vector up in a table sized for the 32 architectural exceptions, so an
     * interrupt or exception with a vector of 32 or more inside the sequence reaches the handler
     * with R1 and R2 untouched (INT-2). The generator that drew vectors 0..31 only missed it.
     */
    SCRUB_TABLE_SIZED_FOR_EXCEPTIONS(caught("INT-2", "INT-2 secretConfinedToSequence", 4)),
    /**
     * At boot the hypervisor maps the execute-only code pages for the guest's device along with
     * the rest of its code, so a DMA read returns the move's immediate, the secret (INT-6).
     */
    /**
     * The scrubber erases R1 and R2 but leaves the flags the sequence's compare of the secret set:
     * carry, sign and parity bits of secret minus the erasure constant reach the handler (INT-1).
     */
    SCRUB_FORGETS_FLAGS(caught("INT-1", "INT-1 noninterference", 4)),
    /**
     * The hypercall handler computes the expected authentication value in a scratch register (R8)
     * and leaves it there when it resumes the guest: a register the model's four do not include,
     * so only the comparison of the two machines' whole register files sees it (INT-1).
     */
    HYPERCALL_LEAVES_MAC_IN_SCRATCH(caught("INT-1", "INT-1 noninterferenceOnMachine", 7)),
    IOMMU_MAPS_CODE_PAGE(caught("INT-6", "INT-6 noIommuMappingHoldsSecret", 1)),
    /**
     * The entry check admits every instruction of the sequence, not only its move (it checks that
     * the target starts an instruction slot of the execute-only page): ordinary code jumps to the
     * compare or the hypercall with registers it chose (INT-6).
     */
    MID_SEQUENCE_JUMP_NOT_FAULTED(caught("INT-6", "INT-6 strayTransferFaults", 1)),
    /**
     * When the outermost handler returns into the sequence the module resumes at the (possibly
     * rewritten) return address, not at the move: the tail of the sequence runs on registers the
     * handler chose (INT-6).
     */
    RESUME_AT_RETURN_ADDRESS(caught("INT-6", "INT-6 strayTransferFaults", 4)),
    /**
     * The module scrubs on the interrupts and exceptions the hypervisor injects but not on a fault
     * the machine raises on the guest's own fetch: when the guest OS unmaps the sequence's page
     * after its move ran, the page fault of the next fetch reaches the handler with the secret in
     * R1 (INT-2).
     */
    RAISED_FAULT_SKIPS_SCRUB(caught("INT-2", "INT-2 secretConfinedToSequence", 4)),
    /**
     * Hardening gone wrong: at every arrival the module also erases each register whose value
     * equals its copy of the secret, wherever the guest runs. The secret never leaves the sequence
     * (low code never holds it, so no single run sees the extra erase), but low code can test a
     * guess: put it in a register, take an interrupt, and look whether the register survived. Only
     * two runs whose low code holds one run's secret tell it apart (INT-1).
     */
    SCRUBS_REGISTERS_EQUAL_TO_SECRET(caught("INT-1", "INT-1 noninterference", 6));

    private final List<Caught> caughtBy;

    InterruptsImplFlaw(Caught... caughtBy) {
        this.caughtBy = List.of(caughtBy);
    }

    @Override
    public List<Caught> caughtBy() {
        return caughtBy;
    }
}
