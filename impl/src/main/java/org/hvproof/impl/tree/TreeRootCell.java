package org.hvproof.impl.tree;

import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.tree.TreeConfig;

/**
 * The tree's cell in hypervisor memory, out of every guest's reach (TREE-6): the base pointer
 * (the root's page), the height and the count of mapped pages; under
 * {@link TreeImplFlaw#WALK_FROM_GUEST_POINTER}, also the guest page the walk trusts instead.
 */
final class TreeRootCell {
    /** No page: no tree, or no pool page left. */
    static final long NONE = -1;

    private final Hypervisor hypervisor;
    private final TreeConfig config;
    private final TreeImplFlaw flaw;
    private long rootPage = NONE;
    private int height = -1;
    private long mapped;

    TreeRootCell(Hypervisor hypervisor, TreeConfig config, TreeImplFlaw flaw) {
        this.hypervisor = hypervisor;
        this.config = config;
        this.flaw = flaw;
    }

    /** The page every walk starts from: the root's, or {@link #NONE}. */
    long basePointer() {
        if (flaw == TreeImplFlaw.WALK_FROM_GUEST_POINTER && config.poolFirst() > 0) {
            // FLAW: the walk trusts a pointer the guest can write (stored as page + 1; 0 = none).
            long stored = hypervisor.machine().peekGuestPhysicalLong(ViewId.DEFAULT, guestPointerPage() << 12);
            return stored == 0 ? NONE : stored - 1;
        }
        return rootPage;
    }

    /** Levels below the root; -1 for no tree. */
    int height() {
        return height;
    }

    /** Mapped pages. */
    long mapped() {
        return mapped;
    }

    /** The guest page that holds the base pointer under {@link TreeImplFlaw#WALK_FROM_GUEST_POINTER}. */
    long guestPointerPage() {
        return config.poolFirst() - 1;
    }

    /** Stores a request's outcome. */
    void store(long root, int levels, long mappedPages) {
        rootPage = root;
        height = levels;
        mapped = mappedPages;
        if (flaw == TreeImplFlaw.WALK_FROM_GUEST_POINTER && config.poolFirst() > 0) {
            hypervisor.storeGuestPhysicalLong(ViewId.DEFAULT, guestPointerPage() << 12, root == NONE ? 0 : root + 1);
        }
    }
}
