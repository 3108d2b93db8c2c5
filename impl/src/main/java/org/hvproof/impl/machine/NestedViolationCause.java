package org.hvproof.impl.machine;

/** Why a nested page-table walk refused an access (the EPT-violation qualification, simplified). */
public enum NestedViolationCause {
    /** Some level of the nested walk was not present, or the address is beyond its 48 bits. */
    NOT_PRESENT,
    /** The entry is present but does not allow the access (e.g. a write to a write-traced page). */
    PERMISSION,
    /** An entry on the walk has reserved bits set (a large leaf at level 4, or an unaligned one): an EPT misconfiguration. */
    MISCONFIGURATION
}
