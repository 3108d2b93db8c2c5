package org.hvproof.properties.domains;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.DomainsVCpu;
import org.hvproof.model.domains.FrameContent;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the protection domains: the next step is drawn from the current model
 * state. Legitimate work (gate entries, secure code reading and writing its own pages, exits,
 * root code on its own pages) is mixed with hostile root behaviour: root page tables rewritten to
 * point at secure guest-physical pages (and at page 15), reads and writes through those mappings,
 * upper-level entries (PML4, PDPT or PD slot 511) pointing at secure pages, CR3 loaded with a
 * secure page table, jumps to every kind of secure address (the gate, the byte
 * after it, the middle of the code, data, the page table, the next domain's pages), interrupts
 * and exceptions while secure code runs and right at gate entry, interrupt storms across vCPUs,
 * and actions on a vCPU that does not exist.
 *
 * <p>One step is a short list of machine actions: most are one action; a gate entry with an
 * event right behind it and a storm are several, each checked on its own.
 */
public final class DomainsActions {
    static final DomainLayout LAYOUT = DomainLayout.standard();

    /** The kinds of step with fixed weights, so a trace's choices keep their meaning while it shrinks. */
    private enum Kind {
        ENTER_GATE(4),
        JUMP_NEAR_GATE(2),
        JUMP_SECURE_OTHER(2),
        JUMP_ELSEWHERE(0.5),
        EXIT(3),
        INTERRUPT(2.5),
        EXCEPTION(1.5),
        ENTER_THEN_EVENT(1.5),
        STORM(1),
        READ(3.5),
        WRITE_OWN(2),
        HOSTILE_TABLE(2.5),
        ATTACK_THROUGH_MAPPING(2),
        HOSTILE_UPPER_LEVEL(3),
        LOAD_CR3(1),
        SET_REGISTER(1.5),
        NO_SUCH_VCPU(0.3),
        SECURE_WORK(3);

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
            return actions.stream().map(Object::toString).collect(Collectors.joining("; "));
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
                        domain,
                        Gens.elements(1L, 0x40L, 0xfffL),
                        (v, d, off) -> one(new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d) + off)));
            case JUMP_SECURE_OTHER ->
                Gens.combine(
                        anyVcpu(s),
                        domain,
                        Gens.integers(0, 4),
                        (v, d, k) -> one(new DomainsSystemAction.Transfer(v, secureNonGate(d, k))));
            case JUMP_ELSEWHERE ->
                Gens.combine(
                        anyVcpu(s),
                        Gens.elements(0L, 1L, 3L, DomainLayout.LEAKED_PAGE, 7L, 40L),
                        (v, p) -> one(new DomainsSystemAction.Transfer(v, p << 12)));
            case EXIT -> secureFirst.map(v -> one(new DomainsSystemAction.ExitGate(v)));
            case INTERRUPT ->
                Gens.combine(
                        secureFirst,
                        Gens.integers(32, 255),
                        (v, vec) -> one(new DomainsSystemAction.Event(v, vec, false)));
            case EXCEPTION ->
                Gens.combine(
                        secureFirst,
                        Gens.integers(0, 31),
                        (v, vec) -> one(new DomainsSystemAction.Event(v, vec, true)));
            case ENTER_THEN_EVENT ->
                Gens.combine(
                        rootFirst,
                        domain,
                        Gens.booleans(),
                        (v, d, exc) -> new Step(List.of(
                                new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d)),
                                new DomainsSystemAction.Event(v, exc ? 13 : 48, exc))));
            case STORM ->
                Gens.lists(
                                Gens.combine(anyVcpu(s), Gens.integers(0, 255), (v, vec) ->
                                        (DomainsSystemAction) new DomainsSystemAction.Event(v, vec, vec < 32)),
                                3,
                                8)
                        .map(Step::new);
            case READ ->
                Gens.combine(anyVcpu(s), Gens.integers(0, 5), (v, p) -> one(new DomainsSystemAction.Read(v, p)));
            case WRITE_OWN ->
                Gens.combine(
                        anyVcpu(s), Gens.integers(1, 3), (v, p) -> one(new DomainsSystemAction.Write(v, p, Map.of())));
            case HOSTILE_TABLE -> hostileTable(s, rootFirst);
            case ATTACK_THROUGH_MAPPING -> attackThroughMapping(s, rootFirst);
            case HOSTILE_UPPER_LEVEL -> hostileUpperLevel(s, rootFirst);
            case LOAD_CR3 ->
                Gens.combine(
                        anyVcpu(s),
                        Gens.elements(
                                0L,
                                1L,
                                DomainLayout.tablePage(1),
                                DomainLayout.tablePage(2),
                                DomainLayout.dataPage(1),
                                DomainLayout.LEAKED_PAGE),
                        (v, p) -> one(new DomainsSystemAction.LoadCr3(v, p)));
            case SET_REGISTER ->
                Gens.combine(anyVcpu(s), Gens.longs(0, 1000), (v, x) -> one(new DomainsSystemAction.SetRegister(v, x)));
            case NO_SUCH_VCPU -> Gens.elements(s.vcpus().size(), -1).map(v -> one(new DomainsSystemAction.Read(v, 0)));
            case SECURE_WORK ->
                secure.isEmpty()
                        ? Gens.combine(
                                rootFirst,
                                domain,
                                (v, d) -> one(new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(d))))
                        : Gens.combine(
                                secureFirst,
                                Gens.integers(0, 3),
                                Gens.booleans(),
                                (v, p, write) -> one(
                                        write
                                                ? new DomainsSystemAction.Write(v, p == 0 ? 2 : p, Map.of())
                                                : new DomainsSystemAction.Read(v, p)));
        });
    }

    private static Step one(DomainsSystemAction a) {
        return new Step(List.of(a));
    }

    /** A secure address that is not a gate: table page, data page, code page, mid-code, mid-data. */
    static long secureNonGate(int d, int kind) {
        return switch (kind) {
            case 0 -> DomainLayout.tablePage(d) << 12;
            case 1 -> DomainLayout.dataPage(d) << 12;
            case 2 -> DomainLayout.codePage(d) << 12;
            case 3 -> (DomainLayout.codePage(d) << 12) + 0x80;
            default -> (DomainLayout.dataPage(d) << 12) + 8;
        };
    }

    /**
     * Root code rewrites the table it runs on (window page 0 maps it) so that window pages 1..3
     * point at pages of its choice: its own, any secure page, page 15, or a gap.
     */
    private static Gen<Step> hostileTable(DomainsState s, Gen<Integer> rootFirst) {
        Gen<Long> target = Gens.elements(
                1L,
                2L,
                DomainLayout.tablePage(1),
                DomainLayout.dataPage(1),
                DomainLayout.codePage(1),
                DomainLayout.gatePage(1),
                DomainLayout.tablePage(2),
                DomainLayout.dataPage(2),
                DomainLayout.LEAKED_PAGE,
                9L);
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
     * upper-level slot a window walk reads) points at a secure page (or page 15): it rewrites up to
     * three of its own pages (those window pages 1..3 map now) as a chain of tables, the last
     * link hostile, loads CR3 with the first, reads or writes a window page through it, and loads
     * its old CR3 back. The walk's read of the hostile table is a guest-physical access that must
     * fault in the root's NPT.
     */
    private static Gen<Step> hostileUpperLevel(DomainsState s, Gen<Integer> rootFirst) {
        Gen<Long> target = Gens.elements(
                DomainLayout.tablePage(1),
                DomainLayout.gatePage(1),
                DomainLayout.dataPage(1),
                DomainLayout.codePage(1),
                DomainLayout.tablePage(2),
                DomainLayout.dataPage(2),
                DomainLayout.LEAKED_PAGE);
        return Gens.combine(
                rootFirst, Gens.integers(1, 3), target, Gens.integers(0, 7), (v, depth, hostile, access) -> {
                    int p = access & 3;
                    boolean write = access >= 4;
                    DomainsVCpu current = s.vcpus().get(v);
                    DomainsVCpu c = new DomainsVCpu(
                            current.domain(), s.root().gptRoot(), current.nptOf(), current.saved(), current.register());
                    long[] chain = new long[depth];
                    for (int i = 0; i < depth; i++) {
                        GuestPage g = s.walkPage(c, new VirtualPage(i + 1));
                        chain[i] = g != null && s.root().region().contains(g) ? g.n() : i + 1;
                    }
                    List<DomainsSystemAction> actions = new ArrayList<>();
                    actions.add(new DomainsSystemAction.LoadCr3(
                            v, s.root().gptRoot().n()));
                    for (int i = 0; i < depth; i++) {
                        long next = i + 1 < depth ? chain[i + 1] : hostile;
                        actions.add(new DomainsSystemAction.Write(v, i + 1, Map.of(DomainsState.UPPER_SLOT, next)));
                    }
                    actions.add(new DomainsSystemAction.LoadCr3(v, chain[0]));
                    actions.add(
                            write ? new DomainsSystemAction.Write(v, p, Map.of()) : new DomainsSystemAction.Read(v, p));
                    actions.add(
                            new DomainsSystemAction.LoadCr3(v, current.ptRoot().n()));
                    return new Step(actions);
                });
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
        if (!c.domain().isRoot() || !DomainLayout.inWindow(page)) {
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
                    (p, write) -> one(
                            write
                                    ? new DomainsSystemAction.Write(v, p, Map.of(0, DomainLayout.dataPage(1)))
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
