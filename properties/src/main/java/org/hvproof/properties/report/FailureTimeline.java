package org.hvproof.properties.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.StateDiff;

/**
 * A failed property's minimal trace as index.html draws it: one row per step with its vCPU, its
 * action, what was observed, what it changed in the state and the state after it; the violated
 * check marked at its step with what it saw; the command that replays the case.
 *
 * @param steps       step 0 (the initial state) and then one per action, up to the failing one
 * @param failingStep the step the check failed after (0: the initial state)
 * @param check       the violated invariant or check
 * @param message     what the check saw
 * @param replay      the command that replays exactly this case
 */
public record FailureTimeline(List<Step> steps, int failingStep, String check, String message, String replay) {
    public FailureTimeline {
        steps = List.copyOf(steps);
    }

    /**
     * One step of the trace.
     *
     * @param number       0 for the initial state, then 1, 2, ...
     * @param vcpu         the vCPU the action names ({@code vCPU 0}), or empty
     * @param action       the action in the domain's notation; empty for step 0
     * @param observations what an observer saw of the step (the harness's {@code observed} line), or empty
     * @param diff         what the step changed in the state ({@code - before}, {@code + after})
     * @param state        the whole state after the step
     */
    public record Step(int number, String vcpu, String action, String observations, List<String> diff, String state) {
        public Step {
            diff = List.copyOf(diff);
        }
    }

    /** How a harness state description names the step's observations: its first line starts with this. */
    public static final String OBSERVED = StateDiff.EVENT;

    private static final Pattern VCPU = Pattern.compile("(?i)\\bvcpu ?(\\d+)");

    /**
     * The timeline of a failed stateful property, or null when the result has no described trace (it
     * passed, failed a coverage minimum, or is a value property).
     */
    public static FailureTimeline of(PropertyResult r, String replayCommand) {
        List<String> states = r.states();
        if (r.passed() || states.isEmpty() || r.failingStep() < 0) {
            return null;
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            String action = i == 0
                    ? ""
                    : i - 1 < r.counterexample().size() ? r.counterexample().get(i - 1) : "";
            String before = i == 0 ? null : withoutObservations(states.get(i - 1));
            String after = withoutObservations(states.get(i));
            List<String> diff =
                    i == 0 ? List.of() : StateDiff.between(before, after).lines();
            steps.add(new Step(
                    i,
                    vcpuOf(action),
                    action,
                    observationsOf(states.get(i)),
                    diff,
                    after.stripIndent().strip()));
        }
        return new FailureTimeline(
                steps,
                r.failingStep(),
                r.failedCheck() == null ? "" : r.failedCheck(),
                r.failureMessage() == null ? "" : r.failureMessage(),
                replayCommand == null ? "" : replayCommand);
    }

    /** The vCPU an action names, as {@code vCPU n}; empty when it names none. */
    static String vcpuOf(String action) {
        Matcher m = VCPU.matcher(action);
        return m.find() ? "vCPU " + m.group(1) : "";
    }

    private static String observationsOf(String state) {
        String first = state.lines().findFirst().orElse("").strip();
        return first.startsWith(OBSERVED) ? first.substring(OBSERVED.length()) : "";
    }

    private static String withoutObservations(String state) {
        List<String> lines = new ArrayList<>(state.lines().toList());
        if (!lines.isEmpty() && lines.get(0).strip().startsWith(OBSERVED)) {
            lines.remove(0);
        }
        return String.join("\n", lines);
    }
}
