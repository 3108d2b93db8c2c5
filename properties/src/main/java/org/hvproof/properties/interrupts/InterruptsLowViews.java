package org.hvproof.properties.interrupts;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hvproof.impl.interrupts.InterruptsSystem;

/**
 * INT-1's comparison of two interrupts guests' low views on their machines, the guest alone or on
 * a shared machine: their low registers ({@link InterruptsSystem#lowRegisters}), then every
 * readable page, whose bytes are compared again only when either frame's write stamp moved since
 * they were last found equal (the reason it keeps state: one instance per pair of runs).
 */
public final class InterruptsLowViews {
    /** Readable pages last found equal in both machines, with the two frames' write stamps then. */
    private final Map<Long, long[]> equalPages = new HashMap<>();

    /** Where the low views of {@code a} and {@code b} differ after {@code action}, if they do. */
    public Optional<String> difference(InterruptsSystem a, InterruptsSystem b, Object action) {
        List<Long> ra = a.lowRegisters();
        List<Long> rb = b.lowRegisters();
        if (!ra.equals(rb)) {
            return Optional.of("after [" + action + "] low code sees the two machines' registers differ (16 general,"
                    + " flags, ip, frames):\n    A: " + ra + "\n    B: " + rb);
        }
        List<InterruptsSystem.ReadablePage> pa = a.readablePages();
        List<InterruptsSystem.ReadablePage> pb = b.readablePages();
        if (pa.size() != pb.size()) {
            return Optional.of(
                    "after [" + action + "] the guest can read " + pa.size() + " pages in A, " + pb.size() + " in B");
        }
        for (int i = 0; i < pa.size(); i++) {
            InterruptsSystem.ReadablePage ga = pa.get(i);
            InterruptsSystem.ReadablePage gb = pb.get(i);
            if (ga.page() != gb.page()) {
                return Optional.of(
                        "after [" + action + "] readable page " + ga.page() + " in A is " + gb.page() + " in B");
            }
            long[] known = equalPages.get(ga.page());
            if (known != null && known[0] == ga.stamp() && known[1] == gb.stamp()) {
                continue;
            }
            if (!Arrays.equals(ga.bytes(), gb.bytes())) {
                return Optional.of("after [" + action + "] the bytes of readable guest page 0x"
                        + Long.toHexString(ga.page()) + " differ between the two machines");
            }
            equalPages.put(ga.page(), new long[] {ga.stamp(), gb.stamp()});
        }
        return Optional.empty();
    }
}
