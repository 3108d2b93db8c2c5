package org.hvproof.impl.integrity;

import java.util.Optional;
import java.util.SortedMap;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;

/**
 * The hypervisor's table of requested protections, keyed by guest-physical page number, kept
 * where no guest write changes it unseen. The integrity service is its only writer and calls it
 * only after its own checks (mode, arguments, driver pages, overlaps), so a range it is given is
 * valid; the store may still run out of room ({@link #protect} is then refused and changes nothing).
 */
public interface ProtectionStore {
    /** The action protecting {@code page}, if it is protected. */
    Optional<AlertAction> actionOf(long page);

    /**
     * Protects every page of {@code range} (none protected yet) with {@code action}, all or
     * nothing: false, and nothing changed, when the store has no room for them.
     */
    boolean protect(PageRange range, AlertAction action);

    /** Removes the protection of every page of {@code range} (each protected). */
    void unprotect(PageRange range);

    /** Every protection, by page. */
    SortedMap<Long, AlertAction> snapshot();
}
