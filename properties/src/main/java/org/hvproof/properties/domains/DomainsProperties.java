package org.hvproof.properties.domains;

import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.model.domains.DomainsAction;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;
import org.hvproof.properties.harness.ClaimHarness;
import org.hvproof.properties.harness.MachineCheck;

/**
 * The PD claims over generated traces, through the {@link ClaimHarness}. Each single-run property
 * runs the machine and the model in lockstep and checks, after every generated step, the claim's
 * invariants ({@link DomainsInvariants}, named as in {@code domains.als}) on the machine's steps
 * read through the abstraction function, then refinement; PD-1 adds a check of the host frames
 * the machine really touched. The two-run property checks confidentiality: two guests that differ
 * only in a secure domain's memory and registers look the same to the root domain after every
 * action, in the model's pair invariant and in the machine's whole root view. Coverage minimums
 * fail a property whose traces do not reach the situations its claim speaks of.
 */
public final class DomainsProperties {
    /** Default tries (pairs, for the two-run property) per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Generated steps per trace, at most. */
    public static final int STEPS = 35;
    /**
     * Minimum share (percent) of traces whose walk reads a table a hostile PML4, PDPT or PD entry
     * points at: observed 35-41% per seed since device writes (PD-5) joined the mix, so 30 leaves
     * a margin a fresh seed does not fall through (35 did, at 34.7%).
     */
    static final int COVER_UPPER = 30;
    /** Minimum share (percent) of traces with a root jump to an address differing from a registered one only above bit 31. */
    static final int COVER_HIGH_ALIAS = 25;
    /** Minimum share (percent) of traces where an event with vector 32 or more leaves secure code. */
    static final int COVER_HIGH_VECTOR = 40;
    /** Minimum share (percent) of traces where an event with vector below 32 leaves secure code. */
    static final int COVER_LOW_VECTOR = 20;
    /** Minimum share (percent) of traces whose root names a guest page outside every region (CR3 or a table entry). */
    static final int COVER_OUTSIDE = 50;
    /** Minimum share (percent) of traces whose root names a guest page above every region. */
    static final int COVER_ABOVE = 35;

    /** The domains mechanism plugged into the claim harness. */
    static final ClaimHarness<DomainsImplFlaw, DomainsTrace, DomainsState, DomainsAction, DomainsObservation> HARNESS =
            new ClaimHarness<>(
                    "domains", DomainsInvariants.ALL, DomainsTrace::new, DomainsProperties::next, TRIES, STEPS);

    /**
     * PD-1 on the machine's accesses: no host frame read or written for a root access (table reads
     * of its walk included) is a secure frame, and none read or written for a secure domain's access
     * lies outside that domain's frames. The abstract state shows only what the NPTs map; a
     * hypervisor that walked tables or resolved addresses around the NPT would leave it unchanged.
     */
    static final MachineCheck<DomainsTrace> ISOLATION_ON_MACHINE =
            MachineCheck.of("PD-1", "isolationOnMachine", DomainsTrace::checkRootTouchedNoSecureFrame);

    /**
     * PD-1 (two runs) on the machine: after every action the root's whole view (every register of
     * every vCPU running root code, every byte its NPT maps) is equal in both runs; the
     * abstraction keeps one register, so only this sees the others leak.
     */
    static final MachineCheck<DomainsTwoRuns> ROOT_SEES_NOTHING_SECURE_ON_MACHINE =
            MachineCheck.of("PD-1", "rootSeesNothingSecureOnMachine", DomainsTwoRuns::checkRootViewsEqualOnMachine);

    /** PD-5 on the IOMMU, after every step ({@link DomainsTrace#checkNoSecureFrameInDeviceTable}). */
    static final MachineCheck<DomainsTrace> NO_SECURE_FRAME_IN_DEVICE_TABLE =
            MachineCheck.of("PD-5", "noSecureFrameInDeviceTable", DomainsTrace::checkNoSecureFrameInDeviceTable);

    private DomainsProperties() {}

    /** PD-1: no root access reaches a secure frame; a secure domain reaches only its own frames. */
    @Claim("PD-1")
    public static StatefulProperty<DomainsTrace> isolation(DomainsImplFlaw flaw) {
        return HARNESS.claim("PD-1", "no access from the root reaches a secure frame", flaw, ISOLATION_ON_MACHINE)
                .cover(50, DomainsLabels.HOSTILE_MAPPING)
                .cover(COVER_UPPER, DomainsLabels.HOSTILE_UPPER_LEVEL_WALKED)
                // chain links out of the pages' order (six properties of one run: 21.7-26.2%)
                .cover(18, DomainsLabels.ROOT_CHAIN_LINK_TO_LOWER_PAGE)
                .cover(35, DomainsLabels.ROOT_ACCESS_TO_SECURE_REFUSED)
                .cover(70, DomainsLabels.GATE_ENTRY)
                .cover(COVER_OUTSIDE, DomainsLabels.PAGE_OUTSIDE_REGIONS)
                .cover(COVER_ABOVE, DomainsLabels.PAGE_ABOVE_REGIONS)
                // large guest leaves (observed about 5% and 7%; minimums 3.3 and 3.7 sd under)
                .cover(2.5, DomainsLabels.TWO_MB_LEAF_ACCESS)
                .cover(4, DomainsLabels.PS_AT_LEVEL_4_FAULTED)
                // the root's own 2 MiB leaf over block 0 past its region, and onto a secure page
                // (six properties of one run: 3.1-5.3% and 1.7-3.1%; minimums about 3 sd under)
                .cover(2.2, DomainsLabels.ROOT_LARGE_LEAF_PAST_REGION_REFUSED)
                .cover(1.0, DomainsLabels.ROOT_LARGE_LEAF_ON_SECURE_REFUSED)
                // a secure domain's own large leaves (six seeds: 6.3-7.2%, 1.4-3.0%, 1.3-2.3% and
                // 13.1-14.8%; each minimum about 3 sd under the mean)
                .cover(4.5, DomainsLabels.SECURE_LARGE_LEAF_IN_OWN_REGION)
                .cover(0.7, DomainsLabels.SECURE_LARGE_LEAF_IN_OTHER_SECURE_REFUSED)
                .cover(0.5, DomainsLabels.SECURE_LARGE_LEAF_ON_ROOT_REFUSED)
                .cover(10.5, DomainsLabels.SECURE_LARGE_LEAF_ELSEWHERE_REFUSED);
    }

    /** PD-1 (two runs): guests differing only in a secure domain's memory and registers look the same to the root. */
    @Claim("PD-1")
    public static StatefulProperty<DomainsTwoRuns> rootSeesNothingSecure(DomainsImplFlaw flaw) {
        return HARNESS.pairClaim(
                        "PD-1",
                        "two runs differing only in secure contents look the same to the root",
                        flaw,
                        DomainsTwoRuns::new,
                        DomainsProperties::nextPair,
                        ROOT_SEES_NOTHING_SECURE_ON_MACHINE)
                .cover(55, DomainsLabels.EVENT_IN_SECURE_CODE)
                .cover(35, DomainsLabels.EVENT_AT_GATE_ENTRY)
                .cover(45, DomainsLabels.RESUMED)
                .cover(30, DomainsLabels.SECURE_READ) // observed about 39% since PD-5's device writes
                .cover(40, DomainsLabels.EXIT)
                .cover(COVER_HIGH_VECTOR, DomainsLabels.HIGH_VECTOR_IN_SECURE_CODE)
                .cover(COVER_LOW_VECTOR, DomainsLabels.LOW_VECTOR_IN_SECURE_CODE)
                .cover(COVER_ABOVE, DomainsLabels.PAGE_ABOVE_REGIONS);
    }

    /** PD-2: secure code runs on its own tables and NPT; the two pointers switch together, never one alone. */
    @Claim("PD-2")
    public static StatefulProperty<DomainsTrace> pointersSwitchTogether(DomainsImplFlaw flaw) {
        return HARNESS.claim("PD-2", "the page-table and nested page-table pointers switch together", flaw)
                .cover(70, DomainsLabels.GATE_ENTRY)
                .cover(40, DomainsLabels.EXIT)
                .cover(55, DomainsLabels.EVENT_IN_SECURE_CODE)
                .cover(35, DomainsLabels.EVENT_AT_GATE_ENTRY)
                .cover(COVER_HIGH_VECTOR, DomainsLabels.HIGH_VECTOR_IN_SECURE_CODE)
                .cover(COVER_LOW_VECTOR, DomainsLabels.LOW_VECTOR_IN_SECURE_CODE);
    }

    /** PD-3: the root cannot modify a secure domain's page tables, code or data. */
    @Claim("PD-3")
    public static StatefulProperty<DomainsTrace> rootCannotModifySecure(DomainsImplFlaw flaw) {
        return HARNESS.claim("PD-3", "the root cannot modify secure page tables, code or data", flaw)
                .cover(35, DomainsLabels.ROOT_ACCESS_TO_SECURE_REFUSED)
                .cover(35, DomainsLabels.SECURE_WRITE)
                .cover(COVER_UPPER, DomainsLabels.HOSTILE_UPPER_LEVEL_WALKED)
                // chain links out of the pages' order (six properties of one run: 21.7-26.2%)
                .cover(18, DomainsLabels.ROOT_CHAIN_LINK_TO_LOWER_PAGE)
                .cover(COVER_OUTSIDE, DomainsLabels.PAGE_OUTSIDE_REGIONS)
                .cover(COVER_ABOVE, DomainsLabels.PAGE_ABOVE_REGIONS)
                // large guest leaves (observed about 5% and 9%; minimums 3.4 and 3.8 sd under)
                .cover(2.8, DomainsLabels.LARGE_LEAF_REFUSED)
                .cover(2.2, DomainsLabels.ROOT_LARGE_LEAF_PAST_REGION_REFUSED)
                .cover(5.5, DomainsLabels.PS_ENTRY_REWRITTEN);
    }

    /** PD-4: control enters or leaves a secure domain only through gates, exit and events; other jumps fault and change nothing. */
    @Claim("PD-4")
    public static StatefulProperty<DomainsTrace> gatesOnly(DomainsImplFlaw flaw) {
        return HARNESS.claim("PD-4", "control crosses domains only through registered gates", flaw)
                .cover(70, DomainsLabels.GATE_ENTRY)
                .cover(55, DomainsLabels.REFUSED_JUMP)
                .cover(20, DomainsLabels.REFUSED_GATE_PLUS_ONE)
                .cover(40, DomainsLabels.EXIT)
                .cover(55, DomainsLabels.EVENT_IN_SECURE_CODE)
                .cover(30, DomainsLabels.STORM)
                .cover(COVER_HIGH_ALIAS, DomainsLabels.HIGH_BIT_ALIAS)
                .cover(COVER_HIGH_VECTOR, DomainsLabels.HIGH_VECTOR_IN_SECURE_CODE);
    }

    /**
     * PD-5: no device reaches a secure domain's host frames. After every step the root device's
     * I/O page table and IOTLB hold no secure frame (the machine check), and a device write changes
     * no secure frame and, aimed at a secure page, is refused and reported.
     */
    @Claim("PD-5")
    public static StatefulProperty<DomainsTrace> noDeviceReachesSecureMemory(DomainsImplFlaw flaw) {
        return HARNESS.claim(
                        "PD-5", "no device reaches a secure domain's memory", flaw, NO_SECURE_FRAME_IN_DEVICE_TABLE)
                .cover(12, DomainsLabels.DMA_REFUSED_AT_SECURE_PAGE)
                .cover(10, DomainsLabels.DMA_LANDED_IN_ROOT)
                .cover(5, DomainsLabels.DMA_REFUSED_ELSEWHERE);
    }

    /** The next generated step of a single-run trace, drawn from the model's state. */
    private static Gen<Action<DomainsTrace>> next(DomainsTrace t) {
        return DomainsActions.next(t.state())
                .map(s -> Action.of(s::toString, (DomainsTrace trace, Context ctx) -> trace.apply(s, ctx)));
    }

    /** The next generated step of both runs, drawn from run A's state. */
    private static Gen<Action<DomainsTwoRuns>> nextPair(DomainsTwoRuns t) {
        return DomainsActions.next(t.state())
                .map(s -> Action.of(s::toString, (DomainsTwoRuns runs, Context ctx) -> runs.apply(s, ctx)));
    }
}
