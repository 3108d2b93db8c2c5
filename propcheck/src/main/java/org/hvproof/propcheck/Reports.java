package org.hvproof.propcheck;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds every report and result in one place, so all failures read the same way. */
final class Reports {

    private static final int MAX_ORIGINAL = 400;

    private final String name;
    private final boolean stateful;
    private final long seed;

    private final Rerun rerun;
    private final boolean fullState;

    Reports(String name, boolean stateful, long seed, Rerun rerun, boolean fullState) {
        this.rerun = rerun == null ? Rerun.MAVEN : rerun;
        this.fullState = fullState;
        this.name = name;
        this.stateful = stateful;
        this.seed = seed;
    }

    PropertyResult failed(
            int tries,
            long steps,
            Map<String, Integer> labels,
            Execution original,
            Execution minimal,
            ShrinkOutcome outcome,
            int evaluations,
            String token,
            int foundOnTry,
            int plannedTries) {
        Failure f = minimal.failure();
        List<String> lines = describeShown(minimal);
        StringBuilder r = new StringBuilder();
        r.append("Property \"")
                .append(name)
                .append("\" FAILED: ")
                .append(headline(f))
                .append('\n');
        r.append('\n');
        if (stateful) {
            r.append(outcome == ShrinkOutcome.NOT_RUN ? "Replayed trace" : "Minimal trace")
                    .append(" (")
                    .append(plural(lines.size(), "action"));
            if (outcome != ShrinkOutcome.NOT_RUN) {
                r.append(", shrunk from ")
                        .append(plural(original.shown().size(), "action"))
                        .append(" found on try ")
                        .append(foundOnTry)
                        .append(" of ")
                        .append(plannedTries);
            }
            r.append("):\n");
            if (f.step() == 0) {
                r.append("  > 0. (initial state)   <- ").append(checkPhrase(f)).append('\n');
            }
            List<String> states = f.states();
            String pad = " ".repeat(4 + width(lines.size()) + 2);
            for (int i = 0; i < lines.size(); i++) {
                boolean failing = i + 1 == f.step();
                r.append(failing ? "  > " : "    ")
                        .append(String.format("%" + width(lines.size()) + "d. ", i + 1))
                        .append(lines.get(i));
                if (failing) {
                    r.append("   <- ").append(checkPhrase(f));
                }
                r.append('\n');
                if (i + 1 < states.size()) {
                    for (String d :
                            StateDiff.between(states.get(i), states.get(i + 1)).lines()) {
                        r.append(pad).append(d).append('\n');
                    }
                }
            }
            if (!states.isEmpty()) {
                r.append(pad.substring(2))
                        .append("(under each step: what it changed in the state, - before + after)\n");
            }
            boolean whole = fullState || states.isEmpty();
            r.append('\n')
                    .append(f.step() == 0 ? "Initial state" : "State after step " + f.step())
                    .append(whole ? ":" : ": only the changes above; the whole state with " + rerun.fullState())
                    .append('\n');
            if (whole) {
                r.append(indent(f.state() == null ? "(not described)" : f.state()))
                        .append('\n');
            }
        } else {
            r.append(outcome == ShrinkOutcome.NOT_RUN ? "Replayed counterexample" : "Minimal counterexample")
                    .append(
                            outcome == ShrinkOutcome.NOT_RUN
                                    ? ""
                                    : " (found on try " + foundOnTry + " of " + plannedTries + ")")
                    .append(":\n");
            r.append(indent(lines.isEmpty() ? "(no value)" : lines.get(0))).append('\n');
        }
        r.append('\n').append("Failure:\n").append(indent(failureDetail(f))).append('\n');
        if (!minimal.notes().isEmpty()) {
            r.append('\n').append("Notes:\n");
            for (String n : minimal.notes()) {
                r.append(indent(n)).append('\n');
            }
        }
        r.append('\n');
        switch (outcome) {
            case FINISHED ->
                r.append("Shrinking: finished at a local minimum after ")
                        .append(evaluations)
                        .append(" property evaluations.\n");
            case BUDGET_EXHAUSTED ->
                r.append("Shrinking: STOPPED, budget of ")
                        .append(evaluations)
                        .append(" property evaluations exhausted; the counterexample may not be minimal (raise ")
                        .append(Settings.SHRINK_BUDGET)
                        .append(").\n");
            case NOT_RUN -> r.append("Shrinking: not run (case replayed from its token).\n");
        }
        if (outcome != ShrinkOutcome.NOT_RUN && !stateful) {
            r.append("Original:  ")
                    .append(abbreviate(
                            describeShown(original).stream().findFirst().orElse("")))
                    .append('\n');
        }
        r.append("Seed:      ")
                .append(seed)
                .append("   (rerun the search: ")
                .append(rerun.search(seed))
                .append(")\n");
        r.append("Replay:    ")
                .append(token)
                .append("   (rerun exactly this case: ")
                .append(rerun.exactly(token))
                .append(")\n");
        r.append("Tries:     ")
                .append(tries)
                .append(stateful ? ", " + steps + " steps" : "")
                .append('\n');
        appendLabels(r, labels, tries, List.of());
        if (f.cause() != null) {
            r.append('\n').append("Exception of the minimal case:\n").append(stackTrace(f.cause()));
        }
        return new PropertyResult(
                name,
                PropertyResult.Status.FAILED,
                tries,
                steps,
                seed,
                token,
                outcome,
                evaluations,
                labels,
                lines,
                minimal.values(),
                f.step(),
                f.check(),
                f.message(),
                f.cause(),
                r.toString().stripTrailing(),
                stateful ? f.states() : List.of());
    }

    PropertyResult coverageFailed(
            int tries, long steps, Map<String, Integer> labels, Coverage c, double actual, List<Coverage> all) {
        String msg = String.format(
                "label \"%s\" occurred in %.1f%% of tries (%d of %d); required at least %s%%",
                c.label(), actual, labels.getOrDefault(c.label(), 0), tries, fmt(c.percent()));
        StringBuilder r = new StringBuilder();
        r.append("Property \"")
                .append(name)
                .append("\" FAILED: coverage minimum not met: ")
                .append(msg)
                .append('\n');
        r.append('\n')
                .append("Every try passed, but the generated cases do not exercise this situation often enough.\n")
                .append("Adjust the generator's weights or the coverage minimum.\n\n");
        r.append("Seed:      ").append(seed).append('\n');
        r.append("Tries:     ")
                .append(tries)
                .append(stateful ? ", " + steps + " steps" : "")
                .append('\n');
        appendLabels(r, labels, tries, all);
        return withoutCounterexample(
                PropertyResult.Status.FAILED,
                tries,
                steps,
                labels,
                "coverage: " + c.label(),
                msg,
                null,
                r.toString().stripTrailing());
    }

    PropertyResult error(int tries, long steps, Map<String, Integer> labels, String message, Throwable cause) {
        StringBuilder r = new StringBuilder();
        r.append("Property \"")
                .append(name)
                .append("\" could not be tested (ERROR): ")
                .append(message)
                .append('\n');
        r.append("Seed:      ").append(seed).append('\n');
        r.append("Tries:     ").append(tries).append(" valid before the error\n");
        return withoutCounterexample(
                PropertyResult.Status.ERROR,
                tries,
                steps,
                labels,
                "error",
                message,
                cause,
                r.toString().stripTrailing());
    }

    PropertyResult passed(int tries, long steps, Map<String, Integer> labels, List<Coverage> coverage, String note) {
        StringBuilder r = new StringBuilder();
        r.append("Property \"")
                .append(name)
                .append("\" passed ")
                .append(plural(tries, "try"))
                .append(stateful ? " (" + steps + " steps)" : "")
                .append(", seed ")
                .append(seed)
                .append('\n');
        if (note != null) {
            r.append("Note: ").append(note).append('\n');
        }
        appendLabels(r, labels, tries, coverage);
        return withoutCounterexample(
                PropertyResult.Status.PASSED,
                tries,
                steps,
                labels,
                null,
                null,
                null,
                r.toString().stripTrailing());
    }

    PropertyResult replayPassed(Execution e, String token, Map<String, Integer> labels) {
        String report = "Property \"" + name + "\" passed the replayed case " + token + " ("
                + (stateful ? plural(e.steps(), "action") : "one value") + "): the failure no longer reproduces.";
        return withoutCounterexample(PropertyResult.Status.PASSED, 1, e.steps(), labels, null, null, null, report);
    }

    PropertyResult replayDiscarded(Execution e, String token, Map<String, Integer> labels, String reason) {
        String message = "the replayed case is discarded: " + reason;
        String report = "Property \"" + name + "\" DISCARDED the replayed case " + token + ": " + reason
                + ". The case neither passes nor fails now (a filter or an assumption rejects it), so it no"
                + " longer tests what it did; the failure may or may not be fixed.";
        return withoutCounterexample(
                PropertyResult.Status.DISCARDED, 0, e.steps(), labels, "discarded", message, null, report);
    }

    /** A result with no counterexample to show (passed, discarded, a coverage failure or an error): built in one place. */
    private PropertyResult withoutCounterexample(
            PropertyResult.Status status,
            int tries,
            long steps,
            Map<String, Integer> labels,
            String check,
            String message,
            Throwable cause,
            String report) {
        return new PropertyResult(
                name,
                status,
                tries,
                steps,
                seed,
                null,
                ShrinkOutcome.NOT_RUN,
                0,
                labels,
                List.of(),
                List.of(),
                -1,
                check,
                message,
                cause,
                report,
                List.of());
    }

    static String oneLine(PropertyResult r) {
        return "Property \"" + r.name() + "\" " + r.status() + ": "
                + (r.failedCheck() == null ? "" : r.failedCheck() + ": ") + firstLine(r.failureMessage())
                + " (seed " + r.seed() + (r.replayToken() == null ? "" : ", replay " + r.replayToken()) + ")";
    }

    // ---- pieces ----

    private String headline(Failure f) {
        if (stateful) {
            String where = f.step() == 0 ? "in the initial state" : "at step " + f.step();
            if ("exception".equals(f.check())) {
                return "action threw " + f.cause().getClass().getSimpleName() + " " + where + ".";
            }
            return "invariant \"" + f.check() + "\" violated " + where + ".";
        }
        if (f.cause() != null) {
            return (f.cause() instanceof AssertionError
                            ? "assertion failed"
                            : "check threw " + f.cause().getClass().getSimpleName())
                    + ": " + firstLine(f.message());
        }
        return f.message();
    }

    private static String checkPhrase(Failure f) {
        if ("exception".equals(f.check())) {
            return "threw " + f.cause().getClass().getSimpleName() + ": " + firstLine(f.message());
        }
        return "invariant \"" + f.check() + "\" violated" + (f.cause() == null ? "" : ": " + firstLine(f.message()));
    }

    private static String failureDetail(Failure f) {
        StringBuilder s = new StringBuilder();
        s.append(f.check()).append(": ");
        if (f.cause() != null) {
            s.append(f.cause().getClass().getName()).append(": ");
        }
        s.append(f.message());
        return s.toString();
    }

    private List<String> describeShown(Execution e) {
        List<String> out = new ArrayList<>();
        for (Object o : e.shown()) {
            out.add(describe(o));
        }
        return out;
    }

    static String describe(Object o) {
        if (o instanceof Action<?> a) {
            try {
                return a.describe();
            } catch (RuntimeException ex) {
                return "<describe() threw " + ex + ">";
            }
        }
        if (o instanceof Object[] arr) {
            return java.util.Arrays.deepToString(arr);
        }
        if (o instanceof int[] arr) {
            return java.util.Arrays.toString(arr);
        }
        if (o instanceof long[] arr) {
            return java.util.Arrays.toString(arr);
        }
        return String.valueOf(o);
    }

    private static void appendLabels(StringBuilder r, Map<String, Integer> labels, int tries, List<Coverage> coverage) {
        if (labels.isEmpty() && coverage.isEmpty()) {
            return;
        }
        r.append("Labels (share of ").append(plural(tries, "try")).append("):\n");
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(labels.entrySet());
        entries.sort(Comparator.comparing((Map.Entry<String, Integer> x) -> -x.getValue())
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Integer> en : entries) {
            r.append(String.format("  %6.1f%%  %s", tries == 0 ? 0.0 : 100.0 * en.getValue() / tries, en.getKey()));
            for (Coverage c : coverage) {
                if (c.label().equals(en.getKey())) {
                    r.append("   (required >= ").append(fmt(c.percent())).append("%)");
                }
            }
            r.append('\n');
        }
        for (Coverage c : coverage) {
            if (!labels.containsKey(c.label())) {
                r.append(String.format("  %6.1f%%  %s   (required >= %s%%)%n", 0.0, c.label(), fmt(c.percent())));
            }
        }
    }

    /**
     * The exception with the frames of the code under test only: the engine's own frames (it
     * called the action or check), reflection and the test runner's are left out and counted, so
     * the reader sees where their code threw. "Caused by" lines are kept with their frames.
     */
    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        StringBuilder s = new StringBuilder();
        int shown = 0;
        int hidden = 0;
        for (String l : w.toString().split("\\R")) {
            String line = l.strip();
            boolean frame = line.startsWith("at ");
            if (frame && isMachinery(line.substring(3))) {
                hidden++;
                continue;
            }
            if (line.startsWith("... ") && line.endsWith(" more")) {
                continue;
            }
            if (frame && shown >= MAX_FRAMES) {
                hidden++;
                continue;
            }
            if (frame) {
                shown++;
            }
            s.append(frame ? "      " : "    ").append(line).append('\n');
        }
        if (hidden > 0) {
            s.append("    (").append(hidden).append(" frames of the engine, reflection and the runner left out)\n");
        }
        return s.toString();
    }

    private static final int MAX_FRAMES = 20;

    /** Whether the frame's class was loaded from where the engine's own classes were (not its tests). */
    private static boolean inEngine(String frame) {
        if (!frame.startsWith("org.hvproof.propcheck.")) {
            return false;
        }
        int call = frame.indexOf('(');
        String method = call < 0 ? frame : frame.substring(0, call);
        int dot = method.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        try {
            Class<?> c = Class.forName(method.substring(0, dot), false, Reports.class.getClassLoader());
            return Objects.equals(
                    c.getProtectionDomain().getCodeSource(),
                    Reports.class.getProtectionDomain().getCodeSource());
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false;
        }
    }

    private static boolean isMachinery(String frame) {
        return inEngine(frame)
                || frame.startsWith("java.base/jdk.internal.reflect.")
                || frame.startsWith("java.base/java.lang.reflect.")
                || frame.startsWith("jdk.internal.reflect.")
                || frame.startsWith("java.lang.reflect.")
                || frame.startsWith("org.junit.")
                || frame.startsWith("org.apache.maven.surefire.")
                || frame.startsWith("java.base/java.util.stream.")
                || frame.startsWith("java.base/java.util.ArrayList.forEach");
    }

    private static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private static String abbreviate(String s) {
        return s.length() <= MAX_ORIGINAL ? s : s.substring(0, MAX_ORIGINAL - 3) + "...";
    }

    private static int width(int n) {
        return Integer.toString(Math.max(n, 1)).length();
    }

    static String plural(long n, String word) {
        return n + " "
                + (n == 1 ? word : word.endsWith("y") ? word.substring(0, word.length() - 1) + "ies" : word + "s");
    }

    private static String fmt(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
