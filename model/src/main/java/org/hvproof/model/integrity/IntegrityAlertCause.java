package org.hvproof.model.integrity;

/** Why an alert was raised. */
public enum IntegrityAlertCause {
    /** A write to a driver code or data page that the writer's view monitors. */
    DRIVER_PAGE,
    /** A write to a page protected by request. */
    PROTECTED_PAGE,
    /** A call into integrity mode from anywhere but the registered entry point. */
    WRONG_ENTRY,
    /** A protect or unprotect request from outside integrity mode. */
    REFUSED_REQUEST,
    /** A registration after the first. */
    SECOND_REGISTRATION,
    /** A fault in integrity mode (a fetch outside the driver's code included) ended the mode. */
    FAULT_IN_INTEGRITY_MODE
}
