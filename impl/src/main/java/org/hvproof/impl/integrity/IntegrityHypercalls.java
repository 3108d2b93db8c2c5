package org.hvproof.impl.integrity;

import java.util.Optional;
import org.hvproof.model.integrity.IntegrityCode;

/**
 * The integrity driver's hypercall interface: numbers (in RAX), arguments and status codes.
 *
 * <p>Arguments go in RBX, RCX, RDX as for every hypercall; registration needs five, so its fourth
 * and fifth are in RSI and RDI. The status comes back in RAX: 0 for {@link IntegrityCode#OK},
 * {@link #STATUS_BASE} plus the code's ordinal for every refusal, clear of the core's own
 * error codes.
 */
public final class IntegrityHypercalls {
    /** Register: RBX code start, RCX code length, RDX data start, RSI data length, RDI entry point (bytes). */
    public static final long REGISTER = 0x4900;
    /** Enter integrity mode; the caller's instruction pointer is what is checked. */
    public static final long ENTER = 0x4901;
    /** Leave integrity mode. */
    public static final long EXIT = 0x4902;
    /** Protect: RBX start, RCX length (bytes, page-aligned), RDX alert-action code. */
    public static final long PROTECT = 0x4903;
    /** Unprotect: RBX start, RCX length. */
    public static final long UNPROTECT = 0x4904;

    /** Register index of the fourth argument (RSI). */
    public static final int FOURTH_ARGUMENT_REGISTER = 6;
    /** Register index of the fifth argument (RDI). */
    public static final int FIFTH_ARGUMENT_REGISTER = 7;
    /**
     * The handler's answer while a protect or unprotect runs in micro-steps: no status yet, the
     * calling vCPU stays in the hypervisor until the request's commit ends (its status is written
     * to RAX then). No guest ever reads it.
     */
    public static final long IN_FLIGHT = -1L;
    /** Refusal statuses start here. */
    public static final long STATUS_BASE = 0x100;

    private IntegrityHypercalls() {}

    /** The status the guest sees in RAX for {@code code}. */
    public static long status(IntegrityCode code) {
        return code == IntegrityCode.OK ? 0 : STATUS_BASE + code.ordinal();
    }

    /** The code a status stands for, if it is one of this interface's. */
    public static Optional<IntegrityCode> code(long status) {
        if (status == 0) {
            return Optional.of(IntegrityCode.OK);
        }
        long index = status - STATUS_BASE;
        IntegrityCode[] codes = IntegrityCode.values();
        return index > 0 && index < codes.length ? Optional.of(codes[(int) index]) : Optional.empty();
    }
}
