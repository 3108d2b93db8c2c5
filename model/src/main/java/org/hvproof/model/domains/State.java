package org.hvproof.model.domains;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;

/**
 * Domains, host frames and vCPUs. Immutable.
 *
 * @param domains every domain by id, the root domain included
 * @param frames the content of every host frame
 * @param vcpus the vCPUs by index
 */
public record State(Map<DomainId, Domain> domains, Map<Frame, FrameContent> frames, List<VCpu> vcpus) {
  public State {
    domains = Map.copyOf(domains);
    frames = Map.copyOf(frames);
    vcpus = List.copyOf(vcpus);
  }

  /** Virtual pages every example page table maps. */
  public static final int PAGES_PER_REGION = 4;

  /**
   * A guest with a root domain and {@code secureDomains} secure domains, {@code vcpuCount}
   * vCPUs in the root domain. Domain d owns guest pages 16d..16d+3 mapped to frames
   * 100(d+1)..100(d+1)+3; its page table sits in its first page and maps virtual pages 0..3
   * to its region; its gate is its second page. Secure frames hold {@code secureValue + k}.
   */
  public static State example(int secureDomains, int vcpuCount, long secureValue) {
    Map<DomainId, Domain> domains = new LinkedHashMap<>();
    Map<Frame, FrameContent> frames = new HashMap<>();
    for (int d = 0; d <= secureDomains; d++) {
      DomainId id = new DomainId(d);
      Set<GuestPage> region = new HashSet<>();
      Map<GuestPage, Frame> npt = new HashMap<>();
      Map<VirtualPage, GuestPage> table = new HashMap<>();
      for (int k = 0; k < PAGES_PER_REGION; k++) {
        GuestPage g = new GuestPage(16L * d + k);
        Frame f = new Frame(100L * (d + 1) + k);
        region.add(g);
        npt.put(g, f);
        table.put(new VirtualPage(k), g);
        frames.put(f, new FrameContent(Map.of(), d == 0 ? k : secureValue + k));
      }
      GuestPage root = new GuestPage(16L * d);
      frames.put(npt.get(root), new FrameContent(table, d == 0 ? 0 : secureValue));
      Set<GuestPage> gates = d == 0 ? Set.of() : Set.of(new GuestPage(16L * d + 1));
      domains.put(id, new Domain(id, region, root, npt, gates));
    }
    List<VCpu> vcpus = new ArrayList<>();
    for (int i = 0; i < vcpuCount; i++) {
      vcpus.add(new VCpu(DomainId.ROOT, new GuestPage(0), DomainId.ROOT, null, 0));
    }
    return new State(domains, frames, vcpus);
  }

  /** The root domain. */
  public Domain root() {
    return domains.get(DomainId.ROOT);
  }

  /** Every frame some secure domain's region maps to. */
  public Set<Frame> secureFrames() {
    Set<Frame> out = new HashSet<>();
    domains.values().stream().filter(d -> !d.id().isRoot()).forEach(d -> out.addAll(d.frames()));
    return out;
  }

  /** The secure domain whose region holds g, or null. */
  public Domain secureOwnerOf(GuestPage g) {
    return domains.values().stream().filter(d -> !d.id().isRoot() && d.region().contains(g)).findFirst().orElse(null);
  }

  /** Guest-physical to host through the vCPU's current NPT; null when unmapped. */
  public Frame gpaToFrame(VCpu c, GuestPage g) {
    Domain d = domains.get(c.nptOf());
    return d == null || g == null ? null : d.npt().get(g);
  }

  /** The full walk of a virtual page through the vCPU's current tables; null on any miss. */
  public Frame walk(VCpu c, VirtualPage v) {
    Frame table = gpaToFrame(c, c.ptRoot());
    if (table == null) {
      return null;
    }
    return gpaToFrame(c, frames.getOrDefault(table, FrameContent.EMPTY).entries().get(v));
  }

  /** Every frame the vCPU reaches: its page table's frame and every page the table maps. */
  public Set<Frame> reach(VCpu c) {
    Set<Frame> out = new HashSet<>();
    Frame table = gpaToFrame(c, c.ptRoot());
    if (table != null) {
      out.add(table);
      for (GuestPage g : frames.getOrDefault(table, FrameContent.EMPTY).entries().values()) {
        Frame f = gpaToFrame(c, g);
        if (f != null) {
          out.add(f);
        }
      }
    }
    return out;
  }

  State withVcpu(int i, VCpu c) {
    List<VCpu> list = new ArrayList<>(vcpus);
    list.set(i, c);
    return new State(domains, frames, list);
  }

  State withFrame(Frame f, FrameContent content) {
    Map<Frame, FrameContent> map = new HashMap<>(frames);
    map.put(f, content);
    return new State(domains, map, vcpus);
  }

  State withDomain(Domain d) {
    Map<DomainId, Domain> map = new HashMap<>(domains);
    map.put(d.id(), d);
    return new State(map, frames, vcpus);
  }
}
