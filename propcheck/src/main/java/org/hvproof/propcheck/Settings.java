package org.hvproof.propcheck;

/**
 * Run settings; a {@code null} field means "not set here". Effective settings are layered, later
 * layers winning field by field: {@link #DEFAULTS}, then the property's builder, then system
 * properties ({@link #fromSystemProperties()}), then the overrides given to
 * {@link Property#run(Settings)} (e.g. by a CLI runner that did not write the property).
 *
 * @param tries        number of test cases to generate (valid ones; discarded cases do not count)
 * @param seed         seed of the run; random when unset
 * @param maxSteps     maximum number of actions per trace of a stateful property
 * @param shrinkBudget maximum number of property evaluations spent shrinking
 * @param replay       a replay token: run exactly that case instead of generating
 * @param quiet        when true, nothing is printed (the result still holds the report)
 * @param rerun        the form of the rerun hints in failure reports ({@link Rerun#MAVEN} by default)
 * @param fullState    when true, a failure report prints the whole state after the failing step besides what
 *                     each step changed (off by default: the changes are what a reader needs first)
 */
public record Settings(
        Integer tries,
        Long seed,
        Integer maxSteps,
        Integer shrinkBudget,
        String replay,
        Boolean quiet,
        Rerun rerun,
        Boolean fullState) {

    /** System property: number of tries. */
    public static final String TRIES = "propcheck.tries";
    /** System property: seed of every property run. */
    public static final String SEED = "propcheck.seed";
    /** System property: replay token (applies only to the property it was printed for). */
    public static final String REPLAY = "propcheck.replay";
    /** System property: maximum actions per trace. */
    public static final String MAX_STEPS = "propcheck.steps";
    /** System property: shrink budget in property evaluations. */
    public static final String SHRINK_BUDGET = "propcheck.shrinkBudget";
    /** System property: "true" to print nothing. */
    public static final String QUIET = "propcheck.quiet";
    /** System property: "true" to print the whole state after the failing step, not only what changed. */
    public static final String FULL_STATE = "propcheck.fullState";

    /** Built-in defaults: 100 tries, random seed, 50 steps, 5000 shrink evaluations, printing on. */
    public static final Settings DEFAULTS = new Settings(100, null, 50, 5000, null, false, Rerun.MAVEN, false);

    /** Checks bounds of the fields that are set. */
    public Settings {
        if (tries != null && tries < 1) {
            throw new IllegalArgumentException("tries must be >= 1, was " + tries);
        }
        if (maxSteps != null && maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be >= 1, was " + maxSteps);
        }
        if (shrinkBudget != null && shrinkBudget < 0) {
            throw new IllegalArgumentException("shrinkBudget must be >= 0, was " + shrinkBudget);
        }
    }

    /** Settings with nothing set: overriding with it changes nothing. */
    public static Settings none() {
        return new Settings(null, null, null, null, null, null, null, null);
    }

    /** The settings given as system properties ({@code -Dpropcheck.tries=N} etc.); unset ones are null. */
    public static Settings fromSystemProperties() {
        return new Settings(
                intProperty(TRIES),
                longProperty(SEED),
                intProperty(MAX_STEPS),
                intProperty(SHRINK_BUDGET),
                blankToNull(System.getProperty(REPLAY)),
                System.getProperty(QUIET) == null
                        ? null
                        : Boolean.parseBoolean(System.getProperty(QUIET).trim()),
                null,
                System.getProperty(FULL_STATE) == null
                        ? null
                        : Boolean.parseBoolean(System.getProperty(FULL_STATE).trim()));
    }

    /** These settings with every field set in {@code over} replaced by its value. */
    public Settings overriddenBy(Settings over) {
        return new Settings(
                over.tries != null ? over.tries : tries,
                over.seed != null ? over.seed : seed,
                over.maxSteps != null ? over.maxSteps : maxSteps,
                over.shrinkBudget != null ? over.shrinkBudget : shrinkBudget,
                over.replay != null ? over.replay : replay,
                over.quiet != null ? over.quiet : quiet,
                over.rerun != null ? over.rerun : rerun,
                over.fullState != null ? over.fullState : fullState);
    }

    /** A copy with the number of tries set. */
    public Settings withTries(int n) {
        return new Settings(n, seed, maxSteps, shrinkBudget, replay, quiet, rerun, fullState);
    }

    /** A copy with the seed set. */
    public Settings withSeed(long s) {
        return new Settings(tries, s, maxSteps, shrinkBudget, replay, quiet, rerun, fullState);
    }

    /** A copy with the maximum trace length set. */
    public Settings withMaxSteps(int n) {
        return new Settings(tries, seed, n, shrinkBudget, replay, quiet, rerun, fullState);
    }

    /** A copy with the shrink budget (property evaluations) set. */
    public Settings withShrinkBudget(int n) {
        return new Settings(tries, seed, maxSteps, n, replay, quiet, rerun, fullState);
    }

    /** A copy that replays the given token instead of generating. */
    public Settings withReplay(String token) {
        return new Settings(tries, seed, maxSteps, shrinkBudget, token, quiet, rerun, fullState);
    }

    /** A copy whose failure reports give rerun hints in {@code r}'s form. */
    public Settings withRerun(Rerun r) {
        return new Settings(tries, seed, maxSteps, shrinkBudget, replay, quiet, r, fullState);
    }

    /** A copy with printing switched off or on. */
    public Settings withQuiet(boolean q) {
        return new Settings(tries, seed, maxSteps, shrinkBudget, replay, q, rerun, fullState);
    }

    /** A copy whose failure reports print the whole state after the failing step (or only what changed). */
    public Settings withFullState(boolean full) {
        return new Settings(tries, seed, maxSteps, shrinkBudget, replay, quiet, rerun, full);
    }

    private static Integer intProperty(String key) {
        String v = blankToNull(System.getProperty(key));
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + key + " must be an integer, was \"" + v + "\"", e);
        }
    }

    private static Long longProperty(String key) {
        String v = blankToNull(System.getProperty(key));
        if (v == null) {
            return null;
        }
        try {
            return Long.valueOf(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + key + " must be an integer, was \"" + v + "\"", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
