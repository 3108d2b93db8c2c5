package org.hvproof.model.migration;

/** Where the hypervisor synchronises the two buffers, chosen per run. */
public enum MigrationStrategy {
    /**
     * At the trapped doorbell (the request's data copied from the vCPU buffer to the device
     * buffer before the request is forwarded) and at the intercepted completion (the device's
     * output copied back, its changed pages marked dirty, before the VM sees the completion).
     */
    DOORBELL_AND_COMPLETION,
    /**
     * At every VM access to a vCPU buffer page, which exits: the device buffer's page is copied
     * into the vCPU buffer first (changed pages marked dirty), and a write is written through to
     * the device buffer; doorbells and completions pass untrapped.
     */
    TRAP_VCPU_ACCESS
}
