package org.hvproof.model.domains;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hvproof.model.common.Invariant;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.common.Notation;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.TransitionPair;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;

/**
 * The PD claims as named invariants on a state, a step, or the same step of two runs. They read
 * only the abstract state, the action and the observations, so they judge the model and the
 * machine (through {@code DomainsAbstraction}) alike. Each name is the suffix of the
 * {@code domains.als} assert that states the same predicate ({@code PD_2_switchTogether}).
 */
public final class DomainsInvariants {

    /** PD-1: root reaches no secure frame; a secure domain reaches only its own frames. */
    public static final Invariant<DomainsState> ISOLATION =
            Invariant.of("PD-1", "isolation", DomainsInvariants::isolation);

    /** PD-2 (state): the NPT pointer is the current domain's; secure code runs on its own page tables. */
    public static final Invariant<DomainsState> POINTERS_MATCH_DOMAIN =
            Invariant.of("PD-2", "pointersMatchDomain", DomainsInvariants::pointersMatchDomain);

    /**
     * PD-2 (step): a domain change sets both pointers to the new domain's (entering: its NPT and
     * its page-table root; leaving: root's NPT and the saved root pointer) in the same step, and
     * the NPT pointer never changes without a domain change.
     */
    public static final Invariant<Transition<DomainsState, DomainsAction, DomainsObservation>> SWITCH_TOGETHER =
            Invariant.of("PD-2", "switchTogether", DomainsInvariants::switchTogether);

    /** PD-3: a secure frame changes only by code of its own domain. */
    public static final Invariant<Transition<DomainsState, DomainsAction, DomainsObservation>>
            ROOT_CANNOT_MODIFY_SECURE =
                    Invariant.of("PD-3", "rootCannotModifySecure", DomainsInvariants::rootCannotModifySecure);

    /**
     * PD-4: domains change only by a jump to a registered gate, an exit or an interrupt; other
     * jumps into a secure region fault and change no vCPU.
     */
    public static final Invariant<Transition<DomainsState, DomainsAction, DomainsObservation>> GATES_ONLY =
            Invariant.of("PD-4", "gatesOnly", DomainsInvariants::gatesOnly);

    /**
     * PD-5: no device reaches a secure domain's frames: a device write changes no secure frame,
     * and one aimed at a page of a secure region is refused and reported.
     */
    public static final Invariant<Transition<DomainsState, DomainsAction, DomainsObservation>>
            NO_DEVICE_REACHES_SECURE_FRAME =
                    Invariant.of("PD-5", "noDeviceReachesSecureFrame", DomainsInvariants::noDeviceReachesSecureFrame);

    /**
     * PD-1 (two runs): the same action on two low-equivalent states gives equal root views and
     * low-equivalent states ({@link DomainsLowEquivalence}).
     */
    public static final Invariant<TransitionPair<DomainsState, DomainsAction, DomainsObservation>>
            ROOT_SEES_NOTHING_SECURE =
                    Invariant.of("PD-1", "rootSeesNothingSecure", DomainsInvariants::rootSeesNothingSecure);

    /** The domains mechanism's invariants: its {@code invs}. */
    public static final InvariantSet<DomainsState, DomainsAction, DomainsObservation> ALL = new InvariantSet<>(
            "domains",
            List.of(ISOLATION, POINTERS_MATCH_DOMAIN),
            List.of(SWITCH_TOGETHER, ROOT_CANNOT_MODIFY_SECURE, GATES_ONLY, NO_DEVICE_REACHES_SECURE_FRAME),
            List.of(ROOT_SEES_NOTHING_SECURE));

    private DomainsInvariants() {}

    private static Optional<String> noDeviceReachesSecureFrame(
            Transition<DomainsState, DomainsAction, DomainsObservation> t) {
        if (!(t.action() instanceof DomainsAction.DeviceWrite d)) {
            return Optional.empty();
        }
        for (Frame f : t.before().secureFrames()) {
            if (!Objects.equals(t.before().frames().get(f), t.after().frames().get(f))) {
                return Optional.of("a device write changed secure frame " + f);
            }
        }
        boolean refused = t.observations().stream()
                .anyMatch(o -> o instanceof DomainsObservation.Fault fault
                        && fault.kind() == DomainsObservation.FaultKind.DMA_REFUSED);
        boolean byRoot = d.vcpu() >= 0
                && d.vcpu() < t.before().vcpus().size()
                && t.before().vcpus().get(d.vcpu()).domain().isRoot();
        if (byRoot && t.before().secureOwnerOf(d.target()) != null && !refused) {
            return Optional.of("a device write to secure page " + d.target() + " was not refused and reported");
        }
        return Optional.empty();
    }

    private static Optional<String> isolation(DomainsState s) {
        for (int i = 0; i < s.vcpus().size(); i++) {
            DomainsVCpu c = s.vcpus().get(i);
            Set<Frame> reach = new HashSet<>(s.reach(c));
            if (c.domain().isRoot()) {
                reach.retainAll(s.secureFrames());
                if (!reach.isEmpty()) {
                    return Optional.of("root " + Notation.vcpu(i) + " reaches secure frames " + reach);
                }
            } else if (!s.domains().get(c.domain()).frames().containsAll(reach)) {
                return Optional.of("vCPU " + i + " in " + c.domain() + " reaches " + reach + " outside its frames");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> rootSeesNothingSecure(
            TransitionPair<DomainsState, DomainsAction, DomainsObservation> p) {
        RootView a = RootView.of(p.left());
        RootView b = RootView.of(p.right());
        if (!a.equals(b)) {
            return Optional.of("root told two secure contents apart: " + a.events() + " versus " + b.events());
        }
        if (!DomainsLowEquivalence.equivalent(p.left().after(), p.right().after())) {
            return Optional.of("views agree but the states are no longer low-equivalent");
        }
        return Optional.empty();
    }

    private static Optional<String> pointersMatchDomain(DomainsState s) {
        for (int i = 0; i < s.vcpus().size(); i++) {
            DomainsVCpu c = s.vcpus().get(i);
            boolean ok = c.nptOf().equals(c.domain())
                    && (c.domain().isRoot()
                            ? c.saved() == null
                            : c.ptRoot().equals(s.domains().get(c.domain()).gptRoot()) && c.saved() != null);
            if (!ok) {
                return Optional.of("vCPU " + i + ": " + c);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> switchTogether(Transition<DomainsState, DomainsAction, DomainsObservation> t) {
        DomainsState before = t.before();
        for (int i = 0; i < before.vcpus().size(); i++) {
            DomainsVCpu x = before.vcpus().get(i);
            DomainsVCpu y = t.after().vcpus().get(i);
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
                return Optional.of(
                        "vCPU " + i + " went from " + x + " to " + y + ": the pointers did not switch together");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> rootCannotModifySecure(
            Transition<DomainsState, DomainsAction, DomainsObservation> t) {
        DomainsState before = t.before();
        DomainsAction action = t.action();
        for (Domain d : before.domains().values()) {
            if (d.id().isRoot()) {
                continue;
            }
            for (Frame f : d.frames()) {
                if (!Objects.equals(before.frames().get(f), t.after().frames().get(f))) {
                    boolean byOwner = action.vcpu() >= 0
                            && action.vcpu() < before.vcpus().size()
                            && before.vcpus().get(action.vcpu()).domain().equals(d.id());
                    if (!byOwner) {
                        return Optional.of("frame " + f + " of " + d.id() + " changed by " + action);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> gatesOnly(Transition<DomainsState, DomainsAction, DomainsObservation> t) {
        DomainsState before = t.before();
        DomainsAction action = t.action();
        for (int i = 0; i < before.vcpus().size(); i++) {
            DomainsVCpu x = before.vcpus().get(i);
            DomainsVCpu y = t.after().vcpus().get(i);
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
                return Optional.of("vCPU " + i + " moved " + x.domain() + " -> " + y.domain() + " by " + action);
            }
        }
        if (action instanceof DomainsAction.Jump j
                && j.vcpu() >= 0
                && j.vcpu() < before.vcpus().size()
                && before.vcpus().get(j.vcpu()).domain().isRoot()) {
            Domain owner = before.secureOwnerOf(j.target());
            if (owner != null && !owner.gates().contains(j.target())) {
                boolean refused = before.vcpus().equals(t.after().vcpus())
                        && t.observations().stream().anyMatch(o -> o instanceof DomainsObservation.Fault);
                if (!refused) {
                    return Optional.of("jump to non-gate " + j.target() + " was not refused");
                }
            }
        }
        return Optional.empty();
    }
}
