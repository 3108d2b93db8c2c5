package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the integrity mechanism: the next action is drawn from the current model
 * state. The driver's legitimate work (register, enter from its entry point, protect and unprotect
 * ranges, write its own data, exit) is mixed with hostile actions from the other vCPU and from
 * user mode: writes to protected pages and to the driver's pages, entry attempts from other
 * addresses, protection requests from normal mode, requests with hostile arguments, second
 * registrations, interrupts and faults in integrity mode.
 *
 * <p>Every value is drawn from its whole domain (any 64-bit address, any guest page and any page the
 * hardware can name, all 256 vectors, layouts anywhere in guest memory), biased towards what the
 * current state makes interesting: addresses near the registered entry point and driver and
 * protected pages, their high-bit flips (differing only above bit 31 too), canonical-address
 * edges, and pages just outside every region (driver code, driver data, protections, guest memory).
 * No constant names an address or a page: they all derive from the state.
 */
public final class IntegrityActions {
    private static final long PAGE = PageRange.PAGE_SIZE;
    /** Every address bit of a page number below bit 32: an address with these equal differs only above bit 31. */
    private static final long LOW_PAGE_BITS = 0xFFFF_F000L;
    /** Edges of the 64-bit address space: zero, -1, both signed extremes, both canonical halves' edges, bit 32. */
    private static final List<Long> ADDRESS_EDGES = List.of(
            0L,
            -1L,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            0x0000_7fff_ffff_ffffL,
            0xffff_8000_0000_0000L,
            0xffff_ffffL,
            1L << 32);

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
        UNPROTECT(3),
        NORMAL_MODE_REQUEST(1.5),
        HOSTILE_REQUEST(1),
        OWN_DATA_WRITE(4),
        PROTECTED_WRITE(5),
        DRIVER_WRITE(3),
        OTHER_WRITE(1.5),
        STRAY_INSTRUCTION(0.6);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    private IntegrityActions() {}

    /** A driver layout as raw registration arguments: first pages and page counts, entry point (page plus offset). */
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
        return actions(trace.state()).map(IntegrityActions::asStep);
    }

    /**
     * The next model action for state {@code s}, the same choices as {@link #next}: the spec
     * conformance property draws model runs from it without a machine.
     */
    public static Gen<IntegrityAction> actions(IntegrityState s) {
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
                Gens.combine(busy(s, inside), vectors(), (v, vec) ->
                        (IntegrityAction) new IntegrityAction.Interrupt(v, vec));
            case FAULT ->
                Gens.combine(
                        busy(s, inside), vectors(), (v, vec) -> (IntegrityAction) new IntegrityAction.Fault(v, vec));
            case PROTECT -> inside.isEmpty() ? (registered ? enter(s, outside) : register(s)) : protect(s, inside);
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
            case STRAY_INSTRUCTION ->
                registered ? (inside.isEmpty() ? enter(s, outside) : strayInstruction(s, inside)) : register(s);
        });
    }

    private static Action<IntegrityTrace> asStep(IntegrityAction a) {
        return Action.of(a::toString, (IntegrityTrace trace, Context ctx) -> trace.apply(a, ctx));
    }

    // ------------------------------------------------------------ the driver's work

    /** The driver registers (a second time: an attack, alerted). */
    private static Gen<IntegrityAction> register(IntegrityState s) {
        return Gens.combine(
                layouts(s), anyVcpu(s), (l, v) -> (IntegrityAction) l.registerBy(new Writer(v, l.entryPoint(), 0)));
    }

    /**
     * A sane layout anywhere in guest memory: code and data of one to a few pages (sometimes up to
     * the request limit), data after the code (adjacent or anywhere further) or just before it, at
     * the first or last pages now and then; the entry point at any byte of the code.
     */
    static Gen<Layout> layouts(IntegrityState s) {
        long guest = s.config().guestPages();
        int max = s.config().maxPagesPerRequest();
        Gen<Long> counts = Gens.frequency(Gens.weighted(4, Gens.longs(1, 4)), Gens.weighted(1, Gens.longs(1, max)));
        return Gens.combine(counts, counts, (code, data) -> new long[] {code, data})
                .flatMap(cd -> {
                    long code = cd[0];
                    long data = cd[1];
                    long last = guest - code - data;
                    Gen<Long> first = Gens.frequency(
                            Gens.weighted(5, Gens.longs(0, last)), Gens.weighted(1, Gens.elements(0L, last)));
                    Gen<Long> entryOffset = Gens.frequency(
                            Gens.weighted(3, Gens.longs(0, code * PAGE - 1)),
                            Gens.weighted(1, Gens.longs(0, code - 1).map(p -> p * PAGE)),
                            Gens.weighted(1, Gens.constant(code * PAGE - 1)));
                    Gen<Integer> placement = Gens.frequency(
                            Gens.weighted(3, Gens.constant(0)),
                            Gens.weighted(1, Gens.constant(1)),
                            Gens.weighted(1, Gens.constant(2)));
                    return first.flatMap(f -> Gens.combine(
                            placement, entryOffset, Gens.longs(0, last - f), (place, off, gap) -> switch (place) {
                                case 1 -> new Layout(f + data, code, f, data, (f + data) * PAGE + off); // data before
                                case 2 -> new Layout(f, code, f + code + gap, data, f * PAGE + off); // data further on
                                default -> new Layout(f, code, f + code, data, f * PAGE + off); // data right after
                            }));
                });
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

    /** Protects one to a few pages (sometimes up to the request limit) from a page anywhere or next to a region. */
    private static Gen<IntegrityAction> protect(IntegrityState s, List<Integer> inside) {
        Gen<Long> counts = Gens.frequency(
                Gens.weighted(4, Gens.longs(1, 3)),
                Gens.weighted(1, Gens.longs(1, s.config().maxPagesPerRequest())));
        return Gens.combine(
                Gens.elements(inside),
                guardedPages(s),
                counts,
                Gens.elements(AlertAction.BLOCK, AlertAction.RECORD_AND_ALLOW),
                (v, first, count, action) -> (IntegrityAction) new IntegrityAction.Protect(
                        driverWriter(s, v), first * PAGE, count * PAGE, action.requestCode()));
    }

    /** Removes one or two pages starting at a protected page. */
    private static Gen<IntegrityAction> unprotect(IntegrityState s, List<Integer> inside) {
        return Gens.combine(
                Gens.elements(inside),
                Gens.elements(List.copyOf(s.protections().keySet())),
                Gens.longs(1, 2),
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

    /**
     * A vCPU in integrity mode runs an instruction (an exit, a protect request or a write) from
     * wherever control went: anywhere in the driver's code (the driver itself, away from its
     * entry point), its data pages (code the driver wrote), the pages just around the code, the
     * code in user mode, or any address (GI-8).
     */
    private static Gen<IntegrityAction> strayInstruction(IntegrityState s, List<Integer> inside) {
        Driver d = s.driver().orElseThrow();
        Gen<Long> codeByte = Gens.longs(d.code().first() * PAGE, d.code().end() * PAGE - 1);
        Gen<Long> ip = Gens.frequency(
                Gens.weighted(2, codeByte),
                Gens.weighted(2, Gens.longs(d.data().first() * PAGE, d.data().end() * PAGE - 1)),
                Gens.weighted(1, Gens.longs(-PAGE, -1).map(x -> d.code().first() * PAGE + x)),
                Gens.weighted(1, Gens.longs(0, PAGE - 1).map(x -> d.code().end() * PAGE + x)),
                Gens.weighted(1, instructionPointers(s)));
        Gen<Integer> privilege = Gens.frequency(Gens.weighted(4, Gens.constant(0)), Gens.weighted(1, Gens.constant(3)));
        Gen<Writer> who = Gens.combine(Gens.elements(inside), ip, privilege, Writer::new);
        return Gens.combine(
                who, Gens.integers(0, 2), guardedPages(s), offsets(), (w, what, page, off) -> switch (what) {
                    case 0 -> new IntegrityAction.Exit(w);
                    case 1 -> new IntegrityAction.Protect(w, page * PAGE, PAGE, AlertAction.BLOCK.requestCode());
                    default -> (IntegrityAction) new IntegrityAction.GuestWrite(w, page * PAGE + off);
                });
    }

    /**
     * A layout no driver may register: a sane one with one argument broken (data overlapping the
     * code, the entry point outside the code or negative, a start unaligned, a length zero, huge or
     * unaligned, a start negative or past guest memory), or five arguments from the whole range.
     */
    private static Gen<IntegrityAction> badRegister(IntegrityState s) {
        long guest = s.config().guestPages();
        Gen<long[]> broken = Gens.combine(layouts(s), Gens.integers(0, 8), anyLong(), (l, how, x) -> {
            long[] a = {
                l.codeFirst() * PAGE, l.codePages() * PAGE, l.dataFirst() * PAGE, l.dataPages() * PAGE, l.entryPoint()
            };
            long unaligned = Math.floorMod(x, PAGE - 1) + 1;
            switch (how) {
                case 0 -> a[2] = a[0]; // data over the code
                case 1 -> a[4] = a[0] + a[1] + Math.floorMod(x, PAGE); // entry just past the code
                case 2 -> a[4] = a[0] - 1 - Math.floorMod(x, PAGE); // entry just before the code
                case 3 -> a[4] = x < 0 ? x : ~x; // entry negative
                case 4 -> a[0] += unaligned;
                case 5 -> a[1] = x % 2 == 0 ? 0 : a[1] + unaligned;
                case 6 -> a[3] = (x & -PAGE) | Long.MIN_VALUE >>> 1; // huge
                case 7 ->
                    a[0] = x < 0 ? x & -PAGE : (guest + Math.floorMod(x, guest)) * PAGE; // negative or past memory
                default -> a[0] = a[0] ^ (highBits(x)); // a high-bit alias of the code's start
            }
            return a;
        });
        Gen<long[]> wild = Gens.combine(
                List.of(anyLong(), anyLong(), anyLong(), anyLong(), anyLong()),
                xs -> xs.stream().mapToLong(o -> (Long) o).toArray());
        return Gens.combine(
                Gens.frequency(Gens.weighted(5, broken), Gens.weighted(1, wild)),
                anyVcpu(s),
                instructionPointers(s),
                privileges(),
                (b, v, ip, p) -> (IntegrityAction)
                        new IntegrityAction.Register(new Writer(v, ip, p), b[0], b[1], b[2], b[3], b[4]));
    }

    /**
     * Calls into integrity mode from an address near the entry point (before the first
     * registration: near a layout's), anywhere in its page, a high-bit flip of it, another driver
     * page at the entry's offset, an address-space edge, or anywhere.
     */
    private static Gen<IntegrityAction> wrongEnter(IntegrityState s) {
        Gen<Long> entry = s.driver().isPresent()
                ? Gens.constant(s.driver().get().entryPoint())
                : layouts(s).map(Layout::entryPoint);
        Gen<Long> ip = entry.flatMap(e -> {
            List<Gens.Weighted<Long>> options = new ArrayList<>(List.of(
                    Gens.weighted(3, Gens.longs(-PAGE, PAGE).map(d -> e + d)),
                    Gens.weighted(2, Gens.longs(0, PAGE - 1).map(off -> (e & -PAGE) + off)),
                    Gens.weighted(3, highBitFlips(e)),
                    Gens.weighted(1, Gens.elements(ADDRESS_EDGES)),
                    Gens.weighted(1, anyLong())));
            s.driver().ifPresent(d -> {
                List<Long> pages = new ArrayList<>();
                d.code().pages().forEach(pages::add);
                d.data().pages().forEach(pages::add);
                options.add(Gens.weighted(1, Gens.elements(pages).map(p -> p * PAGE + (e & (PAGE - 1)))));
            });
            return Gens.frequency(options);
        });
        return Gens.combine(anyVcpu(s), ip, privileges(), (v, i, p) ->
                (IntegrityAction) new IntegrityAction.Enter(new Writer(v, i, p)));
    }

    /** A protect or unprotect request from a vCPU in normal mode (or an unknown one). */
    private static Gen<IntegrityAction> normalModeRequest(IntegrityState s, List<Integer> outside) {
        Gen<Integer> who = Gens.frequency(
                Gens.weighted(10, outside.isEmpty() ? anyVcpu(s) : Gens.elements(outside)),
                Gens.weighted(1, Gens.constant(s.config().vcpuCount())));
        Gen<Long> page = s.protections().isEmpty()
                ? guardedPages(s)
                : Gens.frequency(
                        Gens.weighted(1, guardedPages(s)),
                        Gens.weighted(
                                1, Gens.elements(List.copyOf(s.protections().keySet()))));
        Gen<Writer> writer = Gens.combine(who, instructionPointers(s), privileges(), Writer::new);
        return Gens.combine(writer, page, Gens.booleans(), (w, p, protect) -> {
            return protect
                    ? new IntegrityAction.Protect(w, p * PAGE, PAGE, AlertAction.RECORD_AND_ALLOW.requestCode())
                    : (IntegrityAction) new IntegrityAction.Unprotect(w, p * PAGE, PAGE);
        });
    }

    /**
     * A request with hostile arguments, mostly from integrity mode so that the arguments are what is
     * judged: a sane request at a page of {@link #guardedPages} with one argument broken (start
     * unaligned or a high-bit alias, length zero, unaligned, one page over the limit, huge or
     * negative, a range over the end of guest memory, an unknown action), a range on driver pages or
     * over an existing protection, an unprotect of unprotected pages, or the whole range.
     */
    private static Gen<IntegrityAction> hostileRequest(IntegrityState s, List<Integer> inside) {
        long guest = s.config().guestPages();
        long max = s.config().maxPagesPerRequest();
        List<Long> taken = new ArrayList<>(s.protections().keySet());
        s.driver().ifPresent(d -> {
            taken.add(d.code().first());
            taken.add(d.data().end() - 1);
        });
        Gen<Long> takenPage = taken.isEmpty() ? guardedPages(s) : Gens.elements(taken);
        // start, length, action code, 1 for an unprotect
        Gen<long[]> broken = Gens.combine(guardedPages(s), Gens.integers(0, 9), anyLong(), (page, how, x) -> {
            long[] a = {page * PAGE, PAGE, AlertAction.BLOCK.requestCode(), 0};
            long unaligned = Math.floorMod(x, PAGE - 1) + 1;
            switch (how) {
                case 0 -> a[0] += unaligned;
                case 1 -> a[0] ^= highBits(x);
                case 2 -> a[1] = 0;
                case 3 -> a[1] += unaligned;
                case 4 -> a[1] = (max + 1) * PAGE;
                case 5 -> a[1] = x < 0 ? x : x & -PAGE;
                case 6 -> {
                    long pages = 1 + Math.floorMod(x, max);
                    a[0] = (guest - pages + 1) * PAGE; // one page over the end
                    a[1] = pages * PAGE;
                }
                case 7 ->
                    a[2] = (x & 1) == 0 ? x >> 1 : Math.floorMod(x, 8) - 2; // any code, or one near the valid ones
                case 8 -> a[3] = 1; // unprotect of a page that may not be protected
                default -> a[0] = (guest + Math.floorMod(x, guest)) * PAGE; // past guest memory
            }
            return a;
        });
        Gen<long[]> onTaken =
                Gens.combine(takenPage, Gens.longs(-1, 1), Gens.booleans(), (p, shift, unprotect) -> new long[] {
                    (p + shift) * PAGE, 3 * PAGE, AlertAction.RECORD_AND_ALLOW.requestCode(), unprotect ? 1 : 0
                });
        Gen<long[]> wild = Gens.combine(
                anyLong(), anyLong(), anyLong(), Gens.booleans(), (a, b, c, u) -> new long[] {a, b, c, u ? 1 : 0});
        Gen<Integer> who = inside.isEmpty() ? anyVcpu(s) : Gens.elements(inside);
        return Gens.combine(
                who,
                Gens.frequency(Gens.weighted(5, broken), Gens.weighted(3, onTaken), Gens.weighted(1, wild)),
                (v, a) -> a[3] == 1
                        ? new IntegrityAction.Unprotect(driverWriter(s, v), a[0], a[1])
                        : (IntegrityAction) new IntegrityAction.Protect(driverWriter(s, v), a[0], a[1], a[2]));
    }

    /** Anyone writes a protected page (or, with none, a guarded page). */
    private static Gen<IntegrityAction> protectedWrite(IntegrityState s) {
        Gen<Long> targets = s.protections().isEmpty()
                ? guardedPages(s)
                : Gens.elements(List.copyOf(s.protections().keySet()));
        return Gens.combine(anyWriter(s), targets, offsets(), (w, page, off) ->
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

    /**
     * Writes elsewhere: any guarded page or one next to a region, a page just above guarded memory
     * or anywhere the hardware can name, a high-bit alias of a monitored page, or any 64-bit address.
     */
    private static Gen<IntegrityAction> otherWrite(IntegrityState s) {
        long guest = s.config().guestPages();
        Gen<Long> monitored = monitoredPages(s);
        Gen<Long> address = Gens.frequency(
                Gens.weighted(3, Gens.combine(guardedPages(s), offsets(), (p, off) -> p * PAGE + off)),
                Gens.weighted(
                        2,
                        Gens.combine(
                                Gens.frequency(
                                        Gens.weighted(
                                                3,
                                                Gens.longs(
                                                        guest,
                                                        guest + 2L * s.config().maxPagesPerRequest())),
                                        Gens.weighted(1, Gens.longs(guest, GuestPhysicalPage.LIMIT - 1))),
                                offsets(),
                                (p, off) -> p * PAGE + off)),
                Gens.weighted(
                        2,
                        Gens.combine(monitored, offsets(), (p, off) -> p * PAGE + off)
                                .flatMap(IntegrityActions::highBitFlips)),
                Gens.weighted(
                        1,
                        Gens.frequency(Gens.weighted(1, Gens.elements(ADDRESS_EDGES)), Gens.weighted(1, anyLong()))));
        return Gens.combine(anyWriter(s), address, (w, a) -> (IntegrityAction) new IntegrityAction.GuestWrite(w, a));
    }

    // ------------------------------------------------------------ values biased towards the state

    /**
     * A guarded page: any (uniform over guest memory), or one at or just outside an edge of a
     * region the state has (driver code, driver data, each protected page, guest memory itself).
     */
    static Gen<Long> guardedPages(IntegrityState s) {
        long guest = s.config().guestPages();
        List<Long> edges = new ArrayList<>(List.of(0L, guest - 1));
        s.driver().ifPresent(d -> {
            for (PageRange r : List.of(d.code(), d.data())) {
                edges.addAll(List.of(r.first() - 1, r.first(), r.end() - 1, r.end()));
            }
        });
        s.protections().keySet().forEach(p -> edges.addAll(List.of(p - 1, p + 1)));
        List<Long> inside =
                edges.stream().filter(p -> p >= 0 && p < guest).distinct().toList();
        return Gens.frequency(Gens.weighted(1, Gens.longs(0, guest - 1)), Gens.weighted(1, Gens.elements(inside)));
    }

    /** A page some write would alert on (a driver page or a protected one), else a guarded page. */
    private static Gen<Long> monitoredPages(IntegrityState s) {
        List<Long> pages = new ArrayList<>(s.protections().keySet());
        s.driver().ifPresent(d -> {
            d.code().pages().forEach(pages::add);
            d.data().pages().forEach(pages::add);
        });
        return pages.isEmpty() ? guardedPages(s) : Gens.elements(pages);
    }

    /** {@code a} with one bit flipped (any of the 64), or with any non-empty set of its bits above bit 31 flipped. */
    static Gen<Long> highBitFlips(long a) {
        return Gens.frequency(
                Gens.weighted(1, Gens.integers(0, 63).map(bit -> a ^ (1L << bit))),
                Gens.weighted(1, anyLong().map(x -> a ^ highBits(x))));
    }

    /** A non-zero mask of bits 32..63 made from {@code x}. */
    private static long highBits(long x) {
        long mask = x & ~0xFFFF_FFFFL;
        return mask == 0 ? 1L << 32 : mask;
    }

    /** Whether {@code a} and {@code b} differ, but only above bit 31 of the page-number part. */
    static boolean differsOnlyAboveBit31(long a, long b) {
        return (a & -PAGE) != (b & -PAGE) && ((a ^ b) & LOW_PAGE_BITS) == 0;
    }

    /** An instruction pointer: near the entry point (when registered), a high-bit flip of it, an edge, or any. */
    private static Gen<Long> instructionPointers(IntegrityState s) {
        List<Gens.Weighted<Long>> options =
                new ArrayList<>(List.of(Gens.weighted(1, Gens.elements(ADDRESS_EDGES)), Gens.weighted(2, anyLong())));
        s.driver().ifPresent(d -> {
            long e = d.entryPoint();
            options.add(Gens.weighted(2, Gens.longs(-PAGE, PAGE).map(x -> e + x)));
            options.add(Gens.weighted(1, highBitFlips(e)));
        });
        return Gens.frequency(options);
    }

    /** All 256 vectors, the first and last of the exception range and the last vector drawn often. */
    private static Gen<Integer> vectors() {
        return Gens.frequency(Gens.weighted(3, Gens.integers(0, 255)), Gens.weighted(1, Gens.elements(0, 31, 32, 255)));
    }

    private static Gen<Long> anyLong() {
        return Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    // ------------------------------------------------------------ helpers

    /** A vCPU in integrity mode if there is one, else any (so the call or event finds nothing to end). */
    private static Gen<Integer> busy(IntegrityState s, List<Integer> inside) {
        return inside.isEmpty() ? anyVcpu(s) : Gens.elements(inside);
    }

    /** The driver running on vCPU {@code v}: kernel mode, at its entry point (before registration: at address 0). */
    private static Writer driverWriter(IntegrityState s, int v) {
        return new Writer(v, s.driver().map(Driver::entryPoint).orElse(0L), 0);
    }

    /**
     * Any vCPU at any instruction pointer and privilege; a vCPU in integrity mode is mostly the
     * driver (kernel mode, any byte of its code), since from anywhere else its instruction faults
     * before it does anything (GI-8) and the write would never be judged.
     */
    private static Gen<Writer> anyWriter(IntegrityState s) {
        return anyVcpu(s).flatMap(v -> {
            Gen<Writer> any = Gens.combine(instructionPointers(s), privileges(), (ip, p) -> new Writer(v, ip, p));
            if (s.driver().isEmpty() || !vcpusIn(s, Mode.INTEGRITY).contains(v)) {
                return any;
            }
            Driver d = s.driver().get();
            Gen<Writer> driver = Gens.longs(d.code().first() * PAGE, d.code().end() * PAGE - 1)
                    .map(ip -> new Writer(v, ip, 0));
            return Gens.frequency(Gens.weighted(6, driver), Gens.weighted(1, any));
        });
    }

    private static Gen<Integer> anyVcpu(IntegrityState s) {
        return Gens.integers(0, s.config().vcpuCount() - 1);
    }

    private static Gen<Integer> privileges() {
        return Gens.elements(0, 3);
    }

    /** Any byte offset in a page, its first and last word drawn often. */
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
}
