package org.hvproof.model.integrity;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.RangeRequest;
import org.hvproof.model.tree.Writer;

/**
 * The pure step function of the integrity mechanism. Never throws; every refused call returns
 * the input state. Guards run in a fixed order, each commented: the caller's vCPU, its mode
 * (so a hostile caller learns nothing from argument checks), then decoding, then the state.
 */
public final class IntegrityModel {

    private IntegrityModel() {}

    /** One step of the correct model: the oracle. */
    public static IntegrityStep step(IntegrityState s, IntegrityAction action) {
        return step(s, action, IntegrityModelFlaw.NONE);
    }

    /** One step of the model with {@code flaw} ({@link IntegrityModelFlaw#NONE} for the correct one). */
    public static IntegrityStep step(IntegrityState s, IntegrityAction action, IntegrityModelFlaw flaw) {
        // The instruction is fetched first: in integrity mode, only the driver's code runs (GI-8).
        Optional<Writer> caller = caller(action);
        if (caller.isPresent() && flaw != IntegrityModelFlaw.FETCH_UNCHECKED && fetchFaults(s, caller.get())) {
            return faultOut(s, caller.get().vcpu());
        }
        if (action instanceof IntegrityAction.Register r) {
            return register(s, r);
        } else if (action instanceof IntegrityAction.Enter e) {
            return enter(s, e.caller(), flaw);
        } else if (action instanceof IntegrityAction.Exit e) {
            return exit(s, e.caller(), flaw);
        } else if (action instanceof IntegrityAction.Interrupt i) {
            return leave(s, i.vcpu());
        } else if (action instanceof IntegrityAction.Fault f) {
            return faultOut(s, f.vcpu());
        } else if (action instanceof IntegrityAction.Protect p) {
            return request(s, p.caller(), p.start(), p.length(), Optional.of(p.actionCode()), flaw);
        } else if (action instanceof IntegrityAction.Unprotect u) {
            return request(s, u.caller(), u.start(), u.length(), Optional.empty(), flaw);
        }
        return write(s, (IntegrityAction.GuestWrite) action);
    }

    private static IntegrityStep register(IntegrityState s, IntegrityAction.Register r) {
        // 1. a known vCPU
        if (!s.vcpus().containsKey(r.caller().vcpu())) {
            return result(s, IntegrityCode.UNKNOWN_VCPU);
        }
        // 2. once only: a second registration is an attack
        if (s.driver().isPresent()) {
            return new IntegrityStep(
                    s,
                    List.of(
                            new IntegrityObservation.PolicyAlert(IntegrityAlertCause.SECOND_REGISTRATION, r.caller()),
                            new IntegrityObservation.RequestResult(IntegrityCode.ALREADY_REGISTERED)));
        }
        // 3. decode both ranges
        long pages = s.config().guestPages();
        int max = s.config().maxPagesPerRequest();
        RangeRequest.Decoded code = RangeRequest.decodeUnprotect(r.codeStart(), r.codeLength(), pages, max);
        if (code.request().isEmpty()) {
            return result(s, IntegrityCode.of(code.code()));
        }
        RangeRequest.Decoded data = RangeRequest.decodeUnprotect(r.dataStart(), r.dataLength(), pages, max);
        if (data.request().isEmpty()) {
            return result(s, IntegrityCode.of(data.code()));
        }
        PageRange c = code.request().get().range();
        PageRange d = data.request().get().range();
        // 4. a sane layout: disjoint, entry point inside the code, nothing protected there yet
        if (c.overlaps(d)
                || r.entryPoint() < 0
                || !c.contains(r.entryPoint() >>> PageRange.PAGE_SHIFT)
                || s.protections().keySet().stream().anyMatch(p -> c.contains(p) || d.contains(p))) {
            return result(s, IntegrityCode.BAD_LAYOUT);
        }
        IntegrityState next = new IntegrityState(
                s.config(), Optional.of(new Driver(c, d, r.entryPoint())), s.vcpus(), s.protections());
        return result(next, IntegrityCode.OK);
    }

    private static IntegrityStep enter(IntegrityState s, Writer caller, IntegrityModelFlaw flaw) {
        VcpuState v = s.vcpus().get(caller.vcpu());
        // 1. a known vCPU
        if (v == null) {
            return result(s, IntegrityCode.UNKNOWN_VCPU);
        }
        // 2. already inside: nothing to do
        if (v.mode() == Mode.INTEGRITY) {
            return result(s, IntegrityCode.ALREADY_IN_INTEGRITY_MODE);
        }
        // 3. only from the registered entry point, the full address
        if (s.driver().isEmpty()) {
            return refusedWithAlert(s, IntegrityAlertCause.WRONG_ENTRY, caller, IntegrityCode.NOT_REGISTERED);
        }
        long entry = s.driver().get().entryPoint();
        boolean admitted = flaw == IntegrityModelFlaw.ENTRY_CHECKS_PAGE_ONLY
                ? (caller.instructionPointer() >>> PageRange.PAGE_SHIFT) == (entry >>> PageRange.PAGE_SHIFT)
                : caller.instructionPointer() == entry;
        if (!admitted) {
            return refusedWithAlert(s, IntegrityAlertCause.WRONG_ENTRY, caller, IntegrityCode.WRONG_ENTRY_POINT);
        }
        return result(s.withVcpu(caller.vcpu(), new VcpuState(Mode.INTEGRITY, View.INTEGRITY)), IntegrityCode.OK);
    }

    private static IntegrityStep exit(IntegrityState s, Writer caller, IntegrityModelFlaw flaw) {
        VcpuState v = s.vcpus().get(caller.vcpu());
        if (v == null) {
            return result(s, IntegrityCode.UNKNOWN_VCPU);
        }
        if (v.mode() != Mode.INTEGRITY) {
            return result(s, IntegrityCode.NOT_IN_INTEGRITY_MODE);
        }
        View view = flaw == IntegrityModelFlaw.EXIT_KEEPS_INTEGRITY_VIEW ? v.view() : View.PROTECTED;
        return result(s.withVcpu(caller.vcpu(), new VcpuState(Mode.NORMAL, view)), IntegrityCode.OK);
    }

    /** An interrupt: out of integrity mode, back on the protected view; no observation. */
    private static IntegrityStep leave(IntegrityState s, int vcpu) {
        VcpuState v = s.vcpus().get(vcpu);
        if (v == null || v.mode() != Mode.INTEGRITY) {
            return new IntegrityStep(s, List.of());
        }
        return new IntegrityStep(s.withVcpu(vcpu, VcpuState.NORMAL), List.of());
    }

    /**
     * A fault (an exception, a refused write, a fetch outside the driver's code): like an
     * interrupt, and in integrity mode with an alert (GI-8); outside it, nothing is seen.
     */
    private static IntegrityStep faultOut(IntegrityState s, int vcpu) {
        VcpuState v = s.vcpus().get(vcpu);
        if (v == null || v.mode() != Mode.INTEGRITY) {
            return new IntegrityStep(s, List.of());
        }
        return new IntegrityStep(
                s.withVcpu(vcpu, VcpuState.NORMAL), List.of(new IntegrityObservation.FaultAlert(vcpu)));
    }

    /** The vCPU, instruction pointer and privilege an action's instruction runs with, if it is an instruction. */
    public static Optional<Writer> caller(IntegrityAction action) {
        if (action instanceof IntegrityAction.Register r) {
            return Optional.of(r.caller());
        } else if (action instanceof IntegrityAction.Enter e) {
            return Optional.of(e.caller());
        } else if (action instanceof IntegrityAction.Exit e) {
            return Optional.of(e.caller());
        } else if (action instanceof IntegrityAction.Protect p) {
            return Optional.of(p.caller());
        } else if (action instanceof IntegrityAction.Unprotect u) {
            return Optional.of(u.caller());
        } else if (action instanceof IntegrityAction.GuestWrite w) {
            return Optional.of(w.writer());
        }
        return Optional.empty();
    }

    /**
     * Whether {@code caller}'s instruction fetch faults: it does on a vCPU in integrity mode unless
     * the instruction is the driver's ({@link Driver#runs}); outside integrity mode the fetch is
     * not modelled (the kernel's code is not).
     */
    public static boolean fetchFaults(IntegrityState s, Writer caller) {
        VcpuState v = s.vcpus().get(caller.vcpu());
        return v != null
                && v.mode() == Mode.INTEGRITY
                && !s.driver()
                        .map(d -> d.runs(caller.instructionPointer(), caller.privilege()))
                        .orElse(false);
    }

    private static IntegrityStep request(
            IntegrityState s,
            Writer caller,
            long start,
            long length,
            Optional<Long> actionCode,
            IntegrityModelFlaw flaw) {
        VcpuState v = s.vcpus().get(caller.vcpu());
        // 1. a known vCPU
        if (v == null) {
            return result(s, IntegrityCode.UNKNOWN_VCPU);
        }
        // 2. the mode check comes before any argument check
        if (v.mode() != Mode.INTEGRITY && flaw != IntegrityModelFlaw.REQUESTS_IGNORE_MODE) {
            return refusedWithAlert(
                    s, IntegrityAlertCause.REFUSED_REQUEST, caller, IntegrityCode.NOT_IN_INTEGRITY_MODE);
        }
        // 3. decode
        long pages = s.config().guestPages();
        int max = s.config().maxPagesPerRequest();
        RangeRequest.Decoded d = actionCode.isPresent()
                ? RangeRequest.decodeProtect(start, length, actionCode.get(), pages, max)
                : RangeRequest.decodeUnprotect(start, length, pages, max);
        if (d.request().isEmpty()) {
            return result(s, IntegrityCode.of(d.code()));
        }
        PageRange range = d.request().get().range();
        // 4. driver pages are protected by registration, not by request
        if (s.driver().map(dr -> dr.overlaps(range)).orElse(false)) {
            return result(s, IntegrityCode.DRIVER_PAGE);
        }
        SortedMap<Long, AlertAction> prot = new TreeMap<>(s.protections());
        if (actionCode.isPresent()) {
            // 5a. protect: no page protected already
            if (range.pages().anyMatch(prot::containsKey)) {
                return result(s, IntegrityCode.OVERLAPS);
            }
            AlertAction a = d.request().get().action().orElseThrow();
            range.pages().forEach(p -> prot.put(p, a));
        } else {
            // 5b. unprotect: every page protected
            if (!range.pages().allMatch(prot::containsKey)) {
                return result(s, IntegrityCode.NOT_PROTECTED);
            }
            range.pages().forEach(prot::remove);
        }
        return result(new IntegrityState(s.config(), s.driver(), s.vcpus(), prot), IntegrityCode.OK);
    }

    /**
     * A guest write: judged by the view the vCPU runs on. A write the hardware issues outside the
     * guarded memory (the guest OS's page-table pool, which it never maps as data, or beyond guest
     * RAM) faults, and a fault is an exception: it leaves integrity mode with an alert like {@link
     * IntegrityAction.Fault}.
     */
    private static IntegrityStep write(IntegrityState s, IntegrityAction.GuestWrite w) {
        VcpuState v = s.vcpus().get(w.writer().vcpu());
        if (v == null || w.address() < 0 || w.page() >= GuestPhysicalPage.LIMIT) {
            return new IntegrityStep(s, List.of());
        }
        if (w.page() >= s.config().guestPages()) {
            return faultOut(s, w.writer().vcpu());
        }
        // Judged by the view the vCPU runs on, as the nested page tables would.
        return new IntegrityStep(
                s,
                s.monitor(v.view(), w.page())
                        .<List<IntegrityObservation>>map(m -> List.of(
                                new IntegrityObservation.WriteAlert(w.page(), m.cause(), m.action(), w.writer())))
                        .orElse(List.of()));
    }

    private static IntegrityStep result(IntegrityState s, IntegrityCode code) {
        return new IntegrityStep(s, List.of(new IntegrityObservation.RequestResult(code)));
    }

    private static IntegrityStep refusedWithAlert(
            IntegrityState s, IntegrityAlertCause cause, Writer caller, IntegrityCode code) {
        return new IntegrityStep(
                s,
                List.of(
                        new IntegrityObservation.PolicyAlert(cause, caller),
                        new IntegrityObservation.RequestResult(code)));
    }
}
