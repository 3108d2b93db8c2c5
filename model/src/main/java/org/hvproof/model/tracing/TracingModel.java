package org.hvproof.model.tracing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.DmaCompleted;
import org.hvproof.model.common.DmaRefused;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GeneralProtection;
import org.hvproof.model.common.GeneralProtectionCause;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualAddresses;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;

/**
 * The tracing service's operations as one pure function. Every refused action returns the
 * input state unchanged with a single observation saying why; guards are checked in a fixed,
 * commented order, the same order the machine checks them in.
 */
public final class TracingModel {
    /** Longest access one step may make: one page, so it touches at most two pages. */
    public static final int MAX_ACCESS_LENGTH = GuestPhysicalPage.SIZE;

    /** The PCI requester id (01:00.0) of the one DMA-capable device the guest is given. */
    public static final int DEVICE = 0x0100;

    /** Bus addresses the device's I/O page table translates: 48 bits, as the IOMMU's tables. */
    public static final long BUS_ADDRESS_LIMIT = 1L << 48;

    /**
     * The micro-steps a trace request runs after its start ({@link StartTrace}), one per {@link
     * ContinueTrace}: write the 4 KiB table that replaces a large nested mapping over the page, set
     * the pointer to it, clear the write bit, shoot down every vCPU's cached translations; the last
     * one publishes the trace. The model counts them and publishes at the last; what each does is
     * the machine's business (a page under no large mapping has nothing to split, and its split
     * steps change nothing).
     */
    public static final int ADD_TRACE_MICRO_STEPS = 4;

    /**
     * The micro-steps a trace removal runs after its start ({@link StartRemoveTrace}), one per
     * {@link ContinueTrace}: give devices back the write right (I/O page table, then IOTLB), then
     * set the page's write bit in the nested table again. The start itself drops the owner from
     * the record, before any right widens: widening first would let a write land unnotified on a
     * page the record still calls traced. Devices go first so that a device's page request never
     * finds the nested bit set while its I/O entry is still read-only. Widening needs no shootdown
     * (a stale read-only translation only exits, and the write is completed silently).
     */
    public static final int REMOVE_TRACE_MICRO_STEPS = 2;

    private TracingModel() {}

    /**
     * The next state and observations after {@code action} in {@code before}. While a trace request
     * is pending, other requests are refused ({@code BUSY}: the hypervisor runs one at a time) and
     * every other action leaves it pending.
     */
    public static TracingStep step(TracingState before, TracingAction action) {
        if (action instanceof StartTrace a) {
            return startTrace(before, a);
        } else if (action instanceof StartRemoveTrace a) {
            return startRemoveTrace(before, a);
        } else if (action instanceof ContinueTrace) {
            return continueTrace(before);
        }
        if (before.pending().isEmpty()) {
            return atomicStep(before, action);
        }
        if (action instanceof AddTrace || action instanceof RemoveTrace) {
            return refuse(before, ErrorCode.BUSY);
        }
        TracingStep step = atomicStep(before, action);
        return new TracingStep(step.next().withPending(before.pending()), step.observations());
    }

    /**
     * {@code startTrace}: the checks of {@link #addTrace} after the one-request-at-a-time check;
     * then the request is pending, with {@link #ADD_TRACE_MICRO_STEPS} to go, and nothing is traced yet.
     */
    public static TracingStep startTrace(TracingState s, StartTrace a) {
        // 1. one request at a time
        if (s.pending().isPresent()) {
            return refuse(s, ErrorCode.BUSY);
        }
        // 2. only guest RAM can be traced
        if (!s.shape().isRam(a.page())) {
            return refuse(s, ErrorCode.OUT_OF_RANGE);
        }
        return new TracingStep(
                s.withPending(Optional.of(new PendingTrace(a.owner(), a.page(), ADD_TRACE_MICRO_STEPS))), List.of());
    }

    /**
     * {@code startRemoveTrace}: the checks of {@link #removeTrace} after the one-request-at-a-time
     * check; then the owner leaves the page's owners at once, exactly as in {@link #removeTrace},
     * and the request is pending with {@link #REMOVE_TRACE_MICRO_STEPS} to go.
     */
    public static TracingStep startRemoveTrace(TracingState s, StartRemoveTrace a) {
        // 1. one request at a time
        if (s.pending().isPresent()) {
            return refuse(s, ErrorCode.BUSY);
        }
        TracingStep removed = removeTrace(s, new RemoveTrace(a.owner(), a.page()));
        if (!removed.observations().isEmpty()) {
            return removed;
        }
        return new TracingStep(
                removed.next()
                        .withPending(
                                Optional.of(new PendingTrace(a.owner(), a.page(), REMOVE_TRACE_MICRO_STEPS, true))),
                List.of());
    }

    /**
     * {@code continueTrace}: the pending request's next micro-step; the last one of an addition
     * adds the trace exactly as {@link #addTrace} does (the whole request takes effect there, where
     * the machine publishes it), that of a removal ends it (the owner left at the start). Nothing
     * pending: nothing changes, nothing is seen.
     */
    public static TracingStep continueTrace(TracingState s) {
        if (s.pending().isEmpty()) {
            return stutter(s);
        }
        PendingTrace p = s.pending().get();
        if (p.microStepsLeft() > 1) {
            return new TracingStep(s.withPending(Optional.of(p.next())), List.of());
        }
        if (p.removing()) {
            return new TracingStep(s.withPending(Optional.empty()), List.of());
        }
        return addTrace(s.withPending(Optional.empty()), new AddTrace(p.owner(), p.page()));
    }

    /** {@link #step} for every action but the interleaved request's, with no request pending. */
    private static TracingStep atomicStep(TracingState before, TracingAction action) {
        if (action instanceof MapPage a) {
            return mapPage(before, a);
        } else if (action instanceof UnmapPage a) {
            return unmapPage(before, a);
        } else if (action instanceof AddTrace a) {
            return addTrace(before, a);
        } else if (action instanceof RemoveTrace a) {
            return removeTrace(before, a);
        } else if (action instanceof GuestWrite a) {
            return write(before, a);
        } else if (action instanceof GuestRead a) {
            return read(before, a);
        } else if (action instanceof GuestExecute a) {
            return execute(before, a);
        } else if (action instanceof SetPrivilege a) {
            return setPrivilege(before, a);
        } else if (action instanceof DeviceWrite a) {
            return deviceWrite(before, a);
        } else if (action instanceof Stutter) {
            return stutter(before);
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    /** Nothing changes, nothing is seen. */
    public static TracingStep stutter(TracingState s) {
        return new TracingStep(s, List.of());
    }

    /** Installs a mapping in the vCPU's address space, replacing any earlier one for that page. */
    public static TracingStep mapPage(TracingState s, MapPage a) {
        // 1. the vCPU must exist
        if (!s.shape().hasVcpu(a.vcpu())) {
            return refuse(s, ErrorCode.NO_SUCH_VCPU);
        }
        // 2. the address must be canonical
        if (!GuestVirtualAddresses.isCanonical(a.va())) {
            return refuse(s, ErrorCode.INVALID_ARGUMENT);
        }
        // 3. page-table pages are never mapped as data: the guest cannot edit its own tables
        if (s.shape().isPageTablePool(a.page())) {
            return refuse(s, ErrorCode.RESERVED_PAGE);
        }
        Map<GuestVirtualPage, Mapping> space = TracingState.Frozen.with(
                s.mappings().get(a.vcpu()),
                GuestVirtualPage.containing(a.va()),
                new Mapping(a.page(), a.permissions()));
        return new TracingStep(withSpace(s, a.vcpu(), space), List.of());
    }

    /** Removes the vCPU's mapping of the page holding {@code va}; unmapping nothing is not an error. */
    public static TracingStep unmapPage(TracingState s, UnmapPage a) {
        // 1. the vCPU must exist
        if (!s.shape().hasVcpu(a.vcpu())) {
            return refuse(s, ErrorCode.NO_SUCH_VCPU);
        }
        // 2. the address must be canonical
        if (!GuestVirtualAddresses.isCanonical(a.va())) {
            return refuse(s, ErrorCode.INVALID_ARGUMENT);
        }
        Map<GuestVirtualPage, Mapping> space =
                TracingState.Frozen.without(s.mappings().get(a.vcpu()), GuestVirtualPage.containing(a.va()));
        return new TracingStep(withSpace(s, a.vcpu(), space), List.of());
    }

    /** {@code addTrace}: the owner joins the page's owners; adding twice changes nothing. */
    public static TracingStep addTrace(TracingState s, AddTrace a) {
        // 1. only guest RAM can be traced
        if (!s.shape().isRam(a.page())) {
            return refuse(s, ErrorCode.OUT_OF_RANGE);
        }
        Map<GuestPhysicalPage, Set<Owner>> traces = new HashMap<>(s.traces());
        Set<Owner> owners = new HashSet<>(s.ownersOf(a.page()));
        owners.add(a.owner());
        traces.put(a.page(), owners);
        return new TracingStep(
                new TracingState(s.shape(), s.mappings(), traces, s.memory(), s.privileges()), List.of());
    }

    /** {@code removeTrace}: the owner leaves; the page stays traced while any owner remains. */
    public static TracingStep removeTrace(TracingState s, RemoveTrace a) {
        // 1. only the owner of a trace can remove it
        if (!s.ownersOf(a.page()).contains(a.owner())) {
            return refuse(s, ErrorCode.NOT_OWNER);
        }
        Map<GuestPhysicalPage, Set<Owner>> traces = new HashMap<>(s.traces());
        Set<Owner> owners = new HashSet<>(s.ownersOf(a.page()));
        owners.remove(a.owner());
        if (owners.isEmpty()) {
            traces.remove(a.page());
        } else {
            traces.put(a.page(), owners);
        }
        return new TracingStep(
                new TracingState(s.shape(), s.mappings(), traces, s.memory(), s.privileges()), List.of());
    }

    /**
     * {@code write}: all touched pages are checked first; on any fault nothing is written and
     * only the fault is seen. Otherwise one notification per traced page touched, in address
     * order, then the write completes.
     */
    public static TracingStep write(TracingState s, GuestWrite a) {
        Translation checked = translate(s, a.vcpu(), a.va(), a.bytes().length(), AccessKind.WRITE);
        if (checked instanceof Denied d) {
            return new TracingStep(s, List.of(d.fault()));
        }
        List<Observation> seen = new ArrayList<>();
        Map<GuestPhysicalPage, Bytes> memory = s.memory();
        for (Target t : ((Allowed) checked).targets()) {
            if (s.isTraced(t.page())) {
                seen.add(new Notification(
                        a.vcpu(), t.page(), t.piece().pageOffset(), t.piece().length()));
            }
            // Read the page as this write has left it so far: both pieces of a crossing write may
            // land on one guest-physical page when two virtual pages alias it.
            Bytes current = memory.getOrDefault(t.page(), Bytes.zeros(GuestPhysicalPage.SIZE));
            Bytes updated = current.overwrite(
                    t.piece().pageOffset(),
                    a.bytes().slice(t.piece().accessOffset(), t.piece().length()));
            memory = updated.isAllZero()
                    ? TracingState.Frozen.without(memory, t.page())
                    : TracingState.Frozen.with(memory, t.page(), updated);
        }
        seen.add(new Completed(a.vcpu(), AccessKind.WRITE, a.va(), a.bytes().length()));
        return new TracingStep(new TracingState(s.shape(), s.mappings(), s.traces(), memory, s.privileges()), seen);
    }

    /** {@code read}: all touched pages are checked first; traces do not affect reads. */
    public static TracingStep read(TracingState s, GuestRead a) {
        Translation checked = translate(s, a.vcpu(), a.va(), a.length(), AccessKind.READ);
        if (checked instanceof Denied d) {
            return new TracingStep(s, List.of(d.fault()));
        }
        byte[] value = new byte[a.length()];
        for (Target t : ((Allowed) checked).targets()) {
            Bytes part = s.contentsOf(t.page())
                    .slice(t.piece().pageOffset(), t.piece().length());
            System.arraycopy(
                    part.toArray(),
                    0,
                    value,
                    t.piece().accessOffset(),
                    t.piece().length());
        }
        return new TracingStep(s, List.of(new ValueRead(a.vcpu(), a.va(), Bytes.of(value))));
    }

    /** An instruction fetch of one byte at {@code va}: only its permission check. */
    public static TracingStep execute(TracingState s, GuestExecute a) {
        Translation checked = translate(s, a.vcpu(), a.va(), 1, AccessKind.EXECUTE);
        if (checked instanceof Denied d) {
            return new TracingStep(s, List.of(d.fault()));
        }
        return new TracingStep(s, List.of(new Completed(a.vcpu(), AccessKind.EXECUTE, a.va(), 1)));
    }

    /** The vCPU's privilege becomes {@code a.privilege()}. */
    public static TracingStep setPrivilege(TracingState s, SetPrivilege a) {
        // 1. the vCPU must exist
        if (!s.shape().hasVcpu(a.vcpu())) {
            return refuse(s, ErrorCode.NO_SUCH_VCPU);
        }
        Map<VCpu, Privilege> privileges = TracingState.Frozen.with(s.privileges(), a.vcpu(), a.privilege());
        return new TracingStep(
                new TracingState(s.shape(), s.mappings(), s.traces(), s.memory(), privileges), List.of());
    }

    /**
     * A device's DMA write, piece by 4 KiB bus page in address order: a piece lands when the
     * device is the guest's ({@link #DEVICE}) and its page is an untraced data page of guest RAM
     * (the IOMMU maps traced pages read-only for devices and never maps the page-table pool or
     * anything beyond RAM), and no pending removal of the page has yet to give devices the write
     * right back (its first micro-step); the first piece that does not is refused and reported, and the
     * transfer stops there, the pieces before it having landed. Seen: the refusal, or the
     * completed transfer. A transfer of no bytes sends no request and completes.
     */
    public static TracingStep deviceWrite(TracingState s, DeviceWrite a) {
        Map<GuestPhysicalPage, Bytes> memory = s.memory();
        int length = a.bytes().length();
        int done = 0;
        Observation seen = new DmaCompleted(a.device(), AccessKind.WRITE, a.busAddress(), length);
        while (done < length) {
            long at = a.busAddress() + done;
            int offset = (int) (at & (GuestPhysicalPage.SIZE - 1));
            int n = Math.min(length - done, GuestPhysicalPage.SIZE - offset);
            if (!deviceMayWrite(s, a.device(), at)) {
                seen = new DmaRefused(a.device(), AccessKind.WRITE, at);
                break;
            }
            GuestPhysicalPage page = GuestPhysicalPage.containing(at);
            Bytes current = memory.getOrDefault(page, Bytes.zeros(GuestPhysicalPage.SIZE));
            Bytes updated = current.overwrite(offset, a.bytes().slice(done, n));
            memory = updated.isAllZero()
                    ? TracingState.Frozen.without(memory, page)
                    : TracingState.Frozen.with(memory, page, updated);
            done += n;
        }
        return new TracingStep(
                new TracingState(s.shape(), s.mappings(), s.traces(), memory, s.privileges()), List.of(seen));
    }

    /** Whether {@code device}'s DMA write at bus address {@code at} lands: see {@link #deviceWrite}. */
    public static boolean deviceMayWrite(TracingState s, int device, long at) {
        if (device != DEVICE || at < 0 || at >= BUS_ADDRESS_LIMIT) {
            return false;
        }
        GuestPhysicalPage page = GuestPhysicalPage.containing(at);
        return s.shape().isRam(page)
                && !s.shape().isPageTablePool(page)
                && !s.isTraced(page)
                && !s.pending()
                        .map(p ->
                                p.removing() && p.page().equals(page) && p.microStepsLeft() == REMOVE_TRACE_MICRO_STEPS)
                        .orElse(false);
    }

    /** A piece of an access and the guest-physical page it reaches. */
    private record Target(PagePart piece, GuestPhysicalPage page) {}

    /** The outcome of checking an access: refused with one fault, or allowed with its targets. */
    private sealed interface Translation permits Denied, Allowed {}

    private record Denied(Observation fault) implements Translation {}

    private record Allowed(List<Target> targets) implements Translation {}

    /**
     * Checks an access like the hardware, returning its targets or the first fault. Order: vCPU exists; length 1..4096; every byte canonical and no
     * wrap-around; then per page in address order: mapped, user/supervisor, write-protect,
     * no-execute, guest RAM.
     */
    private static Translation translate(TracingState s, VCpu vcpu, long va, int length, AccessKind access) {
        if (!s.shape().hasVcpu(vcpu)) {
            return new Denied(new Refused(ErrorCode.NO_SUCH_VCPU));
        }
        if (length < 1 || length > MAX_ACCESS_LENGTH) {
            return new Denied(new GeneralProtection(vcpu, va, GeneralProtectionCause.INVALID_LENGTH));
        }
        long last = va + (length - 1);
        boolean wraps = Long.compareUnsigned(last, va) < 0;
        if (wraps || !GuestVirtualAddresses.isCanonical(va) || !GuestVirtualAddresses.isCanonical(last)) {
            return new Denied(new GeneralProtection(vcpu, va, GeneralProtectionCause.NON_CANONICAL));
        }
        Privilege privilege = s.privileges().get(vcpu);
        List<Target> targets = new ArrayList<>(2);
        for (PagePart piece : PagePart.split(va, length)) {
            Optional<Mapping> m = s.mappingOf(vcpu, piece.va());
            if (m.isEmpty()) {
                return new Denied(new PageFault(vcpu, piece.va(), access, PageFaultCause.NOT_PRESENT));
            }
            Optional<PageFaultCause> denied = denied(m.get(), access, privilege);
            if (denied.isPresent()) {
                return new Denied(new PageFault(vcpu, piece.va(), access, denied.get()));
            }
            if (!s.shape().isRam(m.get().page())) {
                return new Denied(new NptViolation(vcpu, m.get().page().base() + piece.pageOffset(), access));
            }
            targets.add(new Target(piece, m.get().page()));
        }
        return new Allowed(targets);
    }

    /** The protection fault, if the mapping's rights refuse the access at this privilege. */
    private static Optional<PageFaultCause> denied(Mapping m, AccessKind access, Privilege privilege) {
        if (privilege == Privilege.USER && !m.permissions().user()) {
            return Optional.of(PageFaultCause.USER_SUPERVISOR);
        }
        if (access == AccessKind.WRITE && !m.permissions().writable()) {
            return Optional.of(PageFaultCause.WRITE_PROTECT);
        }
        if (access == AccessKind.EXECUTE && !m.permissions().executable()) {
            return Optional.of(PageFaultCause.NO_EXECUTE);
        }
        return Optional.empty();
    }

    private static TracingState withSpace(TracingState s, VCpu vcpu, Map<GuestVirtualPage, Mapping> space) {
        Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings = TracingState.Frozen.with(s.mappings(), vcpu, space);
        return new TracingState(s.shape(), mappings, s.traces(), s.memory(), s.privileges());
    }

    private static TracingStep refuse(TracingState s, ErrorCode code) {
        return new TracingStep(s, List.of(new Refused(code)));
    }
}
