package org.hvproof.impl.machine;

/** A hypervisor service told about the interrupts and exceptions a vCPU takes (integrity mode ends on them). */
@FunctionalInterface
public interface VcpuEventHandler {
    /** Hears {@code event} on {@code cpu}; may change hypervisor state and the vCPU's view; must not throw. */
    void onEvent(VirtualCpu cpu, VcpuEvent event);
}
