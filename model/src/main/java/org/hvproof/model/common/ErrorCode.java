package org.hvproof.model.common;

/** Status codes the hypervisor returns for refused requests; never an exception. */
public enum ErrorCode {
    /** The request was carried out. */
    OK(0),
    /** No hypercall has that number. */
    UNKNOWN_HYPERCALL(1),
    /** The caller's privilege does not allow the request. */
    PERMISSION_DENIED(2),
    /** An address, page or index lies outside what the machine has. */
    OUT_OF_RANGE(3),
    /** The owner named holds no such trace. */
    NOT_OWNER(4),
    /** No vCPU has that id. */
    NO_SUCH_VCPU(5),
    /** The page is reserved for the guest's page tables and may not be mapped as data. */
    RESERVED_PAGE(6),
    /** Host or guest page-table memory ran out. */
    OUT_OF_MEMORY(7),
    /** An argument is malformed (e.g. a non-canonical address). */
    INVALID_ARGUMENT(8),
    /** The hypervisor is still carrying out an earlier request (one at a time, on vCPU 0). */
    BUSY(9);

    private final long code;

    ErrorCode(long code) {
        this.code = code;
    }

    /** The number the guest sees in its result register. */
    public long code() {
        return code;
    }
}
