package org.hvproof.properties.domains;

import static org.hvproof.model.domains.DomainsInvariants.GATES_ONLY;
import static org.hvproof.model.domains.DomainsInvariants.ISOLATION;
import static org.hvproof.model.domains.DomainsInvariants.POINTERS_MATCH_DOMAIN;
import static org.hvproof.model.domains.DomainsInvariants.ROOT_CANNOT_MODIFY_SECURE;
import static org.hvproof.model.domains.DomainsInvariants.ROOT_SEES_NOTHING_SECURE;
import static org.hvproof.model.domains.DomainsInvariants.SWITCH_TOGETHER;

import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Claim;

/**
 * The PD claims over generated traces. Each single-run property runs the machine and the model in
 * lockstep and checks, after every machine action, the claim's own invariants (the model's
 * {@link DomainsInvariants}, named as in {@code domains.als}) on the machine's step read through the
 * abstraction function, then refinement. The two-run property checks confidentiality directly:
 * two guests that differ only in a secure domain's memory and registers look the same to the root
 * domain after every action. Coverage minimums fail a property whose traces do not reach the
 * situations its claim speaks of.
 */
public final class DomainsProperties {
    /** Default tries (pairs, for the two-run property) per claim in {@code mvn verify} and {@code ./hvproof check}. */
    public static final int TRIES = 1000;
    /** Generated steps per trace, at most. */
    public static final int STEPS = 35;
    /** Minimum share (percent) of traces whose walk reads a table a hostile PML4, PDPT or PD entry points at. */
    static final int COVER_UPPER = 35;

    private DomainsProperties() {}

    /** PD-1: no root access reaches a secure frame; a secure domain reaches only its own frames. */
    @Claim("PD-1")
    public static StatefulProperty<DomainsTrace> isolation() {
        return isolation(DomainsImplFlaw.NONE);
    }

    /** PD-1 against a given hypervisor, so tests can show a flawed one is caught. */
    public static StatefulProperty<DomainsTrace> isolation(DomainsImplFlaw flaw) {
        return base("PD-1 no access from the root reaches a secure frame", flaw)
                .assertion(ISOLATION.label(), t -> {
                    t.checkStates(ISOLATION);
                    t.checkRootTouchedNoSecureFrame();
                })
                .assertion("refinement: machine and model agree", DomainsTrace::checkRefinement)
                .cover(50, DomainsLabels.HOSTILE_MAPPING)
                .cover(COVER_UPPER, DomainsLabels.HOSTILE_UPPER_LEVEL_WALKED)
                .cover(35, DomainsLabels.ROOT_ACCESS_TO_SECURE_REFUSED)
                .cover(70, DomainsLabels.GATE_ENTRY);
    }

    /** PD-1 (two runs): guests differing only in a secure domain's memory and registers look the same to the root. */
    @Claim("PD-1")
    public static StatefulProperty<DomainsTwoRuns> rootSeesNothingSecure() {
        return rootSeesNothingSecure(DomainsImplFlaw.NONE);
    }

    /** PD-1 two-run against a given hypervisor. */
    public static StatefulProperty<DomainsTwoRuns> rootSeesNothingSecure(DomainsImplFlaw flaw) {
        String suffix = flaw == DomainsImplFlaw.NONE ? "" : " [flaw " + flaw + "]";
        return StatefulProperty.<DomainsTwoRuns>named(
                        "PD-1 two runs differing only in secure contents look the same to the root" + suffix)
                .initial(() -> new DomainsTwoRuns(flaw))
                .actions(t -> DomainsActions.next(t.state()).map(DomainsProperties::twoRunStep))
                .assertion("PD-1 lowEquivalenceNonVacuous", DomainsTwoRuns::checkRelationNonVacuous)
                .assertion(ROOT_SEES_NOTHING_SECURE.label(), DomainsTwoRuns::checkRootSeesNothingSecure)
                .steps(STEPS)
                .tries(TRIES)
                .describeState(DomainsTwoRuns::describe)
                .cover(55, DomainsLabels.EVENT_IN_SECURE_CODE)
                .cover(35, DomainsLabels.EVENT_AT_GATE_ENTRY)
                .cover(45, DomainsLabels.RESUMED)
                .cover(35, DomainsLabels.SECURE_READ)
                .cover(40, DomainsLabels.EXIT);
    }

    /** PD-2: secure code runs on its own tables and NPT; the two pointers switch together, never one alone. */
    @Claim("PD-2")
    public static StatefulProperty<DomainsTrace> pointersSwitchTogether() {
        return pointersSwitchTogether(DomainsImplFlaw.NONE);
    }

    /** PD-2 against a given hypervisor. */
    public static StatefulProperty<DomainsTrace> pointersSwitchTogether(DomainsImplFlaw flaw) {
        return base("PD-2 the page-table and nested page-table pointers switch together", flaw)
                .assertion(POINTERS_MATCH_DOMAIN.label(), t -> t.checkStates(POINTERS_MATCH_DOMAIN))
                .assertion(SWITCH_TOGETHER.label(), t -> t.checkSteps(SWITCH_TOGETHER))
                .assertion("refinement: machine and model agree", DomainsTrace::checkRefinement)
                .cover(70, DomainsLabels.GATE_ENTRY)
                .cover(40, DomainsLabels.EXIT)
                .cover(55, DomainsLabels.EVENT_IN_SECURE_CODE)
                .cover(35, DomainsLabels.EVENT_AT_GATE_ENTRY);
    }

    /** PD-3: the root cannot modify a secure domain's page tables, code or data. */
    @Claim("PD-3")
    public static StatefulProperty<DomainsTrace> rootCannotModifySecure() {
        return rootCannotModifySecure(DomainsImplFlaw.NONE);
    }

    /** PD-3 against a given hypervisor. */
    public static StatefulProperty<DomainsTrace> rootCannotModifySecure(DomainsImplFlaw flaw) {
        return base("PD-3 the root cannot modify secure page tables, code or data", flaw)
                .assertion(ROOT_CANNOT_MODIFY_SECURE.label(), t -> t.checkSteps(ROOT_CANNOT_MODIFY_SECURE))
                .assertion("refinement: machine and model agree", DomainsTrace::checkRefinement)
                .cover(35, DomainsLabels.ROOT_ACCESS_TO_SECURE_REFUSED)
                .cover(35, DomainsLabels.SECURE_WRITE)
                .cover(COVER_UPPER, DomainsLabels.HOSTILE_UPPER_LEVEL_WALKED);
    }

    /** PD-4: control enters or leaves a secure domain only through gates, exit and events; other jumps fault and change nothing. */
    @Claim("PD-4")
    public static StatefulProperty<DomainsTrace> gatesOnly() {
        return gatesOnly(DomainsImplFlaw.NONE);
    }

    /** PD-4 against a given hypervisor. */
    public static StatefulProperty<DomainsTrace> gatesOnly(DomainsImplFlaw flaw) {
        return base("PD-4 control crosses domains only through registered gates", flaw)
                .assertion(GATES_ONLY.label(), t -> t.checkSteps(GATES_ONLY))
                .assertion("refinement: machine and model agree", DomainsTrace::checkRefinement)
                .cover(70, DomainsLabels.GATE_ENTRY)
                .cover(55, DomainsLabels.REFUSED_JUMP)
                .cover(20, DomainsLabels.REFUSED_GATE_PLUS_ONE)
                .cover(40, DomainsLabels.EXIT)
                .cover(55, DomainsLabels.EVENT_IN_SECURE_CODE)
                .cover(30, DomainsLabels.STORM);
    }

    /** The common single-run trace: machine with {@code flaw} and model in lockstep; checks are added by each claim. */
    private static StatefulProperty<DomainsTrace> base(String name, DomainsImplFlaw flaw) {
        String suffix = flaw == DomainsImplFlaw.NONE ? "" : " [flaw " + flaw + "]";
        return StatefulProperty.<DomainsTrace>named(name + suffix)
                .initial(() -> new DomainsTrace(flaw))
                .actions(t -> DomainsActions.next(t.state()).map(DomainsProperties::step))
                .steps(STEPS)
                .tries(TRIES)
                .describeState(DomainsTrace::describe);
    }

    private static Action<DomainsTrace> step(DomainsActions.Step s) {
        return Action.of(s.toString(), (DomainsTrace t, Context ctx) -> t.apply(s, ctx));
    }

    private static Action<DomainsTwoRuns> twoRunStep(DomainsActions.Step s) {
        return Action.of(s.toString(), (DomainsTwoRuns t, Context ctx) -> t.apply(s, ctx));
    }
}
