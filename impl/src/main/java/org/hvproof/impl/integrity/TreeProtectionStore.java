package org.hvproof.impl.integrity;

import java.util.Optional;
import java.util.SortedMap;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeCommitStep;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.RequestCode;

/**
 * The integrity service's protections kept in the traced tree (TREE-7): a protect is a tree
 * insert, an unprotect a tree remove, both through the tree's request path after its decoding; a
 * look-up is a walk from the base pointer reading the node pages from memory; the snapshot reads
 * the whole tree. The tree runs in its store role ({@link ProtectedPageTree#store}): it traces
 * and answers its node pages, in every view, while the protected pages are the integrity
 * service's to trace and to answer, so each write has one answerer. A request runs whole
 * ({@link #protect}, {@link #unprotect}) or in the micro-steps of the tree's commit ({@link
 * #startProtect}, {@link #startUnprotect}, then {@link #continueRequest}); the snapshot and
 * look-ups read the published tree throughout.
 *
 * <p>It lives in the integrity package because it is the integrity service's adapter: the tree
 * knows nothing of integrity mode, and the only way to a tree request is the service's checked one
 * (GI-5); no tree hypercall is registered on the machine.
 */
public final class TreeProtectionStore implements ProtectionStore {
    private final ProtectedPageTree tree;

    /** A store backed by {@code tree}, which must be in its store role and empty. */
    public TreeProtectionStore(ProtectedPageTree tree) {
        this.tree = tree;
    }

    /** The tree behind the store. */
    public ProtectedPageTree tree() {
        return tree;
    }

    @Override
    public Optional<AlertAction> actionOf(long page) {
        return tree.lookup(page).mapping();
    }

    @Override
    public boolean protect(PageRange range, AlertAction action) {
        RequestCode code = tree.protect(
                range.first() << PageRange.PAGE_SHIFT, range.count() << PageRange.PAGE_SHIFT, action.requestCode());
        if (code == RequestCode.POOL_EXHAUSTED) {
            return false;
        }
        expectOk(code, "protect", range);
        return true;
    }

    @Override
    public void unprotect(PageRange range) {
        expectOk(
                tree.unprotect(range.first() << PageRange.PAGE_SHIFT, range.count() << PageRange.PAGE_SHIFT),
                "unprotect",
                range);
    }

    /**
     * Starts a protect that runs in the micro-steps of the tree's commit ({@link #continueRequest}):
     * false when the tree refuses it for want of node pages (nothing changed, no lock held).
     */
    public boolean startProtect(PageRange range, AlertAction action) {
        RequestCode code = tree.startProtect(
                range.first() << PageRange.PAGE_SHIFT, range.count() << PageRange.PAGE_SHIFT, action.requestCode());
        if (code == RequestCode.POOL_EXHAUSTED) {
            return false;
        }
        expectOk(code, "protect", range);
        return true;
    }

    /** Starts an unprotect that runs in the micro-steps of the tree's commit ({@link #continueRequest}). */
    public void startUnprotect(PageRange range) {
        expectOk(
                tree.startUnprotect(range.first() << PageRange.PAGE_SHIFT, range.count() << PageRange.PAGE_SHIFT),
                "unprotect",
                range);
    }

    /** Runs the next micro-step of the request in flight; empty when none is. */
    public Optional<TreeCommitStep> continueRequest() {
        return tree.continueRequest();
    }

    /** Whether a request started here holds the tree lock. */
    public boolean requestInFlight() {
        return tree.requestInFlight();
    }

    /** The published tree's mappings (mid-request too: what the request has not published is not there). */
    @Override
    public SortedMap<Long, AlertAction> snapshot() {
        return tree.mappings();
    }

    /**
     * The service checked the range before asking (decoded, in guarded memory, no driver page, no
     * overlap, each page protected for an unprotect): any other refusal is a broken hypervisor.
     */
    private static void expectOk(RequestCode code, String request, PageRange range) {
        if (code != RequestCode.OK) {
            throw new IllegalStateException("the tree refused the checked " + request + " of " + range + ": " + code);
        }
    }
}
