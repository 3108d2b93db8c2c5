package org.hvproof.model.domains;

import java.util.HashSet;
import java.util.Objects;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;

/** The PD claims as small named checks on a state, a step, or two steps of two runs. */
public final class DomainsInvariants {
    private DomainsInvariants() {}

    /** PD-1: root reaches no secure frame; a secure domain reaches only its own frames. */
    public static ClaimCheck pd1Isolation(DomainsState s) {
        for (int i = 0; i < s.vcpus().size(); i++) {
            DomainsVCpu c = s.vcpus().get(i);
            var reach = new HashSet<>(s.reach(c));
            if (c.domain().isRoot()) {
                reach.retainAll(s.secureFrames());
                if (!reach.isEmpty()) {
                    return ClaimCheck.violated(
                            "PD-1", "isolation", "root vCPU " + i + " reaches secure frames " + reach);
                }
            } else if (!s.domains().get(c.domain()).frames().containsAll(reach)) {
                return ClaimCheck.violated(
                        "PD-1",
                        "isolation",
                        "vCPU " + i + " in " + c.domain() + " reaches " + reach + " outside its frames");
            }
        }
        return ClaimCheck.holds("PD-1", "isolation");
    }

    /** PD-1 (two runs): the same action on two low-equivalent states gives equal root views and low-equivalent states. */
    public static ClaimCheck pd1RootSeesNothingSecure(DomainsStep a, DomainsStep b) {
        if (!DomainsLowEquivalence.viewsEqual(a, b)) {
            return ClaimCheck.violated(
                    "PD-1",
                    "root sees nothing secure",
                    "root told two secure contents apart: " + RootView.of(a).events() + " versus "
                            + RootView.of(b).events());
        }
        return ClaimCheck.of(
                "PD-1",
                "root sees nothing secure",
                DomainsLowEquivalence.equivalent(a.next(), b.next()),
                "views agree but the states are no longer low-equivalent");
    }

    /** PD-2 (state): the NPT pointer is the current domain's; secure code runs on its own page tables. */
    public static ClaimCheck pd2PointersMatchDomain(DomainsState s) {
        for (int i = 0; i < s.vcpus().size(); i++) {
            DomainsVCpu c = s.vcpus().get(i);
            boolean ok = c.nptOf().equals(c.domain())
                    && (c.domain().isRoot()
                            ? c.saved() == null
                            : c.ptRoot().equals(s.domains().get(c.domain()).gptRoot()) && c.saved() != null);
            if (!ok) {
                return ClaimCheck.violated("PD-2", "pointers match domain", "vCPU " + i + ": " + c);
            }
        }
        return ClaimCheck.holds("PD-2", "pointers match domain");
    }

    /**
     * PD-2 (step): a domain change sets both pointers to the new domain's (entering: its NPT and
     * its page-table root; leaving: root's NPT and the saved root pointer) in the same step, and
     * the NPT pointer never changes without a domain change.
     */
    public static ClaimCheck pd2SwitchTogether(DomainsState before, DomainsStep step) {
        for (int i = 0; i < before.vcpus().size(); i++) {
            DomainsVCpu x = before.vcpus().get(i);
            DomainsVCpu y = step.next().vcpus().get(i);
            boolean domainChanged = !x.domain().equals(y.domain());
            boolean nptChanged = !x.nptOf().equals(y.nptOf());
            boolean ok = domainChanged == nptChanged;
            if (ok && domainChanged) {
                GuestPage expectedRoot = y.domain().isRoot()
                        ? x.saved()
                        : before.domains().get(y.domain()).gptRoot();
                ok = y.nptOf().equals(y.domain()) && y.ptRoot().equals(expectedRoot);
            }
            if (!ok) {
                return ClaimCheck.violated(
                        "PD-2",
                        "switch together",
                        "vCPU " + i + " went from " + x + " to " + y + ": the pointers did not switch together");
            }
        }
        return ClaimCheck.holds("PD-2", "switch together");
    }

    /** PD-3: a secure frame changes only by code of its own domain. */
    public static ClaimCheck pd3RootCannotModifySecure(DomainsState before, DomainsAction action, DomainsStep step) {
        for (Domain d : before.domains().values()) {
            if (d.id().isRoot()) {
                continue;
            }
            for (Frame f : d.frames()) {
                if (!Objects.equals(before.frames().get(f), step.next().frames().get(f))) {
                    boolean byOwner = action.vcpu() >= 0
                            && action.vcpu() < before.vcpus().size()
                            && before.vcpus().get(action.vcpu()).domain().equals(d.id());
                    if (!byOwner) {
                        return ClaimCheck.violated(
                                "PD-3",
                                "root cannot modify secure",
                                "frame " + f + " of " + d.id() + " changed by " + action);
                    }
                }
            }
        }
        return ClaimCheck.holds("PD-3", "root cannot modify secure");
    }

    /** PD-4: domains change only by a jump to a registered gate, an exit or an interrupt; other jumps fault and change nothing. */
    public static ClaimCheck pd4GatesOnly(DomainsState before, DomainsAction action, DomainsStep step) {
        for (int i = 0; i < before.vcpus().size(); i++) {
            DomainsVCpu x = before.vcpus().get(i);
            DomainsVCpu y = step.next().vcpus().get(i);
            if (x.domain().equals(y.domain())) {
                continue;
            }
            boolean ok;
            if (x.domain().isRoot()) {
                ok = action instanceof DomainsAction.Jump j
                        && j.vcpu() == i
                        && before.domains().get(y.domain()).gates().contains(j.target());
            } else {
                ok = y.domain().equals(DomainId.ROOT)
                        && action.vcpu() == i
                        && (action instanceof DomainsAction.ExitGate || action instanceof DomainsAction.Interrupt);
            }
            if (!ok) {
                return ClaimCheck.violated(
                        "PD-4",
                        "gates only",
                        "vCPU " + i + " moved " + x.domain() + " -> " + y.domain() + " by " + action);
            }
        }
        if (action instanceof DomainsAction.Jump j
                && j.vcpu() >= 0
                && j.vcpu() < before.vcpus().size()
                && before.vcpus().get(j.vcpu()).domain().isRoot()) {
            Domain owner = before.secureOwnerOf(j.target());
            if (owner != null && !owner.gates().contains(j.target())) {
                boolean refused = before.vcpus().equals(step.next().vcpus())
                        && step.observations().stream().anyMatch(o -> o instanceof DomainsObservation.Fault);
                return ClaimCheck.of(
                        "PD-4", "gates only", refused, "jump to non-gate " + j.target() + " was not refused");
            }
        }
        return ClaimCheck.holds("PD-4", "gates only");
    }
}
