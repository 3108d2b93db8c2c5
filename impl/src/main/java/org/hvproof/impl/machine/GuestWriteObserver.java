package org.hvproof.impl.machine;

import java.util.List;
import org.hvproof.model.common.Observation;

/**
 * Told of every guest write the hypervisor carries out, one page's part at a time, with what the
 * services reported for that part: a checker's window on the machine (TRACE-1 and TRACE-2 on a
 * machine whose tracing service several services share), never a service. It must not change
 * any state.
 */
@FunctionalInterface
public interface GuestWriteObserver {
    /**
     * {@code cpu}, on its current view, wrote {@code length} bytes at {@code guestPhysicalAddress}
     * (within one page): a part of a guest write that was carried out, or a walk's accessed/dirty
     * update of an 8-byte table entry that a service emulated. {@code seen} is what the services
     * reported before it (notifications among them); {@code landed} whether the bytes reached
     * memory (a service may block a notified write).
     */
    void onWrite(VirtualCpu cpu, long guestPhysicalAddress, int length, List<Observation> seen, boolean landed);
}
