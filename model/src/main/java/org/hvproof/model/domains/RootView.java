package org.hvproof.model.domains;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hvproof.model.common.Transition;
import org.hvproof.model.domains.Ids.Frame;

/**
 * Exactly what the root domain can observe after one step: the observations of its own code
 * (reads, faults, gate entries) and every return of control to it (with the register it gets
 * back); the content of every frame outside the secure domains; and each vCPU as root sees it —
 * all of it while root runs, only which domain it is away in while secure code runs.
 */
public record RootView(List<DomainsObservation> events, Map<Frame, FrameContent> rootFrames, List<Object> vcpus) {

    public RootView {
        events = List.copyOf(events);
        rootFrames = Map.copyOf(rootFrames);
        vcpus = List.copyOf(vcpus);
    }

    private static final IdentityMemo<Map<Frame, FrameContent>, Map<Ids.DomainId, Domain>, Map<Frame, FrameContent>>
            ROOT_FRAMES = new IdentityMemo<>(16, RootView::rootFramesOf);

    /** Equal when every component is; the root frames compared through {@link IdentityMemo#equal} (they are immutable). */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof RootView v
                        && events.equals(v.events)
                        && vcpus.equals(v.vcpus)
                        && IdentityMemo.equal(rootFrames, v.rootFrames);
    }

    @Override
    public int hashCode() {
        return (31 * events.hashCode() + rootFrames.hashCode()) * 31 + vcpus.hashCode();
    }

    /** The root domain's view of one step. */
    public static RootView of(Transition<DomainsState, DomainsAction, DomainsObservation> step) {
        List<DomainsObservation> events = new ArrayList<>();
        for (DomainsObservation o : step.observations()) {
            if (o.domain().isRoot() || o instanceof DomainsObservation.Returned) {
                events.add(o);
            }
        }
        return new RootView(events, rootFrames(step.after()), vcpus(step.after()));
    }

    /** Every frame outside the secure domains with its content (immutable; derived once per frames and domains map). */
    static Map<Frame, FrameContent> rootFrames(DomainsState s) {
        return ROOT_FRAMES.get(s.frames(), s.domains());
    }

    private static Map<Frame, FrameContent> rootFramesOf(
            Map<Frame, FrameContent> frames, Map<Ids.DomainId, Domain> domains) {
        Set<Frame> secure = DomainsState.secureFramesOf(domains);
        Map<Frame, FrameContent> out = new HashMap<>();
        frames.forEach((f, c) -> {
            if (!secure.contains(f)) {
                out.put(f, c);
            }
        });
        return Map.copyOf(out);
    }

    /** Root vCPUs whole; secure vCPUs only as "away in domain d". */
    static List<Object> vcpus(DomainsState s) {
        List<Object> out = new ArrayList<>();
        for (DomainsVCpu c : s.vcpus()) {
            out.add(c.domain().isRoot() ? c : c.domain());
        }
        return out;
    }
}
