package org.hvproof.model.common;

/** A virtual CPU of the guest, named by its index; the subject of every guest action. */
public record VCpu(int id) implements Comparable<VCpu> {
    /** Rejects negative ids, which no machine has. */
    public VCpu {
        if (id < 0) {
            throw new IllegalArgumentException("vCPU id must be >= 0, was " + id);
        }
    }

    @Override
    public int compareTo(VCpu other) {
        return Integer.compare(id, other.id);
    }

    @Override
    public String toString() {
        return "vcpu" + id;
    }
}
