package org.hvproof.model.integrity;

import org.hvproof.model.tree.RequestCode;

/** Result codes of register, enter, exit, protect and unprotect; all but OK change nothing. */
public enum IntegrityCode {
    OK,
    UNKNOWN_VCPU,
    NOT_REGISTERED,
    ALREADY_REGISTERED,
    BAD_LAYOUT,
    WRONG_ENTRY_POINT,
    ALREADY_IN_INTEGRITY_MODE,
    NOT_IN_INTEGRITY_MODE,
    DRIVER_PAGE,
    UNALIGNED,
    EMPTY,
    TOO_LARGE,
    OUT_OF_RANGE,
    UNKNOWN_ACTION,
    OVERLAPS,
    NOT_PROTECTED,
    /** The protection store has no room for the pages (its node pool is used up): nothing changed. */
    STORE_FULL;

    /** The same refusal, as the range decoder names it. */
    static IntegrityCode of(RequestCode code) {
        return valueOf(code.name());
    }
}
