package org.hvproof.specs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import kodkod.engine.satlab.SATFactory;
import kodkod.engine.satlab.SATSolver;
import kodkod.solvers.SAT4J;
import org.sat4j.minisat.SolverFactory;
import org.sat4j.specs.ISolver;

/**
 * Stops one command's translation and solving when its time limit is up, as far as the solver
 * allows: translation stops at the next progress callback ({@link #check()} throws), SAT4J stops
 * its search ({@link ISolver#expireTimeout()}), a native solver cannot be stopped and runs on in
 * its abandoned daemon thread. The runner reports the timeout at the deadline either way.
 */
final class SolveCancellation {
    private final List<ISolver> sat4jSolvers = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    /** Thrown from a progress callback of a cancelled command, to end its translation. */
    static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled: the command's time limit is up", null, false, false);
        }
    }

    /** The factory for solver {@code id}; a SAT4J solver it creates can be stopped by {@link #cancel()}. */
    SATFactory factory(String id) {
        return SolverChoice.JAVA_FALLBACK.equals(id) ? new StoppableSat4j(this) : SolverChoice.factory(id);
    }

    /** Asks the command to stop; returns at once. */
    void cancel() {
        cancelled = true;
        for (ISolver s : sat4jSolvers) {
            s.expireTimeout();
        }
    }

    /** Throws {@link Cancelled} once {@link #cancel()} was called. */
    void check() {
        if (cancelled) {
            throw new Cancelled();
        }
    }

    /** SAT4J as Kodkod's own factory builds it, keeping each solver so {@link #cancel()} can expire it. */
    private static final class StoppableSat4j extends SATFactory {
        private static final long serialVersionUID = 1L;
        private final transient SolveCancellation owner;

        StoppableSat4j(SolveCancellation owner) {
            this.owner = owner;
        }

        @Override
        public String id() {
            return SolverChoice.JAVA_FALLBACK;
        }

        @Override
        public String type() {
            return "java";
        }

        @Override
        public boolean incremental() {
            return true;
        }

        @Override
        protected SATSolver createSolver() {
            owner.check();
            ISolver solver = SolverFactory.instance().defaultSolver();
            owner.sat4jSolvers.add(solver);
            return new SAT4J(solver);
        }
    }
}
