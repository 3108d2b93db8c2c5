package org.hvproof.properties.domains;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.domains.Domain;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsVCpu;
import org.hvproof.model.domains.FrameContent;
import org.hvproof.model.domains.IdentityMemo;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the protection domains: the next step is drawn from the current model
 * state. Legitimate work (gate entries, secure code reading and writing its own pages, exits,
 * root code on its own pages) is mixed with hostile root behaviour: root page tables rewritten to
 * point at any guest page, reads and writes through those mappings, upper-level entries (PML4,
 * PDPT or PD slot 511) pointing at secure pages, CR3 loaded with any guest page, jumps anywhere in
 * the 64-bit address space, interrupts and exceptions with any of the 256 vectors while secure
 * code runs and right at gate entry, interrupt storms across vCPUs, and actions on a vCPU that
 * does not exist. Secure code also builds large guest leaves in its own tables and accesses its
 * own region, other regions and pages outside every region through them.
 *
 * <p>Values come from their whole domain, biased towards the boundaries derived from the current
 * state, never from fixed lists: guest pages over all of {@code GuestPhysicalPage.LIMIT} with
 * region pages, the pages just outside every region and high-bit flips weighted in; addresses over
 * all 64 bits with registered gates and region pages, the bytes a small or power-of-two distance
 * away, their high-bit flips and canonical edges weighted in; every vector; every RAX value.
 *
 * <p>One step is a short list of machine actions: most are one action; a gate entry with an
 * event right behind it and a storm are several, each checked on its own.
 */
public final class DomainsActions {
    static final DomainLayout LAYOUT = DomainLayout.standard();

    /** The kinds of step with fixed weights, so a trace's choices keep their meaning while it shrinks. */
    private enum Kind {
        ENTER_GATE(4),
        JUMP_NEAR_GATE(3.5),
        JUMP_SECURE_OTHER(2),
        JUMP_ELSEWHERE(1),
        JUMP_HIGH_ALIAS(0.7),
        EXIT(3),
        INTERRUPT(2.5),
        EXCEPTION(1.5),
        ENTER_THEN_EVENT(1.5),
        STORM(1),
        READ(3.5),
        WRITE_OWN(2),
        HOSTILE_TABLE(2.5),
        ATTACK_THROUGH_MAPPING(2),
        HOSTILE_UPPER_LEVEL(3.5),
        LOAD_CR3(1),
        SET_REGISTER(1.5),
        NO_SUCH_VCPU(0.3),
        SECURE_WORK(3),
        DEVICE_WRITE(1.5),
        SECURE_LARGE_LEAF(1.0);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final Gen<Kind> KINDS = Gens.frequency(Arrays.stream(Kind.values())
            .map(k -> Gens.weighted(k.weight, Gens.constant(k)))
            .toList());

    private DomainsActions() {}

    /** One generated step: the machine actions it runs, in order. */
    public record Step(List<DomainsSystemAction> actions) {
        /** Copies the actions. */
        public Step {
            actions = List.copyOf(actions);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (DomainsSystemAction a : actions) {
                out.append(out.isEmpty() ? "" : "; ").append(a);
            }
            return out.toString();
        }
    }

    /** The next step for state {@code s}. */
    public static Gen<Step> next(DomainsState s) {
        List<Integer> root = vcpusWhere(s, true);
        List<Integer> secure = vcpusWhere(s, false);
        Gen<Integer> rootFirst = root.isEmpty() ? anyVcpu(s) : Gens.elements(root);
        Gen<Integer> secureFirst = secure.isEmpty() ? anyVcpu(s) : Gens.elements(secure);
        Gen<Integer> domain = Gens.integers(1, LAYOUT.secureDomains());
        return KINDS.flatMap(kind -> switch (kind) {
            case ENTER_GATE ->
                Gens.combine(
                        rootFirst,
                        domain,
                        (v, d) -> one(new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d))));
            case JUMP_NEAR_GATE ->
                Gens.combine(
                        rootFirst,
                        Gens.elements(gateAddresses(s)),
                        nearOffset(),
                        (v, gate, off) -> one(new DomainsSystemAction.Transfer(v, gate + off)));
            case JUMP_SECURE_OTHER ->
                Gens.combine(
                        anyVcpu(s),
                        Gens.elements(securePages(s)),
                        pageOffset(),
                        (v, page, off) -> one(new DomainsSystemAction.Transfer(v, (page << 12) + off)));
            case JUMP_ELSEWHERE ->
                Gens.combine(anyVcpu(s), address(s), (v, a) -> one(new DomainsSystemAction.Transfer(v, a)));
            case JUMP_HIGH_ALIAS ->
                Gens.combine(
                        rootFirst,
                        Gens.elements(registeredAddresses(s)),
                        Gens.integers(32, 63),
                        (v, a, bit) -> one(new DomainsSystemAction.Transfer(v, a ^ (1L << bit))));
            case EXIT -> secureFirst.map(v -> one(new DomainsSystemAction.ExitGate(v)));
            case INTERRUPT ->
                Gens.combine(secureFirst, vector(), (v, vec) -> one(new DomainsSystemAction.Event(v, vec, false)));
            case EXCEPTION ->
                Gens.combine(secureFirst, vector(), (v, vec) -> one(new DomainsSystemAction.Event(v, vec, true)));
            case ENTER_THEN_EVENT ->
                Gens.combine(
                        rootFirst,
                        domain,
                        Gens.booleans(),
                        vector(),
                        (v, d, exc, vec) -> new Step(List.of(
                                new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d)),
                                new DomainsSystemAction.Event(v, vec, exc))));
            case STORM ->
                Gens.lists(
                                Gens.combine(anyVcpu(s), vector(), Gens.booleans(), (v, vec, exc) ->
                                        (DomainsSystemAction) new DomainsSystemAction.Event(v, vec, exc)),
                                3,
                                8)
                        .map(Step::new);
            case READ -> Gens.combine(anyVcpu(s), windowPage(), (v, p) -> one(new DomainsSystemAction.Read(v, p)));
            case WRITE_OWN ->
                Gens.combine(anyVcpu(s), windowPage(), (v, p) -> one(new DomainsSystemAction.Write(v, p, Map.of())));
            case HOSTILE_TABLE -> hostileTable(s, rootFirst);
            case ATTACK_THROUGH_MAPPING -> attackThroughMapping(s, rootFirst);
            case HOSTILE_UPPER_LEVEL -> hostileUpperLevel(s, rootFirst);
            case LOAD_CR3 ->
                Gens.combine(anyVcpu(s), guestPage(s), (v, p) -> one(new DomainsSystemAction.LoadCr3(v, p)));
            case SET_REGISTER ->
                Gens.combine(anyVcpu(s), registerValue(), (v, x) -> one(new DomainsSystemAction.SetRegister(v, x)));
            case NO_SUCH_VCPU ->
                // every kind of action, for a vCPU number the machine does not have
                Gens.combine(
                        Gens.elements(s.vcpus().size(), -1, Integer.MAX_VALUE, Integer.MIN_VALUE),
                        Gens.integers(0, 7),
                        domain,
                        vector(),
                        (v, k, d, vec) -> one(
                                switch (k) {
                                    case 0 -> new DomainsSystemAction.Read(v, 0);
                                    case 1 -> new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d));
                                    case 2 -> new DomainsSystemAction.ExitGate(v);
                                    case 3 -> new DomainsSystemAction.Event(v, vec, false);
                                    case 4 -> new DomainsSystemAction.Event(v, vec, true);
                                    case 5 -> new DomainsSystemAction.LoadCr3(v, 0);
                                    case 6 -> new DomainsSystemAction.SetRegister(v, 1);
                                    default -> new DomainsSystemAction.DeviceWrite(v, DomainLayout.regionFirst(0));
                                }));
            case DEVICE_WRITE ->
                Gens.combine(
                        Gens.frequency(Gens.weighted(6, rootFirst), Gens.weighted(1, anyVcpu(s))),
                        Gens.frequency(
                                Gens.weighted(3, Gens.elements(securePages(s))),
                                Gens.weighted(
                                        3,
                                        Gens.longs(
                                                DomainLayout.regionFirst(0),
                                                DomainLayout.regionFirst(0) + DomainLayout.PAGES_PER_REGION - 1)),
                                Gens.weighted(3, guestPage(s)),
                                Gens.weighted(0.3, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE))),
                        (v, p) -> one(new DomainsSystemAction.DeviceWrite(v, p)));
            case SECURE_WORK ->
                secure.isEmpty()
                        ? Gens.combine(
                                rootFirst,
                                domain,
                                (v, d) -> one(new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d))))
                        : secureFirst.flatMap(v -> secureWork(s, v));
            case SECURE_LARGE_LEAF ->
                secure.isEmpty()
                        ? Gens.combine(
                                rootFirst,
                                domain,
                                (v, d) -> one(new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d))))
                        : secureFirst.flatMap(v -> secureLargeLeaf(s, v));
        });
    }

    /**
     * Secure code on vCPU {@code v} makes its own window walk meet a page-size entry, then reads or
     * writes a page through it. Through the window pages that map them now it writes its data page
     * X as a table and, for a 2 MiB leaf, its second code page Y too: a 2 MiB leaf is slot 511 of
     * Y with X's slot 511 pointing at Y, a 1 GiB leaf slot 511 of X; then it points slot 511 of its
     * own table page at X. One in six instead sets the page-size bit in its table's own slot 511
     * (reserved at level 4). The leaf's page is drawn from the whole guest-physical space, biased
     * to block 0 (page 0, or 1 with the PAT bit: virtual page p then lands on guest page p, so the
     * regions are pages the access can name), aligned blocks above every region, region pages
     * (reserved address bits set) and the top. The page accessed is biased to the domain's own
     * region, the other secure regions and the root's. A 2 MiB leaf over block 0 maps the
     * domain's table page too, and the step ends by writing the table back through it; any other
     * leaf leaves the domain without a working view (it hurts only itself) until the trace ends,
     * so the step is rare. With fewer than two own pages mapped besides the table it does ordinary
     * secure work.
     */
    private static Gen<Step> secureLargeLeaf(DomainsState s, int v) {
        DomainsVCpu c = s.vcpus().get(v);
        int viaTable = -1;
        List<Integer> data = new ArrayList<>();
        List<GuestPage> dataPages = new ArrayList<>();
        for (int p = 0; p < DomainLayout.WINDOW_PAGES; p++) {
            GuestPage g = s.walkPage(c, new VirtualPage(p));
            if (g == null) {
                continue;
            }
            if (g.equals(c.ptRoot())) {
                viaTable = viaTable < 0 ? p : viaTable;
            } else if (!dataPages.contains(g)) {
                data.add(p);
                dataPages.add(g);
            }
        }
        var tableFrame = s.gpaToFrame(c, c.ptRoot());
        if (viaTable < 0 || data.size() < 2 || tableFrame == null) {
            return secureWork(s, v);
        }
        int tableVia = viaTable;
        Map<Integer, Long> window = new LinkedHashMap<>();
        s.frames().getOrDefault(tableFrame, FrameContent.EMPTY).entries().forEach((slot, g) -> {
            if (slot.n() < DomainLayout.WINDOW_PAGES) {
                window.put((int) slot.n(), g.n());
            }
        });
        long top = GUEST_PAGES;
        Gen<Long> leafPage = Gens.frequency(List.of(
                Gens.weighted(6, Gens.constant(0L)),
                Gens.weighted(1, Gens.longs(1, top / 512 - 1).map(k -> k * 512)),
                Gens.weighted(1, Gens.longs(1, top / (1L << 18) - 1).map(k -> k << 18)),
                Gens.weighted(2, Gens.elements(regionPages(s))),
                Gens.weighted(0.5, Gens.elements(1L, 513L, top - 512, top - 1)),
                Gens.weighted(1, Gens.longs(0, top - 1))));
        Gen<Integer> level = Gens.frequency(List.of(
                Gens.weighted(4, Gens.constant(2)),
                Gens.weighted(1.5, Gens.constant(3)),
                Gens.weighted(1, Gens.constant(4))));
        // The page accessed: for a leaf over block 0 (virtual page p lands on guest page p) biased to
        // its own region, the other secure regions and the root's; else any page, in range or not.
        Domain mine = s.domains().get(c.domain());
        List<Integer> own =
                mine.region().stream().map(g -> (int) g.n()).sorted().toList();
        List<Integer> others = securePages(s).stream()
                .filter(g -> !mine.region().contains(new GuestPage(g)))
                .map(Long::intValue)
                .toList();
        List<Integer> root =
                s.root().region().stream().map(g -> (int) g.n()).sorted().toList();
        Gen<Integer> access = Gens.frequency(List.of(
                Gens.weighted(3, Gens.elements(own)),
                Gens.weighted(others.isEmpty() ? 0 : 3, others.isEmpty() ? windowPage() : Gens.elements(others)),
                Gens.weighted(2, Gens.elements(root)),
                Gens.weighted(2, windowPage())));
        // the table's own entries: written back through the leaf when the leaf maps the table page
        Map<Integer, Long> restored = new LinkedHashMap<>(window);
        restored.put(DomainsState.UPPER_SLOT, c.ptRoot().n());
        return Gens.combine(level, leafPage, access, Gens.booleans(), (lvl, leaf, p, write) -> {
            // the last two own pages (the data page and the second code page of a fresh domain)
            int viaX = data.get(data.size() - 2);
            int viaY = data.get(data.size() - 1);
            long x = dataPages.get(data.size() - 2).n();
            long y = dataPages.get(data.size() - 1).n();
            List<DomainsSystemAction> actions = new ArrayList<>();
            Map<Integer, Long> table = new LinkedHashMap<>(window);
            if (lvl == 2) {
                actions.add(new DomainsSystemAction.Write(v, viaY, Map.of(DomainsState.UPPER_SLOT, leaf), true));
                actions.add(new DomainsSystemAction.Write(v, viaX, Map.of(DomainsState.UPPER_SLOT, y)));
                table.put(DomainsState.UPPER_SLOT, x);
            } else if (lvl == 3) {
                actions.add(new DomainsSystemAction.Write(v, viaX, Map.of(DomainsState.UPPER_SLOT, leaf), true));
                table.put(DomainsState.UPPER_SLOT, x);
            } else {
                table.put(DomainsState.UPPER_SLOT, leaf);
            }
            actions.add(new DomainsSystemAction.Write(v, tableVia, table, lvl == 4));
            actions.add(write ? new DomainsSystemAction.Write(v, p, Map.of()) : new DomainsSystemAction.Read(v, p));
            long tablePage = c.ptRoot().n();
            if (lvl == 2 && (leaf & ~1L) == 0 && DomainLayout.accessible(tablePage)) {
                // a 2 MiB leaf over block 0 maps the table page at window page tablePage: put the table back
                actions.add(new DomainsSystemAction.Write(v, (int) tablePage, restored));
            }
            return new Step(actions);
        });
    }

    /**
     * Secure code on vCPU {@code v} reads or writes a window page its own table maps (a write
     * leaves the table page itself alone, so the domain keeps running on a working table).
     */
    private static Gen<Step> secureWork(DomainsState s, int v) {
        DomainsVCpu c = s.vcpus().get(v);
        List<Integer> mapped = new ArrayList<>();
        List<Integer> data = new ArrayList<>();
        for (int p = 0; p < DomainLayout.WINDOW_PAGES; p++) {
            GuestPage g = s.walkPage(c, new VirtualPage(p));
            if (g != null) {
                mapped.add(p);
                if (!g.equals(c.ptRoot())) {
                    data.add(p);
                }
            }
        }
        Gen<Integer> readable = mapped.isEmpty() ? windowPage() : Gens.elements(mapped);
        Gen<Integer> writable = data.isEmpty() ? windowPage() : Gens.elements(data);
        return Gens.booleans()
                .flatMap(write -> write
                        ? writable.map(p -> one(new DomainsSystemAction.Write(v, p, Map.of())))
                        : readable.map(p -> one(new DomainsSystemAction.Read(v, p))));
    }

    /** Every guest page the machine has: {@code 0 .. GuestPhysicalPage.LIMIT-1}. */
    static final long GUEST_PAGES = GuestPhysicalPage.LIMIT;

    /**
     * A guest page over the whole guest-physical space, biased towards the pages of every region
     * in {@code s}, the pages just outside each region, high-bit flips of region pages and the
     * top of the space.
     */
    static Gen<Long> guestPage(DomainsState s) {
        return facts(s).guestPage();
    }

    private static Gen<Long> guestPage(List<Long> regions, List<Long> outside) {
        return Gens.frequency(List.of(
                Gens.weighted(4, Gens.elements(regions)),
                Gens.weighted(2, Gens.elements(outside)),
                Gens.weighted(
                        1, Gens.combine(Gens.elements(regions), Gens.integers(0, 39), (p, bit) -> p ^ (1L << bit))),
                Gens.weighted(0.5, Gens.longs(GUEST_PAGES - 4, GUEST_PAGES - 1)),
                Gens.weighted(1, Gens.longs(0, GUEST_PAGES - 1)),
                Gens.weighted(1, Gens.longs(0, 4L * DomainLayout.REGION_STRIDE * (LAYOUT.secureDomains() + 1)))));
    }

    /**
     * A transfer target over all 64-bit addresses, biased towards every registered gate and region
     * page and the bytes next to them, their high-bit flips, page and canonical-address edges and
     * the end of guest-physical memory.
     */
    static Gen<Long> address(DomainsState s) {
        return facts(s).address();
    }

    private static Gen<Long> address(List<Long> registered, Gen<Long> guestPage) {
        long end = GUEST_PAGES << 12;
        return Gens.frequency(List.of(
                Gens.weighted(2, Gens.combine(Gens.elements(registered), nearOffset(), (a, off) -> a + off)),
                Gens.weighted(2, Gens.combine(guestPage, pageOffset(), (p, off) -> (p << 12) + off)),
                Gens.weighted(
                        1, Gens.combine(Gens.elements(registered), Gens.integers(0, 63), (a, bit) -> a ^ (1L << bit))),
                Gens.weighted(
                        1,
                        Gens.elements(
                                0L,
                                -1L,
                                Long.MAX_VALUE,
                                Long.MIN_VALUE,
                                0x0000_7FFF_FFFF_FFFFL,
                                0xFFFF_8000_0000_0000L,
                                end - 1,
                                end)),
                Gens.weighted(1, Gens.longs(0, end - 1)),
                Gens.weighted(0.5, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE))));
    }

    /**
     * A small signed distance from an address: the neighbouring byte either way, a few bytes either
     * way, or a power of two (up to 2^51) either way.
     */
    static Gen<Long> nearOffset() {
        return NEAR_OFFSET;
    }

    private static final Gen<Long> NEAR_OFFSET = Gens.frequency(List.of(
            Gens.weighted(3, Gens.elements(-1L, 1L)),
            Gens.weighted(2, Gens.longs(-8, 8)),
            Gens.weighted(
                    2,
                    Gens.combine(
                            Gens.integers(0, 51), Gens.booleans(), (bit, down) -> down ? -(1L << bit) : 1L << bit))));

    /** A byte offset inside a page, biased towards its first and last bytes. */
    static Gen<Long> pageOffset() {
        return PAGE_OFFSET;
    }

    private static final Gen<Long> PAGE_OFFSET = Gens.frequency(List.of(
            Gens.weighted(2, Gens.constant(0L)),
            Gens.weighted(1, Gens.constant(0xfffL)),
            Gens.weighted(2, Gens.longs(0, 0xfff))));

    /** An interrupt or exception vector: any of the 256, biased towards the first, the last and both sides of 32. */
    static Gen<Integer> vector() {
        return VECTOR;
    }

    private static final Gen<Integer> VECTOR = Gens.frequency(
            List.of(Gens.weighted(3, Gens.integers(0, 255)), Gens.weighted(1, Gens.elements(0, 31, 32, 255))));

    /** A value for RAX: any 64-bit value, biased towards small ones and the edges. */
    static Gen<Long> registerValue() {
        return REGISTER_VALUE;
    }

    private static final Gen<Long> REGISTER_VALUE = Gens.frequency(List.of(
            Gens.weighted(2, Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE)),
            Gens.weighted(2, Gens.longs(0, 1000)),
            Gens.weighted(1, Gens.elements(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE))));

    /**
     * A virtual page to access: mostly a window page, biased towards its first and last; sometimes
     * one past the window (which only a large leaf maps: over block 0, the regions' pages), or one
     * just outside the pages an access may name.
     */
    static Gen<Integer> windowPage() {
        return WINDOW_PAGE;
    }

    private static final Gen<Integer> WINDOW_PAGE = Gens.frequency(List.of(
            Gens.weighted(6, Gens.integers(0, DomainLayout.WINDOW_PAGES - 1)),
            Gens.weighted(1, Gens.elements(0, DomainLayout.WINDOW_PAGES - 1)),
            Gens.weighted(0.4, Gens.integers(DomainLayout.WINDOW_PAGES, (int) LAYOUT.knownPages() - 1)),
            Gens.weighted(0.2, Gens.integers(DomainLayout.WINDOW_PAGES, DomainLayout.ACCESS_PAGES - 1)),
            Gens.weighted(0.3, Gens.elements(-1, DomainLayout.ACCESS_PAGES))));

    /**
     * What a state's domains fix for the generator: region, secure, neighbouring, gate and registered
     * pages and addresses, and the generators built on them. Derived once per domains map: the map
     * is immutable, so the same map always gives the same facts ({@link IdentityMemo}).
     */
    private record Facts(
            List<Long> regionPages,
            Set<Long> regionSet,
            List<Long> securePages,
            List<Long> pagesJustOutside,
            List<Long> gateAddresses,
            List<Long> registeredAddresses,
            Gen<Long> guestPage,
            Gen<Long> address) {
        static Facts of(Map<DomainId, Domain> domains) {
            List<Long> regions = domains.values().stream()
                    .flatMap(d -> d.region().stream())
                    .map(GuestPage::n)
                    .sorted()
                    .toList();
            List<Long> secure = domains.values().stream()
                    .filter(d -> !d.id().isRoot())
                    .flatMap(d -> d.region().stream())
                    .map(GuestPage::n)
                    .sorted()
                    .toList();
            List<Long> out = new ArrayList<>();
            for (long p : regions) {
                for (long q : new long[] {p - 1, p + 1}) {
                    if (q >= 0 && !regions.contains(q) && !out.contains(q)) {
                        out.add(q);
                    }
                }
            }
            List<Long> outside = out.isEmpty() ? regions : List.copyOf(out);
            List<Long> gates = domains.values().stream()
                    .flatMap(d -> d.gates().stream())
                    .map(g -> g.n() << 12)
                    .sorted()
                    .toList();
            List<Long> named = new ArrayList<>(gates);
            regions.forEach(p -> named.add(p << 12));
            List<Long> registered = named.stream().distinct().sorted().toList();
            Gen<Long> guestPage = DomainsActions.guestPage(regions, outside);
            return new Facts(
                    regions,
                    Set.copyOf(regions),
                    secure,
                    outside,
                    gates,
                    registered,
                    guestPage,
                    DomainsActions.address(registered, guestPage));
        }
    }

    /**
     * What the facts are derived from: each domain's id, region and gates. Facts are built once per
     * such key (every trace boots the same layout), then once per domains map by identity.
     */
    private record FactsKey(List<Object> parts) {
        static FactsKey of(Map<DomainId, Domain> domains) {
            List<Object> parts = new ArrayList<>();
            for (Domain d : domains.values()) {
                parts.add(d.id());
                parts.add(d.region());
                parts.add(d.gates());
            }
            return new FactsKey(parts);
        }
    }

    private static final Map<FactsKey, Facts> FACTS_BY_KEY = new ConcurrentHashMap<>();

    private static final IdentityMemo<Map<DomainId, Domain>, Object, Facts> FACTS =
            new IdentityMemo<>(16, (domains, unused) -> {
                FactsKey key = FactsKey.of(domains);
                Facts facts = FACTS_BY_KEY.get(key);
                if (facts == null) {
                    facts = Facts.of(domains);
                    if (FACTS_BY_KEY.size() < 64) {
                        FACTS_BY_KEY.put(key, facts);
                    }
                }
                return facts;
            });

    private static Facts facts(DomainsState s) {
        return FACTS.get(s.domains(), null);
    }

    /** Every page of every region in {@code s}, in order. */
    static List<Long> regionPages(DomainsState s) {
        return facts(s).regionPages();
    }

    /** Whether guest page {@code p} lies in some region of {@code s}. */
    static boolean inSomeRegion(DomainsState s, long p) {
        return facts(s).regionSet().contains(p);
    }

    /** Every page of every secure region in {@code s}, in order. */
    static List<Long> securePages(DomainsState s) {
        return facts(s).securePages();
    }

    /** The pages one below and one above each region in {@code s} that lie in no region. */
    static List<Long> pagesJustOutside(DomainsState s) {
        return facts(s).pagesJustOutside();
    }

    /** The registered gate addresses of {@code s}. */
    static List<Long> gateAddresses(DomainsState s) {
        return facts(s).gateAddresses();
    }

    /** Every registered address of {@code s}: its gates and the first byte of every region page. */
    static List<Long> registeredAddresses(DomainsState s) {
        return facts(s).registeredAddresses();
    }

    /** Whether {@code target} differs from a registered address of {@code s} only above bit 31. */
    static boolean highBitAlias(DomainsState s, long target) {
        for (long a : registeredAddresses(s)) {
            if (a != target && ((a ^ target) & 0xFFFF_FFFFL) == 0) {
                return true;
            }
        }
        return false;
    }

    private static Step one(DomainsSystemAction a) {
        return new Step(List.of(a));
    }

    /**
     * Root code rewrites the table it runs on (window page 0 maps it) so that window pages 1..3
     * point at guest pages drawn from the whole guest-physical space ({@link #guestPage}).
     */
    private static Gen<Step> hostileTable(DomainsState s, Gen<Integer> rootFirst) {
        Gen<Long> target = guestPage(s);
        return Gens.combine(rootFirst, Gens.listsOfSize(target, 3), (v, pages) -> {
            Map<Integer, Long> entries = new LinkedHashMap<>();
            entries.put(0, s.vcpus().get(v).ptRoot().n());
            for (int i = 0; i < pages.size(); i++) {
                entries.put(i + 1, pages.get(i));
            }
            return one(new DomainsSystemAction.Write(v, 0, entries));
        });
    }

    /**
     * Root code loads its own top table, builds a 4-level hierarchy whose PML4, PDPT or PD entry (slot 511, the only
     * upper-level slot a window walk reads) points at a secure page (or any guest page): it rewrites up to
     * three of its own pages as a chain of tables, the last link hostile (or, three in ten, a
     * page-size entry: see below), loads CR3 with the first, reads or writes a page through it, and
     * loads its old CR3 back. The walk's read of the hostile table is a guest-physical access that
     * must fault in the root's NPT. The chain's pages are the root's own pages other than its table,
     * in any order, each written through a window page of the root's table that maps it now
     * ({@link #chainWindows}); the page accessed is any page an access may name ({@link
     * #rootAccessPage}).
     */
    private static Gen<Step> hostileUpperLevel(DomainsState s, Gen<Integer> rootFirst) {
        Gen<Long> target = Gens.frequency(
                List.of(Gens.weighted(3, Gens.elements(securePages(s))), Gens.weighted(1, guestPage(s))));
        return rootFirst.flatMap(v -> {
            DomainsVCpu current = s.vcpus().get(v);
            DomainsVCpu c = new DomainsVCpu(
                    current.domain(), s.root().gptRoot(), current.nptOf(), current.saved(), current.register());
            return Gens.combine(
                            List.of(
                                    Gens.booleans(0.3),
                                    Gens.listsOfSize(Gens.integers(0, DomainLayout.WINDOW_PAGES - 1), 3),
                                    target,
                                    Gens.booleans()),
                            x -> x)
                    .flatMap(x -> (Boolean) x.get(0)
                            ? LARGE_CHAIN_DEPTH.map(d -> withDepth(x, d))
                            : CHAIN_DEPTH.map(d -> withDepth(x, d)))
                    .flatMap(x -> {
                        boolean large = (Boolean) x.get(0);
                        @SuppressWarnings("unchecked")
                        List<Integer> picks = (List<Integer>) x.get(1);
                        long hostile = (Long) x.get(2);
                        boolean write = (Boolean) x.get(3);
                        int depth = (Integer) x.get(4);
                        int[] via = new int[depth];
                        long[] chain = new long[depth];
                        chainWindows(s, c, picks, via, chain);
                        return rootAccessPage(s, large ? (int) chain[depth - 1] : -1)
                                .map(p -> hostileChain(s, v, current, via, chain, hostile, large, write, p));
                    });
        });
    }

    /** How many tables a chain links: one, two or three. */
    private static final Gen<Integer> CHAIN_DEPTH = Gens.integers(1, 3);

    /**
     * How many tables a large chain links, biased to three (its page-size entry then a 2 MiB leaf;
     * one is a PS bit at level 4, two a 1 GiB leaf).
     */
    private static final Gen<Integer> LARGE_CHAIN_DEPTH = Gens.frequency(List.of(
            Gens.weighted(1, Gens.constant(1)),
            Gens.weighted(1, Gens.constant(2)),
            Gens.weighted(2, Gens.constant(3))));

    /** {@code drawn} with the chain's depth appended, for the step built from both. */
    private static List<Object> withDepth(List<Object> drawn, int depth) {
        List<Object> out = new ArrayList<>(drawn);
        out.add(depth);
        return out;
    }

    /**
     * The window pages ({@code via}) the chain's links are written through and the root pages they
     * write ({@code chain}): link i takes the {@code picks[i]}-th (modulo) of the window pages whose
     * walk in the root's table {@code c} lands on a root page other than the table and no earlier
     * link's, so it shrinks to the lowest such window pages in order; with none left, window page
     * i+1 and, as the page named, the one it maps if in the root's region, else page i+1.
     */
    private static void chainWindows(DomainsState s, DomainsVCpu c, List<Integer> picks, int[] via, long[] chain) {
        List<Integer> windows = new ArrayList<>();
        List<Long> pages = new ArrayList<>();
        for (int w = 0; w < DomainLayout.WINDOW_PAGES; w++) {
            GuestPage g = s.walkPage(c, new VirtualPage(w));
            if (g != null && s.root().region().contains(g) && !g.equals(c.ptRoot())) {
                windows.add(w);
                pages.add(g.n());
            }
        }
        for (int i = 0; i < via.length; i++) {
            if (windows.isEmpty()) {
                GuestPage g = s.walkPage(c, new VirtualPage(i + 1));
                via[i] = i + 1;
                chain[i] = g != null && s.root().region().contains(g) ? g.n() : i + 1;
                continue;
            }
            int k = picks.get(i) % windows.size();
            via[i] = windows.get(k);
            chain[i] = pages.get(k);
            for (int j = windows.size() - 1; j >= 0; j--) {
                if (pages.get(j) == chain[i]) {
                    windows.remove(j);
                    pages.remove(j);
                }
            }
        }
    }

    /**
     * The page a root chain accesses: any page an access may name, biased to the root's own pages
     * and to the edges of the window, of every region and of the pages just outside them (under a
     * 2 MiB leaf over block 0 window page p is guest page p, so these are where the root's region
     * ends and the others begin); for a large-leaf chain ({@code lastLink} >= 0) also the secure
     * pages and the last link's page, where a write through the leaf rewrites the page-size entry.
     */
    private static Gen<Integer> rootAccessPage(DomainsState s, int lastLink) {
        List<Integer> edges = new ArrayList<>(
                List.of(0, DomainLayout.WINDOW_PAGES - 1, DomainLayout.WINDOW_PAGES, DomainLayout.ACCESS_PAGES - 1));
        for (long p : regionPages(s)) {
            if (!inSomeRegion(s, p - 1) || !inSomeRegion(s, p + 1)) {
                edges.add((int) p);
            }
        }
        pagesJustOutside(s).forEach(p -> edges.add(p.intValue()));
        edges.removeIf(p -> !DomainLayout.accessible(p));
        List<Integer> own = s.root().region().stream()
                .map(g -> (int) g.n())
                .filter(DomainLayout::accessible)
                .sorted()
                .toList();
        boolean large = lastLink >= 0;
        List<Gens.Weighted<Integer>> options = new ArrayList<>(List.of(
                Gens.weighted(
                        large ? 3 : 2,
                        Gens.elements(edges.stream().distinct().sorted().toList())),
                Gens.weighted(1, Gens.integers(0, DomainLayout.ACCESS_PAGES - 1))));
        if (!own.isEmpty()) {
            options.add(0, Gens.weighted(large ? 2 : 4, Gens.elements(own)));
        }
        List<Integer> secure = securePages(s).stream()
                .filter(DomainLayout::accessible)
                .map(Long::intValue)
                .toList();
        if (large && !secure.isEmpty()) {
            options.add(Gens.weighted(2, Gens.elements(secure)));
        }
        if (large && DomainLayout.accessible(lastLink)) {
            options.add(Gens.weighted(3, Gens.constant(lastLink)));
        }
        return Gens.frequency(options);
    }

    /**
     * The actions of one root chain (see {@link #hostileUpperLevel}). A large chain ends in a
     * page-size entry instead of a table entry: read at level 4 a reserved bit, at level 3 a 1 GiB
     * leaf, at level 2 a 2 MiB leaf. A 2 MiB leaf and a write's leaf map from page 0, so the window
     * is a large leaf over block 0 (window page p is guest page p: the root's own pages, the gaps,
     * the secure regions; a write to the last link's page turns its PS entry back into a table
     * entry); a read's 1 GiB leaf aims at the hostile page (reserved address bits).
     */
    private static Step hostileChain(
            DomainsState s,
            int v,
            DomainsVCpu current,
            int[] via,
            long[] chain,
            long hostile,
            boolean large,
            boolean write,
            int p) {
        int depth = chain.length;
        List<DomainsSystemAction> actions = new ArrayList<>();
        actions.add(new DomainsSystemAction.LoadCr3(v, s.root().gptRoot().n()));
        for (int i = 0; i < depth; i++) {
            boolean last = i + 1 == depth;
            long next = !last ? chain[i + 1] : large && (write || depth == 3) ? 0 : hostile;
            actions.add(new DomainsSystemAction.Write(v, via[i], Map.of(DomainsState.UPPER_SLOT, next), last && large));
        }
        actions.add(new DomainsSystemAction.LoadCr3(v, chain[0]));
        actions.add(write ? new DomainsSystemAction.Write(v, p, Map.of()) : new DomainsSystemAction.Read(v, p));
        actions.add(new DomainsSystemAction.LoadCr3(v, current.ptRoot().n()));
        return new Step(actions);
    }

    /**
     * How the walk of the access {@code a} from {@code s} meets a page-size entry: 4, 3 or 2 for
     * the level whose entry sets the bit, 0 when it sets none (or {@code a} is no window access).
     */
    static int pageSizeLevel(DomainsState s, DomainsSystemAction a) {
        if (!(a instanceof DomainsSystemAction.Read || a instanceof DomainsSystemAction.Write)
                || a.vcpu() < 0
                || a.vcpu() >= s.vcpus().size()) {
            return 0;
        }
        int page = a instanceof DomainsSystemAction.Read r ? r.page() : ((DomainsSystemAction.Write) a).page();
        if (!DomainLayout.accessible(page)) {
            return 0;
        }
        DomainsVCpu c = s.vcpus().get(a.vcpu());
        List<GuestPage> tables = s.walkOf(c, new VirtualPage(page)).tables();
        VirtualPage upper = new VirtualPage(DomainsState.UPPER_SLOT);
        for (int i = 0; i < Math.min(3, tables.size()); i++) {
            var frame = s.gpaToFrame(c, tables.get(i));
            FrameContent content = frame == null ? null : s.frames().get(frame);
            if (content != null
                    && content.entries().containsKey(upper)
                    && content.large().contains(upper)) {
                return 4 - i;
            }
        }
        return 0;
    }

    /** Whether the walk of the root access {@code a} from state {@code s} reads a table an upper-level entry points outside the root's region. */
    static boolean walksHostileUpperEntry(DomainsState s, DomainsSystemAction a) {
        if (!(a instanceof DomainsSystemAction.Read || a instanceof DomainsSystemAction.Write)
                || a.vcpu() < 0
                || a.vcpu() >= s.vcpus().size()) {
            return false;
        }
        DomainsVCpu c = s.vcpus().get(a.vcpu());
        int page = a instanceof DomainsSystemAction.Read r ? r.page() : ((DomainsSystemAction.Write) a).page();
        if (!c.domain().isRoot() || !DomainLayout.accessible(page)) {
            return false;
        }
        List<GuestPage> path = s.walkPath(c, new VirtualPage(page));
        for (int i = 1; i < Math.min(4, path.size()); i++) {
            if (hostile(s, path.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Root code reads or writes (a page-table image: a secure table is a target too) through a window page its table points at a secure page; if none does yet, it makes one. */
    private static Gen<Step> attackThroughMapping(DomainsState s, Gen<Integer> rootFirst) {
        return rootFirst.flatMap(v -> {
            List<Integer> hostile = hostilePages(s, v);
            if (hostile.isEmpty()) {
                return hostileTable(s, Gens.constant(v));
            }
            return Gens.combine(
                    Gens.elements(hostile),
                    Gens.booleans(),
                    guestPage(s),
                    (p, write, g) -> one(
                            write
                                    ? new DomainsSystemAction.Write(v, p, Map.of(0, g))
                                    : new DomainsSystemAction.Read(v, p)));
        });
    }

    /** Window pages that vCPU {@code v}'s current table points outside the root's region. */
    static List<Integer> hostilePages(DomainsState s, int v) {
        DomainsVCpu c = s.vcpus().get(v);
        List<Integer> out = new ArrayList<>();
        var table = s.gpaToFrame(c, c.ptRoot());
        if (table == null) {
            return out;
        }
        FrameContent content = s.frames().getOrDefault(table, FrameContent.EMPTY);
        content.entries().forEach((vp, g) -> {
            if (!s.root().region().contains(g) && vp.n() < DomainLayout.WINDOW_PAGES) {
                out.add((int) vp.n());
            }
        });
        out.sort(null);
        return out;
    }

    /** Whether guest page {@code g} lies outside the root's region (a secure page, page 15, a gap). */
    static boolean hostile(DomainsState s, GuestPage g) {
        return !s.root().region().contains(g);
    }

    private static Gen<Integer> anyVcpu(DomainsState s) {
        return Gens.integers(0, s.vcpus().size() - 1);
    }

    private static List<Integer> vcpusWhere(DomainsState s, boolean inRoot) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.vcpus().size(); i++) {
            if (s.vcpus().get(i).domain().isRoot() == inRoot) {
                out.add(i);
            }
        }
        return out;
    }
}
