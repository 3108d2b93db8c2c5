package org.hvproof.propcheck;

/**
 * How a failure report tells its reader to run the search again or to replay the minimal case,
 * in the form of the tool they ran it from. The default speaks to a JUnit run under Maven
 * ({@code -Dpropcheck.seed=…}); a command-line front end passes its own (such as
 * {@code ./hvproof check --claim TRACE-1 --replay …}), since a Maven flag means nothing there.
 */
public interface Rerun {
    /** The hint to rerun the search that found the failure, given the property's seed. */
    String search(long seed);

    /** The hint to rerun exactly the minimal case, given its replay token. */
    String exactly(String token);

    /** The switch that prints the whole state after the failing step, in this tool's form. */
    default String fullState() {
        return "-D" + Settings.FULL_STATE + "=true";
    }

    /** The Maven/JUnit form: system properties read by {@link Settings#fromSystemProperties()}. */
    Rerun MAVEN = new Rerun() {
        @Override
        public String search(long seed) {
            return "-D" + Settings.SEED + "=" + seed;
        }

        @Override
        public String exactly(String token) {
            return "-D" + Settings.REPLAY + "=" + token;
        }
    };
}
