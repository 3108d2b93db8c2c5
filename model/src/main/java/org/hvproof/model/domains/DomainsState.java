package org.hvproof.model.domains;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/**
 * The abstract state of the domains mechanism: domains, host frames and vCPUs. Immutable.
 *
 * @param domains every domain by id, the root domain included
 * @param frames the content of every host frame
 * @param vcpus the vCPUs by index
 */
public record DomainsState(Map<DomainId, Domain> domains, Map<Frame, FrameContent> frames, List<DomainsVCpu> vcpus) {
    public DomainsState {
        domains = Map.copyOf(domains);
        frames = Map.copyOf(frames);
        vcpus = List.copyOf(vcpus);
    }

    private static final IdentityMemo<Map<DomainId, Domain>, Object, Set<Frame>> SECURE_FRAMES =
            new IdentityMemo<>(16, (domains, unused) -> deriveSecureFrames(domains));

    /**
     * Equal when every component is: the domains and frames maps are compared through {@link
     * IdentityMemo#equal}, so maps two states share, or that were found equal before, are not walked
     * again (they are immutable, so the earlier answer still holds).
     */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof DomainsState s
                        && vcpus.equals(s.vcpus)
                        && IdentityMemo.equal(domains, s.domains)
                        && IdentityMemo.equal(frames, s.frames);
    }

    @Override
    public int hashCode() {
        return (31 * domains.hashCode() + frames.hashCode()) * 31 + vcpus.hashCode();
    }

    /** Virtual pages every example page table maps. */
    public static final int PAGES_PER_REGION = 4;

    /**
     * A guest with a root domain and {@code secureDomains} secure domains, {@code vcpuCount}
     * vCPUs in the root domain. Domain d owns guest pages 16d..16d+3 mapped to frames
     * 100(d+1)..100(d+1)+3; its page table sits in its first page and maps virtual pages 0..3
     * to its region, its slot 511 pointing back at itself (PML4, PDPT and PD of the window); its gate is its second page. Secure frames hold {@code secureValue + k}.
     */
    public static DomainsState example(int secureDomains, int vcpuCount, long secureValue) {
        return example(secureDomains, vcpuCount, secureValue, (d, k) -> 100L * (d + 1) + k);
    }

    /**
     * The same guest with host frame {@code frameOf(d, k)} behind page k of domain d's region: which
     * frame numbers a hypervisor allocates is its own choice, so an implementation's boot is compared
     * with this state under its own frame names; everything else (which pages are mapped in which
     * NPT, frame contents, gates, vCPUs) is the model's.
     */
    public static DomainsState example(
            int secureDomains, int vcpuCount, long secureValue, BiFunction<Integer, Integer, Long> frameOf) {
        Map<DomainId, Domain> domains = new LinkedHashMap<>();
        Map<Frame, FrameContent> frames = new HashMap<>();
        for (int d = 0; d <= secureDomains; d++) {
            DomainId id = new DomainId(d);
            Set<GuestPage> region = new HashSet<>();
            Map<GuestPage, Frame> npt = new HashMap<>();
            Map<VirtualPage, GuestPage> table = new HashMap<>();
            for (int k = 0; k < PAGES_PER_REGION; k++) {
                GuestPage g = new GuestPage(16L * d + k);
                Frame f = new Frame(frameOf.apply(d, k));
                region.add(g);
                npt.put(g, f);
                table.put(new VirtualPage(k), g);
                frames.put(f, new FrameContent(Map.of(), d == 0 ? k : secureValue + k));
            }
            GuestPage root = new GuestPage(16L * d);
            table.put(new VirtualPage(UPPER_SLOT), root);
            frames.put(npt.get(root), new FrameContent(table, d == 0 ? 0 : secureValue));
            Set<GuestPage> gates = d == 0 ? Set.of() : Set.of(new GuestPage(16L * d + 1));
            domains.put(id, new Domain(id, region, root, npt, gates));
        }
        List<DomainsVCpu> vcpus = new ArrayList<>();
        for (int i = 0; i < vcpuCount; i++) {
            vcpus.add(new DomainsVCpu(DomainId.ROOT, new GuestPage(0), DomainId.ROOT, null, 0));
        }
        return new DomainsState(domains, frames, vcpus);
    }

    /** The root domain. */
    public Domain root() {
        return domains.get(DomainId.ROOT);
    }

    /** Every frame some secure domain's region maps to (immutable; derived once per domains map). */
    public Set<Frame> secureFrames() {
        return secureFramesOf(domains);
    }

    /** Every frame some secure domain's region maps to, in this domains map. */
    static Set<Frame> secureFramesOf(Map<DomainId, Domain> domains) {
        return SECURE_FRAMES.get(domains, null);
    }

    private static Set<Frame> deriveSecureFrames(Map<DomainId, Domain> domains) {
        Set<Frame> out = new HashSet<>();
        for (Domain d : domains.values()) {
            if (!d.id().isRoot()) {
                out.addAll(d.frames());
            }
        }
        return Set.copyOf(out);
    }

    /** The secure domain whose region holds g, or null. */
    public Domain secureOwnerOf(GuestPage g) {
        return domains.values().stream()
                .filter(d -> !d.id().isRoot() && d.region().contains(g))
                .findFirst()
                .orElse(null);
    }

    /** Guest-physical to host through the vCPU's current NPT; null when unmapped. */
    public Frame gpaToFrame(DomainsVCpu c, GuestPage g) {
        Domain d = domains.get(c.nptOf());
        return d == null || g == null ? null : d.npt().get(g);
    }

    /** Virtual pages of the window the guest uses; a table's slots {@code 0..WINDOW_PAGES-1} map them. */
    public static final int WINDOW_PAGES = 16;

    /**
     * Virtual pages an access may name: {@code 0 .. ACCESS_PAGES-1}. A table maps only the window's
     * (its other slots below this are never written); a large leaf maps every one, to the page at
     * the same offset of its block. An access to any other page faults, as on the machine, whose
     * table slots from here up hold a page's data word and its self pointer.
     */
    public static final int ACCESS_PAGES = 256;

    /**
     * The slot every upper-level walk of a window address reads: the window sits at level-4, -3 and
     * -2 index 511, so the walk of window page v reads slot 511 of the CR3 table (PML4), of the table
     * that entry points at (PDPT) and of the next (PD), then slot v of the last table (PT).
     */
    public static final int UPPER_SLOT = 511;

    /**
     * One walk of a window page: the guest pages of the tables it read, in order (up to four; the
     * last may be one the NPT does not map), and the guest page its leaf maps, or null when it
     * stopped first (an absent entry, an unmapped table, or a reserved page-size bit).
     */
    public record GuestWalk(List<GuestPage> tables, GuestPage page) {
        public GuestWalk {
            tables = List.copyOf(tables);
        }
    }

    /**
     * The walk of {@code v} as the MMU does it: each table read is a guest-physical access and
     * goes through the vCPU's NPT like the final access. An entry with the page-size bit read at
     * level 2 is a 2 MiB leaf (its page number's bits 1..8 reserved, bit 0 the PAT bit), at level 3
     * a 1 GiB leaf (bits 1..17 reserved); at level 4 the bit is reserved. A set reserved bit stops
     * the walk with a fault, as the machine's walker does.
     */
    public GuestWalk walkOf(DomainsVCpu c, VirtualPage v) {
        List<GuestPage> tables = new ArrayList<>(4);
        GuestPage g = c.ptRoot();
        for (int level = 4; level >= 1 && g != null; level--) {
            tables.add(g);
            Frame table = gpaToFrame(c, g);
            if (table == null) {
                return new GuestWalk(tables, null);
            }
            FrameContent content = frames.getOrDefault(table, FrameContent.EMPTY);
            VirtualPage slot = level > 1 ? new VirtualPage(UPPER_SLOT) : v;
            GuestPage next = content.entries().get(slot);
            if (next != null && level > 1 && content.large().contains(slot)) {
                return new GuestWalk(tables, largeLeafPage(level, next, v));
            }
            if (level == 1) {
                return new GuestWalk(tables, next);
            }
            g = next;
        }
        return new GuestWalk(tables, null);
    }

    /** The page a large leaf at {@code level} maps for window page {@code v}; null when a reserved bit is set. */
    private static GuestPage largeLeafPage(int level, GuestPage entry, VirtualPage v) {
        if (level == 4) {
            return null;
        }
        long pages = 1L << (9 * (level - 1));
        long reserved = (pages - 1) & ~1L;
        if ((entry.n() & reserved) != 0) {
            return null;
        }
        // The window's upper indices are all UPPER_SLOT: below a 1 GiB leaf the PD index is one too.
        long offset = level == 2 ? v.n() : (long) UPPER_SLOT * 512 + v.n();
        return new GuestPage((entry.n() & ~(pages - 1)) + offset);
    }

    /**
     * The guest pages of the tables the walk of {@code v} reads, PML4 first (up to four), then the
     * page its leaf maps, if it gets that far ({@link #walkOf}).
     */
    public List<GuestPage> walkPath(DomainsVCpu c, VirtualPage v) {
        GuestWalk w = walkOf(c, v);
        if (w.page() == null) {
            return w.tables();
        }
        List<GuestPage> path = new ArrayList<>(w.tables());
        path.add(w.page());
        return path;
    }

    /** The guest page the walk of {@code v} ends at, when every table read and the page itself are mapped; else null. */
    public GuestPage walkPage(DomainsVCpu c, VirtualPage v) {
        GuestPage g = walkOf(c, v).page();
        return g != null && gpaToFrame(c, g) != null ? g : null;
    }

    /** The full 4-level walk of a virtual page through the vCPU's current tables and NPT; null on any miss. */
    public Frame walk(DomainsVCpu c, VirtualPage v) {
        return gpaToFrame(c, walkPage(c, v));
    }

    /**
     * Every frame the vCPU reaches: the frames of the tables its walks of window pages read (every
     * level) and every page the last-level table maps in the window, or the large leaf the walk
     * ends at maps for any page an access may name ({@link #ACCESS_PAGES}).
     */
    public Set<Frame> reach(DomainsVCpu c) {
        Set<Frame> out = new HashSet<>();
        GuestWalk w = walkOf(c, new VirtualPage(0));
        for (GuestPage t : w.tables()) {
            Frame f = gpaToFrame(c, t);
            if (f != null) {
                out.add(f);
            }
        }
        if (w.tables().size() < 4) {
            if (w.page() != null) {
                // a large leaf: it maps every page an access may name
                for (int v = 0; v < ACCESS_PAGES; v++) {
                    Frame f = gpaToFrame(c, walkOf(c, new VirtualPage(v)).page());
                    if (f != null) {
                        out.add(f);
                    }
                }
            }
            return out;
        }
        Frame pt = gpaToFrame(c, w.tables().get(3));
        if (pt != null) {
            frames.getOrDefault(pt, FrameContent.EMPTY).entries().forEach((slot, g) -> {
                Frame f = slot.n() < WINDOW_PAGES ? gpaToFrame(c, g) : null;
                if (f != null) {
                    out.add(f);
                }
            });
        }
        return out;
    }

    DomainsState withVcpu(int i, DomainsVCpu c) {
        List<DomainsVCpu> list = new ArrayList<>(vcpus);
        list.set(i, c);
        return new DomainsState(domains, frames, list);
    }

    DomainsState withFrame(Frame f, FrameContent content) {
        Map<Frame, FrameContent> map = new HashMap<>(frames);
        map.put(f, content);
        return new DomainsState(domains, map, vcpus);
    }

    DomainsState withDomain(Domain d) {
        Map<DomainId, Domain> map = new HashMap<>(domains);
        map.put(d.id(), d);
        return new DomainsState(map, frames, vcpus);
    }
}
