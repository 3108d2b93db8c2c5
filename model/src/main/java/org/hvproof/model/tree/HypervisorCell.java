package org.hvproof.model.tree;

import java.util.Optional;

/**
 * The base pointer: the root node's page, held in hypervisor memory. It is a value of the
 * state, not a guest page, so no guest access of any kind can name it (TREE-6).
 */
public record HypervisorCell(Optional<Long> rootPage) {
    public static final HypervisorCell EMPTY = new HypervisorCell(Optional.empty());

    public static HypervisorCell pointingAt(long page) {
        return new HypervisorCell(Optional.of(page));
    }
}
