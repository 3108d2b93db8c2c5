package org.hvproof.impl.integrity;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.model.tree.AlertAction;

/** A {@link ProtectionStore} as a balanced search tree of pages (a red-black tree) in hypervisor memory. */
public final class SortedProtectionStore implements ProtectionStore {
    private final TreeMap<Long, AlertAction> byPage = new TreeMap<>();

    @Override
    public Optional<AlertAction> actionOf(long page) {
        return Optional.ofNullable(byPage.get(page));
    }

    @Override
    public void put(long page, AlertAction action) {
        byPage.put(page, action);
    }

    @Override
    public void remove(long page) {
        byPage.remove(page);
    }

    @Override
    public SortedMap<Long, AlertAction> snapshot() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(byPage));
    }
}
