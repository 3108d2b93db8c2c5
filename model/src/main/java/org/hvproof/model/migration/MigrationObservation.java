package org.hvproof.model.migration;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Notation;

/** What the VM and the operator see of one step. */
public sealed interface MigrationObservation {

    /** The action was refused or a descriptor rejected: an error code and an alert to the operator. */
    record Alert(MigrationCode code) implements MigrationObservation {
        @Override
        public String toString() {
            return "alert: " + Notation.words(code);
        }
    }

    /** The VM read {@code data} at {@code offset} of data page {@code page}. */
    record ValueRead(long page, int offset, Bytes data) implements MigrationObservation {
        @Override
        public String toString() {
            return "read " + data + " at " + Notation.gpp(page) + " offset " + Notation.hex(offset);
        }
    }

    /** The completion interrupt of request {@code id} reached the VM. */
    record CompletionSeen(long id) implements MigrationObservation {
        @Override
        public String toString() {
            return "VM sees completion of request " + id;
        }
    }

    /** The migration switched over; its report. */
    record Reported(MigrationReport report) implements MigrationObservation {
        @Override
        public String toString() {
            return "switched over: " + report;
        }
    }
}
