package org.hvproof.impl.integrity;

import java.util.Optional;
import java.util.SortedMap;
import org.hvproof.model.tree.AlertAction;

/**
 * The hypervisor's table of requested protections, keyed by guest-physical page number, in
 * hypervisor memory no guest access reaches. The integrity service is its only writer; a traced
 * tree (the tree mechanism) can stand behind this interface later.
 */
public interface ProtectionStore {
    /** The action protecting {@code page}, if it is protected. */
    Optional<AlertAction> actionOf(long page);

    /** Protects {@code page} with {@code action}, replacing any earlier action. */
    void put(long page, AlertAction action);

    /** Removes {@code page}'s protection, if any. */
    void remove(long page);

    /** Every protection, by page. */
    SortedMap<Long, AlertAction> snapshot();
}
