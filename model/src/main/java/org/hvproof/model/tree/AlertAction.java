package org.hvproof.model.tree;

import java.util.Optional;

/** What the hypervisor does when a monitored page is written. */
public enum AlertAction {
    /** Record the alert, then let the write complete. */
    RECORD_AND_ALLOW(1, true),
    /** Record the alert and drop the write. */
    BLOCK(2, false),
    /** The action for pages that store tree nodes: record and drop the write (not requestable). */
    TREE_NODE(0, false);

    private final int requestCode;
    private final boolean completesWrite;

    AlertAction(int requestCode, boolean completesWrite) {
        this.requestCode = requestCode;
        this.completesWrite = completesWrite;
    }

    /** The raw code a protection request names this action by (0 is reserved). */
    public int requestCode() {
        return requestCode;
    }

    /** Whether the guest's write completes after the alert. */
    public boolean completesWrite() {
        return completesWrite;
    }

    /** Decodes a raw request code; the tree-node action and unknown codes decode to empty. */
    public static Optional<AlertAction> fromRequestCode(long code) {
        if (code == RECORD_AND_ALLOW.requestCode) {
            return Optional.of(RECORD_AND_ALLOW);
        }
        if (code == BLOCK.requestCode) {
            return Optional.of(BLOCK);
        }
        return Optional.empty();
    }
}
