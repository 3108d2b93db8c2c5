package org.hvproof.model.domains;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.domains.DomainsAction.DeviceWrite;
import org.hvproof.model.domains.DomainsAction.ExitGate;
import org.hvproof.model.domains.DomainsAction.Interrupt;
import org.hvproof.model.domains.DomainsAction.Jump;
import org.hvproof.model.domains.DomainsAction.LoadPtRoot;
import org.hvproof.model.domains.DomainsAction.Read;
import org.hvproof.model.domains.DomainsAction.SetRegister;
import org.hvproof.model.domains.DomainsAction.Write;
import org.hvproof.model.domains.DomainsObservation.Fault;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/** The pure transition function of the domains mechanism. Total: hostile input faults, never throws. */
public final class DomainsModel {

    private final Set<DomainsModelFlaw> flaws;

    private DomainsModel(Set<DomainsModelFlaw> flaws) {
        this.flaws = flaws.isEmpty() ? EnumSet.noneOf(DomainsModelFlaw.class) : EnumSet.copyOf(flaws);
    }

    /** The correct mechanism. */
    public static DomainsStep step(DomainsState before, DomainsAction action) {
        return new DomainsModel(Set.of()).apply(before, action);
    }

    /** A deliberately flawed mechanism; with an empty set the same as {@link #step(DomainsState, DomainsAction)}. */
    public static DomainsStep step(DomainsState before, DomainsAction action, Set<DomainsModelFlaw> flaws) {
        return new DomainsModel(flaws).apply(before, action);
    }

    /**
     * The setup a flawed hypervisor would have made: with SECURE_FRAME_LEFT_IN_ROOT_NPT the root
     * NPT also maps guest page 15 (outside every region) to the first data frame of the first
     * secure domain. Other flaws leave the setup alone.
     */
    public static DomainsState withFlaws(DomainsState s, Set<DomainsModelFlaw> flaws) {
        if (!flaws.contains(DomainsModelFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT)) {
            return s;
        }
        Domain secure = s.domains().get(new DomainId(1));
        Frame leaked = secure.npt()
                .get(
                        secure.gptRoot() == null
                                ? null
                                : new GuestPage(secure.gptRoot().n() + 2));
        Domain root = s.root();
        Map<GuestPage, Frame> npt = new HashMap<>(root.npt());
        npt.put(new GuestPage(15), leaked);
        return s.withDomain(new Domain(root.id(), root.region(), root.gptRoot(), npt, root.gates()));
    }

    private DomainsStep apply(DomainsState s, DomainsAction a) {
        // Guard 1: the vCPU exists.
        if (a.vcpu() < 0 || a.vcpu() >= s.vcpus().size()) {
            return DomainsStep.of(s, new Fault(a.vcpu(), DomainId.ROOT, FaultKind.NO_SUCH_VCPU));
        }
        int i = a.vcpu();
        DomainsVCpu c = s.vcpus().get(i);
        if (a instanceof Jump j) {
            return jump(s, i, c, j.target());
        } else if (a instanceof ExitGate) {
            return c.domain().isRoot()
                    ? DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_IN_SECURE_DOMAIN))
                    : leave(s, i, c, false);
        } else if (a instanceof Interrupt) {
            // In root code the interrupt simply goes to root's handler: nothing of ours changes.
            return c.domain().isRoot() ? DomainsStep.of(s) : leave(s, i, c, true);
        } else if (a instanceof LoadPtRoot l) {
            // Secure code keeps its page tables: the pointer is the hypervisor's to set (PD-2).
            if (!c.domain().isRoot()) {
                return DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_IN_ROOT_DOMAIN));
            }
            return DomainsStep.of(
                    s.withVcpu(i, new DomainsVCpu(c.domain(), l.ptRoot(), c.nptOf(), c.saved(), c.register())));
        } else if (a instanceof SetRegister r) {
            return DomainsStep.of(
                    s.withVcpu(i, new DomainsVCpu(c.domain(), c.ptRoot(), c.nptOf(), c.saved(), r.value())));
        } else if (a instanceof Read r) {
            Frame f = accessFrame(s, c, r.page());
            if (f == null) {
                return DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_MAPPED));
            }
            long value = s.frames().getOrDefault(f, FrameContent.EMPTY).value();
            return DomainsStep.of(
                    s.withVcpu(i, new DomainsVCpu(c.domain(), c.ptRoot(), c.nptOf(), c.saved(), value)),
                    new DomainsObservation.ReadValue(i, c.domain(), value));
        } else if (a instanceof Write w) {
            Frame target = accessFrame(s, c, w.page());
            if (target == null) {
                return DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_MAPPED));
            }
            GuestPage g = s.walkOf(c, w.page()).page();
            return DomainsStep.of(s.withFrame(
                    target,
                    new FrameContent(
                            written(w.entries(), g),
                            c.register(),
                            w.largeUpperEntry() ? Set.of(new VirtualPage(DomainsState.UPPER_SLOT)) : Set.of())));
        } else if (a instanceof DeviceWrite d) {
            return deviceWrite(s, i, c, d.target());
        }
        throw new IllegalArgumentException("unknown action " + a);
    }

    /**
     * The frame an access through {@code v} reaches: the walk's ({@link DomainsState#walk}), null
     * when it faults or {@code v} is no page an access may name ({@link DomainsState#ACCESS_PAGES}). Under LARGE_LEAF_CHECKS_FIRST_PAGE a walk that ends at a large leaf is
     * checked against the vCPU's NPT at the first page of the leaf's range only, and the page at
     * the access's offset is then looked up in the NPT of the domain whose region holds it.
     */
    private Frame accessFrame(DomainsState s, DomainsVCpu c, VirtualPage v) {
        if (v.n() < 0 || v.n() >= DomainsState.ACCESS_PAGES) {
            return null;
        }
        if (flaws.contains(DomainsModelFlaw.LARGE_LEAF_CHECKS_FIRST_PAGE)) {
            DomainsState.GuestWalk w = s.walkOf(c, v);
            if (w.page() != null && w.tables().size() < 4) {
                // three tables read: a 2 MiB leaf at level 2; two: a 1 GiB leaf, whose window sits at PD index 511
                long offset = w.tables().size() == 3 ? v.n() : (long) DomainsState.UPPER_SLOT * 512 + v.n();
                if (s.gpaToFrame(c, new GuestPage(w.page().n() - offset)) == null) {
                    return null;
                }
                return s.domains().values().stream()
                        .filter(d -> d.region().contains(w.page()))
                        .map(d -> d.npt().get(w.page()))
                        .findFirst()
                        .orElse(null);
            }
        }
        return s.walk(c, v);
    }

    /**
     * Root code transfers control to a guest-physical address. Inside a secure region the root
     * NPT has no mapping, so the hypervisor sees the transfer: at a registered gate it enters the
     * domain, switching the page-table pointer and the NPT pointer together and saving root's
     * pointer; anywhere else it faults and changes nothing. Outside every secure region it is an
     * ordinary jump the model does not track. Secure code may jump only within its own region.
     */
    private DomainsStep jump(DomainsState s, int i, DomainsVCpu c, GuestPage target) {
        Domain owner = s.secureOwnerOf(target);
        if (!c.domain().isRoot()) {
            boolean inOwnRegion = s.domains().get(c.domain()).region().contains(target);
            return inOwnRegion ? DomainsStep.of(s) : DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_MAPPED));
        }
        if (owner == null) {
            return DomainsStep.of(s);
        }
        if (!gateAccepts(owner, target)) {
            return DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_A_GATE));
        }
        DomainId npt = flaws.contains(DomainsModelFlaw.SWITCH_ONLY_GUEST_PT_ROOT) ? c.nptOf() : owner.id();
        DomainsVCpu entered = new DomainsVCpu(owner.id(), owner.gptRoot(), npt, c.ptRoot(), c.register());
        return DomainsStep.of(s.withVcpu(i, entered), new DomainsObservation.Entered(i, DomainId.ROOT, owner.id()));
    }

    /**
     * The entries a whole-page write leaves: those at window slots and at the upper-level slot 511
     * (other slots are never walked), to pages that exist; when the writer names no slot 511 it
     * fills it with the page's own guest page, so the page works as a table wherever it is loaded.
     */
    static Map<VirtualPage, GuestPage> written(Map<VirtualPage, GuestPage> entries, GuestPage self) {
        Map<VirtualPage, GuestPage> out = new HashMap<>();
        entries.forEach((v, g) -> {
            boolean slot = (v.n() >= 0 && v.n() < DomainsState.WINDOW_PAGES) || v.n() == DomainsState.UPPER_SLOT;
            if (slot && g.n() >= 0 && g.n() < GuestPhysicalPage.LIMIT) {
                out.put(v, g);
            }
        });
        out.putIfAbsent(new VirtualPage(DomainsState.UPPER_SLOT), self);
        return out;
    }

    private boolean gateAccepts(Domain d, GuestPage target) {
        if (d.gates().contains(target)) {
            return true;
        }
        return flaws.contains(DomainsModelFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS)
                && d.gates().contains(new GuestPage(target.n() - 1));
    }

    /**
     * Root code has the device write its register as {@code target}'s data word. The IOMMU maps
     * for the device exactly what the root's NPT maps, so the word lands in the root's frame of
     * {@code target}, page-table entries untouched; any other page (a secure region's among them)
     * is refused and reported. Secure code does not drive the root's device.
     */
    private static DomainsStep deviceWrite(DomainsState s, int i, DomainsVCpu c, GuestPage target) {
        if (!c.domain().isRoot()) {
            return DomainsStep.of(s, new Fault(i, c.domain(), FaultKind.NOT_IN_ROOT_DOMAIN));
        }
        Frame f = s.root().npt().get(target);
        if (f == null) {
            return DomainsStep.of(s, new Fault(i, DomainId.ROOT, FaultKind.DMA_REFUSED));
        }
        FrameContent old = s.frames().getOrDefault(f, FrameContent.EMPTY);
        return DomainsStep.of(s.withFrame(f, new FrameContent(old.entries(), c.register(), old.large())));
    }

    /** Exit gate or interrupt in secure code: clear the register, switch both pointers back. */
    private DomainsStep leave(DomainsState s, int i, DomainsVCpu c, boolean byInterrupt) {
        long register = flaws.contains(DomainsModelFlaw.LEAVE_WITHOUT_CLEARING_REGISTER) ? c.register() : 0;
        DomainId npt = flaws.contains(DomainsModelFlaw.SWITCH_ONLY_GUEST_PT_ROOT) ? c.nptOf() : DomainId.ROOT;
        GuestPage back = c.saved() == null ? s.root().gptRoot() : c.saved();
        DomainsVCpu root = new DomainsVCpu(DomainId.ROOT, back, npt, null, register);
        return DomainsStep.of(
                s.withVcpu(i, root), new DomainsObservation.Returned(i, c.domain(), byInterrupt, register));
    }
}
