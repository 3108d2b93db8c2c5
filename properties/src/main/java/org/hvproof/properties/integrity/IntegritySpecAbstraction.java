package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Transition;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityModel;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.integrity.VcpuState;
import org.hvproof.model.integrity.View;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.RangeRequest;
import org.hvproof.model.tree.Writer;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;

/**
 * The abstraction from a run of the Java integrity model to a trace of {@code integrity.als}: one
 * formula per spec state, one pinned operation per spec step, over the spec's own names.
 *
 * <p><b>Atoms.</b> Every guest page the run names (driver code and data, protections, written pages
 * inside guest memory, pages of requests the spec must judge) is a distinct {@code Page} atom
 * {@code gp<n>}; every vCPU of the model a distinct {@code Vcpu} atom {@code vcpu<n>}, and the
 * spec's {@code Vcpu} is exactly them. Addresses are not atoms of the run: the entry point is
 * {@code Hv.entry}, pinned to its page, and a call from elsewhere is an existential address other
 * than it, on the entry's page or not as the caller's instruction pointer is; offsets collapse to
 * "the entry's offset or another one".
 *
 * <p><b>States.</b> Each vCPU's mode and view; {@code Hv.code}, {@code Hv.data} and {@code Hv.prot}
 * exactly the model's driver ranges and protections page by page; {@code Hv.entry} present exactly
 * when a driver is registered, on its entry point's page; {@code Last} from the observations of the
 * step that led to the state: an alert's actor, cause, page and action, and {@code Last.ok} the
 * caller of a protect or unprotect request answered {@code OK}. The first state also pins the correct
 * hypervisor ({@code no Hv.flaw}), so no flaw of the spec can explain a flawed model.
 *
 * <p><b>Steps.</b> Each action is pinned to the operation the spec must take for it, chosen from the
 * action and the state before it: register, enter, exit, interrupt, fault, protect, unprotect and
 * guestWrite as their records say, where the spec's guard holds, else {@code stutter}. The spec
 * leaves raw arguments out, so what it cannot judge is decoded as the model decodes it: a first
 * registration is {@code register} when the model accepted its layout (the next state's pins then
 * check the layout the spec allows: code and data disjoint and non-empty, the entry in the code) and
 * a stutter when it refused it; a request from integrity mode whose arguments do not decode
 * ({@link RangeRequest}) and a write outside guest memory are stutters. What the spec collapses: a
 * request names one page there, so a decoded range request of k pages becomes k one-page steps (the
 * k - 1 states between them are the spec's, each with the page's protection added or removed and
 * {@code Last.ok}), and a range the spec's guards refuse (a driver page in it, or a page already
 * protected, or for unprotect one not protected) becomes the one-page request of the first page that
 * refuses it. A request from normal mode is refused before its arguments are read, so it is a
 * request of some page.
 *
 * <p>An action whose instruction fetch faults in integrity mode (its caller is not the driver's code,
 * or runs in user mode) is the spec's {@code fetch} from an address on the instruction pointer's
 * page (or, outside guest memory, on a page the integrity view does not execute), whatever the
 * instruction would have done: the fault comes first.
 *
 * <p><b>Outside the spec.</b> A second registration from a vCPU in integrity mode: the model
 * alerts it like any second registration, the spec's {@code register} requires normal mode, so no
 * spec step explains it; {@link #of} refuses such a run and the conformance generator does not draw it.
 */
public final class IntegritySpecAbstraction {

    /** The spec's file. */
    static final String SPEC = "integrity.als";

    /** The spec's default scope per signature; the run's pages raise {@code Page} above it. */
    static final int SCOPE = 3;

    private IntegritySpecAbstraction() {}

    /** The run as a trace of {@code integrity.als}. */
    public static SpecTrace of(ModelRun<IntegrityState, IntegrityAction, IntegrityObservation> run) {
        Atoms atoms = new Atoms();
        run.initial().vcpus().keySet().forEach(atoms::vcpu);
        SpecTrace.Builder b = new SpecTrace.Builder("Vcpu = " + String.join(" + ", atoms.vcpus) + " and no Hv.flaw and "
                + state(run.initial(), List.of(), Optional.empty(), atoms));
        for (int i = 0; i < run.steps().size(); i++) {
            steps(run.steps().get(i), i + 1, b, atoms);
        }
        Map<String, Integer> scopes = new LinkedHashMap<>();
        // A fetch from outside guest memory needs a page no atom of the run names.
        int pages = atoms.pages.size() + (atoms.fetchOutside ? 1 : 0);
        if (pages > SCOPE) {
            scopes.put("Page", pages);
        }
        // Addresses: the entry point, a wrong one on its page and one elsewhere, and one per
        // page a faulting fetch came from (and one outside guest memory).
        int addresses = 3 + atoms.fetchPages.size() + (atoms.fetchOutside ? 1 : 0);
        if (addresses > SCOPE) {
            scopes.put("Address", addresses);
        }
        return b.build(atoms.declarations(), scopes);
    }

    /** The spec steps of one model step, appended to {@code b}. */
    static void steps(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t,
            int index,
            SpecTrace.Builder b,
            Atoms atoms) {
        IntegrityState s = t.before();
        IntegrityAction action = t.action();
        String after = state(t.after(), t.observations(), okCaller(t), atoms);
        Optional<Writer> caller = IntegrityModel.caller(action);
        if (caller.isPresent() && IntegrityModel.fetchFaults(s, caller.get())) {
            b.step(fetch(s, caller.get(), atoms), after, index);
            return;
        }
        if (action instanceof IntegrityAction.Register r) {
            Optional<VcpuState> v = vcpu(s, r.caller().vcpu());
            if (v.isEmpty()) {
                b.step("stutter", after, index);
            } else if (s.driver().isPresent()) {
                if (v.get().mode() != Mode.NORMAL) {
                    throw new IllegalArgumentException("outside the spec: " + r + " is a second registration from"
                            + " integrity mode; integrity.als registers only from normal mode");
                }
                b.step("some e: Address | register[" + atoms.vcpu(r.caller().vcpu()) + ", e]", after, index);
            } else {
                boolean accepted = t.observations().contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
                b.step(
                        accepted
                                ? "some e: Address | register["
                                        + atoms.vcpu(r.caller().vcpu()) + ", e]"
                                : "stutter",
                        after,
                        index);
            }
        } else if (action instanceof IntegrityAction.Enter e) {
            b.step(enter(s, e, atoms), after, index);
        } else if (action instanceof IntegrityAction.Exit e) {
            b.step(leave(s, e.caller().vcpu(), "exit", atoms), after, index);
        } else if (action instanceof IntegrityAction.Interrupt e) {
            b.step(leave(s, e.vcpu(), "interrupt", atoms), after, index);
        } else if (action instanceof IntegrityAction.Fault e) {
            b.step(leave(s, e.vcpu(), "fault", atoms), after, index);
        } else if (action instanceof IntegrityAction.Protect p) {
            request(
                    t,
                    p.caller().vcpu(),
                    RangeRequest.decodeProtect(
                            p.start(),
                            p.length(),
                            p.actionCode(),
                            s.config().guestPages(),
                            s.config().maxPagesPerRequest()),
                    index,
                    b,
                    atoms);
        } else if (action instanceof IntegrityAction.Unprotect u) {
            request(
                    t,
                    u.caller().vcpu(),
                    RangeRequest.decodeUnprotect(
                            u.start(),
                            u.length(),
                            s.config().guestPages(),
                            s.config().maxPagesPerRequest()),
                    index,
                    b,
                    atoms);
        } else {
            IntegrityAction.GuestWrite w = (IntegrityAction.GuestWrite) action;
            boolean inMemory = w.address() >= 0 && w.page() < s.config().guestPages();
            if (!inMemory && w.address() >= 0 && w.page() < GuestPhysicalPage.LIMIT) {
                // A write outside the guarded memory faults: the spec's fault.
                b.step(leave(s, w.writer().vcpu(), "fault", atoms), after, index);
                return;
            }
            b.step(
                    inMemory && vcpu(s, w.writer().vcpu()).isPresent()
                            ? "guestWrite[" + atoms.vcpu(w.writer().vcpu()) + ", " + atoms.page(w.page()) + "]"
                            : "stutter",
                    after,
                    index);
        }
    }

    /**
     * The faulting fetch of an instruction in integrity mode: in user mode from some address; in
     * kernel mode from an address on the instruction pointer's page when that is guest memory, else
     * from an address on a page the integrity view does not execute (a page atom of its own).
     */
    private static String fetch(IntegrityState s, Writer caller, Atoms atoms) {
        String vcpu = atoms.vcpu(caller.vcpu());
        if (caller.privilege() != 0) {
            return "some a: Address | fetch[" + vcpu + ", a, User]";
        }
        long ip = caller.instructionPointer();
        long page = ip >>> PageRange.PAGE_SHIFT;
        if (ip >= 0 && page < s.config().guestPages()) {
            atoms.fetchPages.add(page);
            return "some a: Address | a.page = " + atoms.page(page) + " and fetch[" + vcpu + ", a, Kernel]";
        }
        atoms.fetchOutside = true;
        return "some a: Address | a.page not in Hv.exec and fetch[" + vcpu + ", a, Kernel]";
    }

    /** A call into integrity mode: from the entry point, from elsewhere on its page, or from another page. */
    private static String enter(IntegrityState s, IntegrityAction.Enter e, Atoms atoms) {
        Optional<VcpuState> v = vcpu(s, e.caller().vcpu());
        if (v.isEmpty() || v.get().mode() != Mode.NORMAL) {
            return "stutter";
        }
        String vcpu = atoms.vcpu(e.caller().vcpu());
        if (s.driver().isEmpty()) {
            return "some a: Address | enter[" + vcpu + ", a]";
        }
        long ip = e.caller().instructionPointer();
        long entry = s.driver().get().entryPoint();
        if (ip == entry) {
            return "enter[" + vcpu + ", Hv.entry]";
        }
        boolean samePage = ip >>> PageRange.PAGE_SHIFT == entry >>> PageRange.PAGE_SHIFT;
        return "some a: Address - Hv.entry | a.page " + (samePage ? "=" : "!=") + " Hv.entry.page and enter[" + vcpu
                + ", a]";
    }

    /** Exit, interrupt or fault: the spec's operation in integrity mode, a stutter in normal mode. */
    private static String leave(IntegrityState s, int vcpu, String operation, Atoms atoms) {
        return vcpu(s, vcpu).filter(v -> v.mode() == Mode.INTEGRITY).isPresent()
                ? operation + "[" + atoms.vcpu(vcpu) + "]"
                : "stutter";
    }

    /** A protect or unprotect request: see the class comment for how ranges become one-page steps. */
    private static void request(
            Transition<IntegrityState, IntegrityAction, IntegrityObservation> t,
            int vcpu,
            RangeRequest.Decoded decoded,
            int index,
            SpecTrace.Builder b,
            Atoms atoms) {
        IntegrityState s = t.before();
        boolean protect = t.action() instanceof IntegrityAction.Protect;
        String after = state(t.after(), t.observations(), okCaller(t), atoms);
        Optional<VcpuState> v = vcpu(s, vcpu);
        if (v.isEmpty()) {
            b.step("stutter", after, index);
            return;
        }
        String who = atoms.vcpu(vcpu);
        if (v.get().mode() != Mode.INTEGRITY) {
            b.step(
                    protect
                            ? "some p: Page, a: AlertAction | protect[" + who + ", p, a]"
                            : "some p: Page | unprotect[" + who + ", p]",
                    after,
                    index);
            return;
        }
        if (decoded.request().isEmpty()) {
            b.step("stutter", after, index);
            return;
        }
        RangeRequest r = decoded.request().get();
        String action = r.action().map(IntegritySpecAbstraction::action).orElse("");
        List<Long> pages = r.range().pages().boxed().toList();
        Optional<Driver> driver = s.driver();
        Optional<Long> refusing = pages.stream()
                .filter(p -> driver.map(d -> d.owns(p)).orElse(false))
                .findFirst()
                .or(() -> pages.stream()
                        .filter(p -> protect == s.protections().containsKey(p))
                        .findFirst());
        if (refusing.isPresent()) {
            b.step(operation(protect, who, atoms.page(refusing.get()), action), after, index);
            return;
        }
        // one spec step per page; the states between them are the spec's
        Map<Long, AlertAction> prot = new java.util.TreeMap<>(s.protections());
        for (int k = 0; k < pages.size(); k++) {
            long p = pages.get(k);
            String op = operation(protect, who, atoms.page(p), action);
            if (k == pages.size() - 1) {
                b.step(op, after, index);
            } else {
                if (protect) {
                    prot.put(p, r.action().orElseThrow());
                } else {
                    prot.remove(p);
                }
                IntegrityState between =
                        new IntegrityState(s.config(), s.driver(), s.vcpus(), new java.util.TreeMap<>(prot));
                b.step(op, state(between, List.of(), Optional.of(vcpu), atoms), index);
            }
        }
    }

    private static String operation(boolean protect, String vcpu, String page, String action) {
        return protect
                ? "protect[" + vcpu + ", " + page + ", " + action + "]"
                : "unprotect[" + vcpu + ", " + page + "]";
    }

    /** The caller of a protect or unprotect request the model answered OK (the spec's {@code Last.ok}). */
    private static Optional<Integer> okCaller(Transition<IntegrityState, IntegrityAction, IntegrityObservation> t) {
        boolean ok = t.observations().contains(new IntegrityObservation.RequestResult(IntegrityCode.OK));
        if (ok && t.action() instanceof IntegrityAction.Protect p) {
            return Optional.of(p.caller().vcpu());
        }
        if (ok && t.action() instanceof IntegrityAction.Unprotect u) {
            return Optional.of(u.caller().vcpu());
        }
        return Optional.empty();
    }

    /** One state: vCPUs, registration, protections, and what the step into it showed. */
    static String state(IntegrityState s, List<IntegrityObservation> observed, Optional<Integer> ok, Atoms atoms) {
        List<String> f = new ArrayList<>();
        s.vcpus().forEach((id, v) -> {
            String a = atoms.vcpu(id);
            f.add(a + ".mode = " + (v.mode() == Mode.INTEGRITY ? "Integrity" : "Normal"));
            f.add(a + ".view = " + (v.view() == View.INTEGRITY ? "IntegrityView" : "ProtectedView"));
        });
        Optional<Driver> d = s.driver();
        f.add(set("Hv.code", d.map(x -> x.code().pages().boxed().toList()).orElse(List.of()), atoms));
        f.add(set("Hv.data", d.map(x -> x.data().pages().boxed().toList()).orElse(List.of()), atoms));
        f.add(d.map(x -> "one Hv.entry and Hv.entry.page = " + atoms.page(x.entryPoint() >>> PageRange.PAGE_SHIFT))
                .orElse("no Hv.entry"));
        f.add(
                s.protections().isEmpty()
                        ? "no Hv.prot"
                        : "Hv.prot = "
                                + s.protections().entrySet().stream()
                                        .map(e -> atoms.page(e.getKey()) + " -> " + action(e.getValue()))
                                        .collect(Collectors.joining(" + ")));
        f.add(last(observed, atoms));
        f.add(ok.map(v -> "Last.ok = " + atoms.vcpu(v)).orElse("no Last.ok"));
        return String.join(" and ", f);
    }

    private static String set(String field, List<Long> pages, Atoms atoms) {
        return pages.isEmpty()
                ? "no " + field
                : field + " = " + pages.stream().map(atoms::page).collect(Collectors.joining(" + "));
    }

    /** {@code Last}'s alert fields: from the step's one alert, or none. */
    private static String last(List<IntegrityObservation> observed, Atoms atoms) {
        for (IntegrityObservation o : observed) {
            if (o instanceof IntegrityObservation.WriteAlert w) {
                return "Last.actor = " + atoms.vcpu(w.writer().vcpu()) + " and Last.cause = " + cause(w.cause())
                        + " and Last.alertPage = " + atoms.page(w.page()) + " and Last.alertAction = "
                        + action(w.action());
            }
            if (o instanceof IntegrityObservation.PolicyAlert p) {
                return "Last.actor = " + atoms.vcpu(p.caller().vcpu()) + " and Last.cause = " + cause(p.cause())
                        + " and no Last.alertPage and no Last.alertAction";
            }
            if (o instanceof IntegrityObservation.FaultAlert f) {
                return "Last.actor = " + atoms.vcpu(f.vcpu()) + " and Last.cause = "
                        + cause(IntegrityAlertCause.FAULT_IN_INTEGRITY_MODE)
                        + " and no Last.alertPage and no Last.alertAction";
            }
        }
        return "no Last.cause and no Last.alertPage and no Last.alertAction";
    }

    static String cause(IntegrityAlertCause c) {
        return switch (c) {
            case DRIVER_PAGE -> "DriverPage";
            case PROTECTED_PAGE -> "ProtectedPage";
            case WRONG_ENTRY -> "WrongEntry";
            case REFUSED_REQUEST -> "RefusedRequest";
            case SECOND_REGISTRATION -> "SecondRegistration";
            case FAULT_IN_INTEGRITY_MODE -> "FaultInIntegrityMode";
        };
    }

    static String action(AlertAction a) {
        return switch (a) {
            case RECORD_AND_ALLOW -> "RecordAndAllow";
            case BLOCK -> "Block";
            case TREE_NODE -> throw new IllegalArgumentException("outside the spec: the tree-node action");
        };
    }

    private static Optional<VcpuState> vcpu(IntegrityState s, int id) {
        return Optional.ofNullable(s.vcpus().get(id));
    }

    /** The atoms a run names, each declared once. */
    static final class Atoms {
        private final Set<Long> pageNumbers = new TreeSet<>();
        final Set<String> pages = new TreeSet<>();
        final Set<String> vcpus = new TreeSet<>();
        /** Guest pages a faulting fetch came from. */
        final Set<Long> fetchPages = new TreeSet<>();
        /** Whether a faulting fetch came from outside guest memory. */
        boolean fetchOutside;

        String page(long p) {
            pageNumbers.add(p);
            String atom = "gp" + p;
            pages.add(atom);
            return atom;
        }

        String vcpu(int v) {
            String atom = "vcpu" + v;
            vcpus.add(atom);
            return atom;
        }

        /** {@code disj gp3, gp4: Page, disj vcpu0, vcpu1: Vcpu}. */
        String declarations() {
            List<String> decls = new ArrayList<>();
            SpecTrace.declare(decls, pages, "Page");
            SpecTrace.declare(decls, vcpus, "Vcpu");
            return String.join(", ", decls);
        }
    }
}
