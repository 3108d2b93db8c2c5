package org.hvproof.model.integrity;

/** Fixed parameters: guest memory size, number of vCPUs, largest request. */
public record IntegrityConfig(long guestPages, int vcpuCount, int maxPagesPerRequest) {
    public IntegrityConfig {
        if (guestPages <= 0 || vcpuCount <= 0 || maxPagesPerRequest <= 0) {
            throw new IllegalArgumentException("bad integrity config");
        }
    }

    /** 1024 pages, 2 vCPUs, at most 64 pages a request. */
    public static IntegrityConfig small() {
        return new IntegrityConfig(1024, 2, 64);
    }
}
