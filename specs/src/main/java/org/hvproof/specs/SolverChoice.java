package org.hvproof.specs;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import kodkod.engine.satlab.SATFactory;
import kodkod.engine.satlab.SATSolver;

/**
 * Chooses the SAT solver. By default ({@code null}, blank or {@code auto}) the native
 * MiniSat where its library loads, SAT4J (pure Java, always available) otherwise. A name
 * overrides the default; a name that is not known, or a native solver that does not load,
 * is an error that lists the choices rather than a silent substitute.
 *
 * <p>Glucose is selectable but never the default: it prints to the process's native
 * stdout, which corrupts Surefire's channel to forked test JVMs.
 */
public final class SolverChoice {

    /** Ask for the default choice. */
    public static final String AUTO = "auto";

    /** The solvers that can be named, in order of preference for nothing but listing. */
    public static final List<String> NAMES = List.of("sat4j", "minisat", "minisat.prover", "glucose");

    static final String NATIVE_DEFAULT = "minisat";
    static final String JAVA_FALLBACK = "sat4j";

    private static final ConcurrentHashMap<String, Boolean> LOADS = new ConcurrentHashMap<>();

    private SolverChoice() {}

    /**
     * The solver id to use for {@code requested}, given which solvers {@code loads} on this
     * machine. Pure, so the fallback can be tested without breaking a native library.
     *
     * @throws IllegalArgumentException for an unknown name, or a named solver that does not load
     */
    public static String resolve(String requested, Predicate<String> loads) {
        if (requested == null || requested.isBlank() || requested.strip().equalsIgnoreCase(AUTO)) {
            return loads.test(NATIVE_DEFAULT) ? NATIVE_DEFAULT : JAVA_FALLBACK;
        }
        String name = requested.strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown SAT solver '" + requested + "'; valid solvers: "
                    + String.join(", ", NAMES) + " (or " + AUTO + ": minisat where it loads, else sat4j)");
        }
        if (!loads.test(name)) {
            throw new IllegalArgumentException("SAT solver '" + name + "' does not load on this machine"
                    + " (its native library is missing or incompatible); use " + JAVA_FALLBACK
                    + " or " + AUTO);
        }
        return name;
    }

    /** {@link #resolve(String, Predicate)} against the solvers that really load here. */
    public static String resolve(String requested) {
        return resolve(requested, SolverChoice::loads);
    }

    /** The Kodkod factory for a resolved solver id. */
    static SATFactory factory(String id) {
        return SATFactory.get(id);
    }

    /**
     * True when {@code id} can create a solver instance in this JVM (probed once, then
     * remembered). A native solver that fails to load throws a {@link LinkageError} here.
     */
    public static boolean loads(String id) {
        return LOADS.computeIfAbsent(id, SolverChoice::probe);
    }

    private static boolean probe(String id) {
        try {
            SATFactory factory = SATFactory.get(id);
            if (factory == null) {
                return false;
            }
            SATSolver solver = factory.instance();
            solver.free();
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
