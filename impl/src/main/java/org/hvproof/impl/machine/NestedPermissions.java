package org.hvproof.impl.machine;

import org.hvproof.model.common.AccessKind;

/** The rights a nested page-table entry grants on a guest-physical page: read, write, execute. */
public record NestedPermissions(boolean read, boolean write, boolean execute) {
    /** Read, write and execute. */
    public static final NestedPermissions RWX = new NestedPermissions(true, true, true);
    /** Read and execute: a write-traced page. */
    public static final NestedPermissions RX = new NestedPermissions(true, false, true);
    /** Execute only: fetches pass, every read and write of the page exits (code holding a secret). */
    public static final NestedPermissions EXECUTE_ONLY = new NestedPermissions(false, false, true);

    /** Whether these rights allow {@code access}. */
    public boolean allows(AccessKind access) {
        return switch (access) {
            case READ -> read;
            case WRITE -> write;
            case EXECUTE -> execute;
        };
    }

    /** These rights with write set to {@code w}. */
    public NestedPermissions withWrite(boolean w) {
        return new NestedPermissions(read, w, execute);
    }

    /** These rights with execute set to {@code x}. */
    public NestedPermissions withExecute(boolean x) {
        return new NestedPermissions(read, write, x);
    }

    /** Whether the entry is present at all (EPT: any of R, W, X set). */
    public boolean present() {
        return read || write || execute;
    }
}
