package org.hvproof.properties.composed;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.impl.integrity.IntegritySystem;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.properties.integrity.IntegrityTrace;

/**
 * The integrity store's protect and unprotect on the composed machine, run as the integrity
 * traces run them: in the micro-steps of the tree's commit, inside the hypercall's exit, one
 * micro-step before and one after every later action of any guest (so the other guests' actions,
 * and the other integrity vCPU's, happen between them). An integrity action of the caller's vCPU
 * (in the hypervisor until the commit ends) or one needing the tree lock (protect, unprotect,
 * registration) first waits for the request in flight to finish; no other guest's action waits
 * (the tree's trace requests in the commit's micro-steps run beside a request the tracing guest
 * left pending in its own view). The model takes a request at its publication: {@link #taken} lists,
 * in the machine's order, what the model takes for the last action (a request published before
 * it, the action itself unless it started a request, a request published after it), and {@link
 * #pieces} what the machine showed for each.
 */
final class StoreMicroSteps {
    private final IntegritySystem store;
    /** The request started by an earlier action and not yet published (null: none). */
    private ComposedSystemAction.Integrity pending;

    private List<ComposedSystemAction> taken = List.of();
    private List<List<Object>> pieces = List.of();
    private boolean insideCommit;

    /** Makes {@code system}'s integrity service run its requests in micro-steps, driven from here. */
    StoreMicroSteps(ComposedSystem system) {
        this.store = system.integrity();
        store.runRequestsInMicroSteps(true);
    }

    /**
     * Runs {@code action} with {@code run} (the composed machine's {@code apply}) and the
     * micro-steps of the request in flight around it; returns everything the machine showed, in
     * order.
     */
    List<Object> run(ComposedSystemAction action, Function<ComposedSystemAction, List<Object>> run) {
        List<ComposedSystemAction> nowTaken = new ArrayList<>();
        List<List<Object>> nowPieces = new ArrayList<>();
        taken = nowTaken;
        pieces = nowPieces;
        List<Object> seen = new ArrayList<>();
        boolean wasInFlight = store.requestInFlight();
        if (wasInFlight
                && action instanceof ComposedSystemAction.Integrity i
                && IntegrityTrace.waitsForRequest(i.action(), store.requestCaller())) {
            seen.addAll(published(store.finishRequest()));
            wasInFlight = false;
        } else if (wasInFlight) {
            seen.addAll(published(store.continueRequest()));
            wasInFlight = store.requestInFlight();
        }
        insideCommit = wasInFlight;
        List<Object> own = List.copyOf(run.apply(action));
        seen.addAll(own);
        if (action instanceof ComposedSystemAction.Integrity i && !wasInFlight && store.requestInFlight()) {
            pending = i; // started: the model takes it at its publication
        } else {
            nowTaken.add(action);
            nowPieces.add(own);
        }
        if (wasInFlight) {
            seen.addAll(published(store.continueRequest()));
        }
        return seen;
    }

    /** A micro-step's observations: a result means the pending request published now, and the model takes it here. */
    private List<IntegrityObservation> published(List<IntegrityObservation> seen) {
        if (!seen.isEmpty() && pending != null) {
            taken.add(pending);
            pieces.add(List.copyOf(seen));
            pending = null;
        }
        return seen;
    }

    /** What the model takes for the last action, in the machine's order (empty: it started a request, and none published). */
    List<ComposedSystemAction> taken() {
        return List.copyOf(taken);
    }

    /** What the machine showed for each of {@link #taken}. */
    List<List<Object>> pieces() {
        return List.copyOf(pieces);
    }

    /** Whether the last action ran while a store request was in flight, between two of its micro-steps. */
    boolean insideCommit() {
        return insideCommit;
    }

    /** The vCPU number of the caller of the request in flight (in the hypervisor until its commit ends); -1 when none is. */
    int caller() {
        return store.requestCaller();
    }
}
