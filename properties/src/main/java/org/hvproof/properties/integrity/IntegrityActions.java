package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.Writer;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the integrity mechanism: the next action is drawn from the current model
 * state. The driver's legitimate work (register, enter from its entry point, protect and unprotect
 * ranges, write its own data, exit) is mixed with hostile actions from the other vCPU and from
 * user mode: writes to protected pages and to the driver's pages, entry attempts from the entry
 * page at other offsets and from elsewhere, protection requests from normal mode, requests with
 * hostile arguments, second registrations, interrupts and faults in integrity mode.
 */
public final class IntegrityActions {
    private static final long PAGE = 4096;

    /** Layouts a driver registers with: code pages, data pages, entry point (page plus offset). */
    static final List<Layout> LAYOUTS =
            List.of(new Layout(16, 2, 18, 2, 16 * PAGE + 0x40), new Layout(100, 1, 101, 3, 100 * PAGE + 0x800));

    /** Pages protection requests name: few, so requests and writes meet often. */
    static final List<Long> PROTECTABLE = pages(32, 12);

    /** Pages beyond the guarded memory (and beyond RAM) that hostile writes aim at. */
    static final List<Long> FAR_PAGES = List.of(1024L, 1L << 20, 1L << 30);

    /** The kinds of action with fixed weights, so a trace's choices keep their meaning while it shrinks. */
    private enum Kind {
        REGISTER(1.2),
        BAD_REGISTER(0.4),
        ENTER(4),
        WRONG_ENTER(2),
        EXIT(2),
        INTERRUPT(1.5),
        FAULT(1),
        PROTECT(4),
        UNPROTECT(2.5),
        NORMAL_MODE_REQUEST(1.5),
        HOSTILE_REQUEST(1),
        OWN_DATA_WRITE(4),
        PROTECTED_WRITE(3),
        DRIVER_WRITE(3),
        OTHER_WRITE(1);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    private IntegrityActions() {}

    /** A driver layout as raw registration arguments. */
    record Layout(long codeFirst, long codePages, long dataFirst, long dataPages, long entryPoint) {
        IntegrityAction.Register registerBy(Writer caller) {
            return new IntegrityAction.Register(
                    caller, codeFirst * PAGE, codePages * PAGE, dataFirst * PAGE, dataPages * PAGE, entryPoint);
        }
    }

    /**
     * The next action for the trace's current state. A kind that does not apply yet (entering with
     * no driver, protecting with no vCPU in integrity mode) becomes the step that leads there.
     */
    public static Gen<Action<IntegrityTrace>> next(IntegrityTrace trace) {
        IntegrityState s = trace.state();
        List<Integer> inside = vcpusIn(s, Mode.INTEGRITY);
        List<Integer> outside = vcpusIn(s, Mode.NORMAL);
        boolean registered = s.driver().isPresent();
        return KINDS.flatMap(kind -> switch (kind) {
                    case REGISTER -> register(s);
                    case BAD_REGISTER -> badRegister(s);
                    case ENTER -> registered ? enter(s, outside) : register(s);
                    case WRONG_ENTER -> wrongEnter(s);
                    case EXIT -> exit(s, inside);
                    case INTERRUPT ->
                        Gens.combine(busy(s, inside), Gens.integers(32, 255), (v, vec) ->
                                (IntegrityAction) new IntegrityAction.Interrupt(v, vec));
                    case FAULT ->
                        Gens.combine(busy(s, inside), Gens.integers(0, 31), (v, vec) ->
                                (IntegrityAction) new IntegrityAction.Fault(v, vec));
                    case PROTECT ->
                        inside.isEmpty() ? (registered ? enter(s, outside) : register(s)) : protect(s, inside);
                    case UNPROTECT ->
                        inside.isEmpty()
                                ? (registered ? enter(s, outside) : register(s))
                                : s.protections().isEmpty() ? protect(s, inside) : unprotect(s, inside);
                    case NORMAL_MODE_REQUEST -> normalModeRequest(s, outside);
                    case HOSTILE_REQUEST -> hostileRequest(s, inside);
                    case OWN_DATA_WRITE -> registered ? ownDataWrite(s, inside) : register(s);
                    case PROTECTED_WRITE -> protectedWrite(s);
                    case DRIVER_WRITE -> registered ? driverWrite(s) : register(s);
                    case OTHER_WRITE -> otherWrite(s);
                })
                .map(IntegrityActions::asStep);
    }

    private static Action<IntegrityTrace> asStep(IntegrityAction a) {
        return Action.of(a.toString(), (trace, ctx) -> trace.apply(a, ctx));
    }

    // ------------------------------------------------------------ the driver's work

    /** The driver registers (a second time: an attack, alerted). */
    private static Gen<IntegrityAction> register(IntegrityState s) {
        return Gens.combine(Gens.elements(LAYOUTS), anyVcpu(s), (l, v) ->
                (IntegrityAction) l.registerBy(new Writer(v, l.entryPoint(), 0)));
    }

    /** A normal-mode vCPU calls in from the registered entry point. */
    private static Gen<IntegrityAction> enter(IntegrityState s, List<Integer> outside) {
        long entry = s.driver().orElseThrow().entryPoint();
        Gen<Integer> who = outside.isEmpty() ? anyVcpu(s) : Gens.elements(outside);
        return who.map(v -> new IntegrityAction.Enter(new Writer(v, entry, 0)));
    }

    /** A vCPU in integrity mode (the driver) leaves it; else anyone tries. */
    private static Gen<IntegrityAction> exit(IntegrityState s, List<Integer> inside) {
        return busy(s, inside).map(v -> new IntegrityAction.Exit(driverWriter(s, v)));
    }

    private static Gen<IntegrityAction> protect(IntegrityState s, List<Integer> inside) {
        return Gens.combine(
                Gens.elements(inside),
                Gens.elements(PROTECTABLE),
                Gens.integers(1, 3),
                Gens.elements(AlertAction.BLOCK, AlertAction.RECORD_AND_ALLOW),
                (v, first, count, action) -> (IntegrityAction) new IntegrityAction.Protect(
                        driverWriter(s, v), first * PAGE, count * PAGE, action.requestCode()));
    }

    /** Removes one or two pages starting at a protected page. */
    private static Gen<IntegrityAction> unprotect(IntegrityState s, List<Integer> inside) {
        return Gens.combine(
                Gens.elements(inside),
                Gens.elements(List.copyOf(s.protections().keySet())),
                Gens.integers(1, 2),
                (v, first, count) -> (IntegrityAction)
                        new IntegrityAction.Unprotect(driverWriter(s, v), first * PAGE, count * PAGE));
    }

    /** The driver writes its own data; outside integrity mode this is a write to a driver page. */
    private static Gen<IntegrityAction> ownDataWrite(IntegrityState s, List<Integer> inside) {
        Driver d = s.driver().orElseThrow();
        Gen<Integer> who = inside.isEmpty() ? anyVcpu(s) : Gens.elements(inside);
        return Gens.combine(who, Gens.longs(d.data().first(), d.data().end() - 1), offsets(), (v, page, off) ->
                (IntegrityAction) new IntegrityAction.GuestWrite(driverWriter(s, v), page * PAGE + off));
    }

    // ------------------------------------------------------------ hostile actions

    /** Layouts no driver may register: overlapping, entry outside the code, unaligned, huge, negative. */
    private static Gen<IntegrityAction> badRegister(IntegrityState s) {
        List<long[]> bad = List.of(
                new long[] {16 * PAGE, 2 * PAGE, 17 * PAGE, 2 * PAGE, 16 * PAGE},
                new long[] {16 * PAGE, 2 * PAGE, 18 * PAGE, 2 * PAGE, 18 * PAGE + 8},
                new long[] {16 * PAGE + 12, 2 * PAGE, 18 * PAGE, 2 * PAGE, 16 * PAGE + 64},
                new long[] {0, Long.MAX_VALUE & -PAGE, 18 * PAGE, PAGE, 0},
                new long[] {-PAGE, PAGE, 18 * PAGE, PAGE, -PAGE},
                new long[] {16 * PAGE, 0, 18 * PAGE, PAGE, 16 * PAGE},
                new long[] {16 * PAGE, PAGE, 18 * PAGE, PAGE, -1});
        return Gens.combine(Gens.elements(bad), anyVcpu(s), privileges(), (b, v, p) ->
                (IntegrityAction) new IntegrityAction.Register(new Writer(v, 0x7000, p), b[0], b[1], b[2], b[3], b[4]));
    }

    /** Calls into integrity mode from the entry page at another offset, another driver page, or elsewhere. */
    private static Gen<IntegrityAction> wrongEnter(IntegrityState s) {
        long entry = s.driver().map(Driver::entryPoint).orElse(LAYOUTS.get(0).entryPoint());
        long entryPage = entry & -PAGE;
        List<Long> addresses = new ArrayList<>(
                List.of(entry + 1, entry - 1, entryPage, entryPage + PAGE - 1, entry + PAGE, 0x40_0000L, 0L));
        s.driver().ifPresent(d -> addresses.add(d.data().first() * PAGE + (entry - entryPage)));
        return Gens.combine(anyVcpu(s), Gens.elements(addresses), privileges(), (v, ip, p) ->
                (IntegrityAction) new IntegrityAction.Enter(new Writer(v, ip, p)));
    }

    /** A protect or unprotect request from a vCPU in normal mode (or an unknown one). */
    private static Gen<IntegrityAction> normalModeRequest(IntegrityState s, List<Integer> outside) {
        Gen<Integer> who = Gens.frequency(
                Gens.weighted(10, outside.isEmpty() ? anyVcpu(s) : Gens.elements(outside)),
                Gens.weighted(1, Gens.constant(s.config().vcpuCount())));
        List<Long> targets = new ArrayList<>(PROTECTABLE);
        targets.addAll(s.protections().keySet());
        return Gens.combine(who, Gens.elements(targets), privileges(), Gens.booleans(), (v, page, p, protect) -> {
            Writer w = new Writer(v, 0x40_0000L + page, p);
            return protect
                    ? new IntegrityAction.Protect(w, page * PAGE, PAGE, AlertAction.RECORD_AND_ALLOW.requestCode())
                    : (IntegrityAction) new IntegrityAction.Unprotect(w, page * PAGE, PAGE);
        });
    }

    /** A request with hostile arguments, mostly from integrity mode so that the arguments are what is judged. */
    private static Gen<IntegrityAction> hostileRequest(IntegrityState s, List<Integer> inside) {
        long data = s.driver().map(d -> d.data().first()).orElse(18L);
        long taken = s.protections().isEmpty() ? 33 : s.protections().firstKey();
        List<long[]> args = List.of( // start, length, action (-1: unprotect)
                new long[] {32 * PAGE + 1, PAGE, 2},
                new long[] {32 * PAGE, PAGE + 7, 2},
                new long[] {0, Long.MAX_VALUE & -PAGE, 2},
                new long[] {-PAGE, PAGE, 1},
                new long[] {1023 * PAGE, 2 * PAGE, 1},
                new long[] {34 * PAGE, PAGE, 0},
                new long[] {34 * PAGE, PAGE, 77},
                new long[] {34 * PAGE, 0, 1},
                new long[] {data * PAGE, PAGE, 1},
                new long[] {taken * PAGE, 2 * PAGE, 1},
                new long[] {(taken - 1) * PAGE, 3 * PAGE, -1},
                new long[] {200 * PAGE, 65 * PAGE, -1});
        Gen<Integer> who = inside.isEmpty() ? anyVcpu(s) : Gens.elements(inside);
        return Gens.combine(
                who,
                Gens.elements(args),
                (v, a) -> a[2] < 0
                        ? new IntegrityAction.Unprotect(driverWriter(s, v), a[0], a[1])
                        : (IntegrityAction) new IntegrityAction.Protect(driverWriter(s, v), a[0], a[1], a[2]));
    }

    /** Anyone writes a protected page (or a protectable one). */
    private static Gen<IntegrityAction> protectedWrite(IntegrityState s) {
        List<Long> targets = s.protections().isEmpty()
                ? PROTECTABLE
                : List.copyOf(s.protections().keySet());
        return Gens.combine(anyWriter(s), Gens.elements(targets), offsets(), (w, page, off) ->
                (IntegrityAction) new IntegrityAction.GuestWrite(w, page * PAGE + off));
    }

    /** Anyone writes the driver's code or data. */
    private static Gen<IntegrityAction> driverWrite(IntegrityState s) {
        Driver d = s.driver().orElseThrow();
        List<Long> pages = new ArrayList<>();
        d.code().pages().forEach(pages::add);
        d.data().pages().forEach(pages::add);
        return Gens.combine(anyWriter(s), Gens.elements(pages), offsets(), (w, page, off) ->
                (IntegrityAction) new IntegrityAction.GuestWrite(w, page * PAGE + off));
    }

    /** Writes to unmonitored pages, past the guarded memory, or past RAM. */
    private static Gen<IntegrityAction> otherWrite(IntegrityState s) {
        Gen<Long> page =
                Gens.frequency(Gens.weighted(3, Gens.longs(0, 1023)), Gens.weighted(1, Gens.elements(FAR_PAGES)));
        return Gens.combine(anyWriter(s), page, offsets(), (w, p, off) ->
                (IntegrityAction) new IntegrityAction.GuestWrite(w, p * PAGE + off));
    }

    // ------------------------------------------------------------ helpers

    /** A vCPU in integrity mode if there is one, else any (so the call or event finds nothing to end). */
    private static Gen<Integer> busy(IntegrityState s, List<Integer> inside) {
        return inside.isEmpty() ? anyVcpu(s) : Gens.elements(inside);
    }

    /** The driver running on vCPU {@code v}: kernel mode, inside its code just past the entry point. */
    private static Writer driverWriter(IntegrityState s, int v) {
        return new Writer(v, s.driver().map(d -> d.entryPoint() + 0x10).orElse(0x7000L), 0);
    }

    private static Gen<Writer> anyWriter(IntegrityState s) {
        return Gens.combine(
                anyVcpu(s), Gens.elements(0x40_0000L, 0x7fff_0000L, 16 * PAGE + 0x80), privileges(), Writer::new);
    }

    private static Gen<Integer> anyVcpu(IntegrityState s) {
        return Gens.integers(0, s.config().vcpuCount() - 1);
    }

    private static Gen<Integer> privileges() {
        return Gens.elements(0, 3);
    }

    private static Gen<Long> offsets() {
        return Gens.frequency(
                Gens.weighted(3, Gens.longs(0, PAGE - 1)),
                Gens.weighted(1, Gens.constant(0L)),
                Gens.weighted(1, Gens.constant(PAGE - 4)));
    }

    private static List<Integer> vcpusIn(IntegrityState s, Mode mode) {
        List<Integer> out = new ArrayList<>();
        s.vcpus().forEach((id, v) -> {
            if (v.mode() == mode) {
                out.add(id);
            }
        });
        return out;
    }

    private static List<Long> pages(long first, int count) {
        List<Long> out = new ArrayList<>();
        for (long p = first; p < first + count; p++) {
            out.add(p);
        }
        return List.copyOf(out);
    }
}
