package org.hvproof.model.migration;

import org.hvproof.model.common.Bytes;

/** What the VM and the operator see of one step. */
public sealed interface MigrationObservation {

    /** The action was refused or a descriptor rejected: an error code and an alert to the operator. */
    record Alert(MigrationCode code) implements MigrationObservation {}

    /** The VM read {@code data} at {@code offset} of data page {@code page}. */
    record ValueRead(long page, int offset, Bytes data) implements MigrationObservation {}

    /** The completion interrupt of request {@code id} reached the VM. */
    record CompletionSeen(long id) implements MigrationObservation {}

    /** The migration switched over; its report. */
    record Reported(MigrationReport report) implements MigrationObservation {}
}
