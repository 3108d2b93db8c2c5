package org.hvproof.specs;

import edu.mit.csail.sdg.alloy4.A4Reporter;
import edu.mit.csail.sdg.alloy4.Err;
import edu.mit.csail.sdg.alloy4.Pos;
import edu.mit.csail.sdg.ast.Command;
import edu.mit.csail.sdg.ast.CommandScope;
import edu.mit.csail.sdg.ast.Expr;
import edu.mit.csail.sdg.ast.ExprConstant;
import edu.mit.csail.sdg.ast.Sig;
import edu.mit.csail.sdg.parser.CompModule;
import edu.mit.csail.sdg.parser.CompUtil;
import edu.mit.csail.sdg.translator.A4Options;
import edu.mit.csail.sdg.translator.A4Solution;
import edu.mit.csail.sdg.translator.TranslateAlloyToKodkod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a concrete trace is a behaviour an Alloy spec allows: trace validation.
 * Each state of the trace is pinned by a formula over the spec's own names, each step
 * optionally by the operation that took it; the formulas are chained with {@code after}
 * ({@code s0 and t0 and after (s1 and t1 and after (s2 ...))}), wrapped in an existential
 * over the atoms the formulas name, and conjoined with a run command. The trace is
 * <em>consistent</em> with the spec when that run has an instance, <em>inconsistent</em> when
 * the solver proves it has none. Within the command's scope the answer is exact: a trace the
 * spec allows is never called inconsistent, and a trace it forbids never consistent.
 *
 * <pre>{@code
 * TraceValidator v = new TraceValidator(Path.of("specs/src/main/alloy/tracing.als"), null, null);
 * Verdict ok = v.validate(new Trace("disj p: Page, o: Owner",
 *         List.of("no traces", "traces = p -> o"),
 *         List.of("addTrace[o, p]"), Map.of()));
 * }</pre>
 *
 * The spec is parsed once and its parsed world reused for every trace. Only lassos of at
 * least the trace's length plus one are searched (the step bound is raised to that when the
 * command allows fewer): one more state, a final stutter that loops on itself, closes any
 * valid trace of a spec whose operations include a stutter, and a shorter lasso unrolls
 * into a longer one.
 * A formula that does not parse or type-check is a {@link TraceFormulaError} naming the
 * state or step it belongs to, the line and column inside it, and Alloy's message.
 * Not thread-safe: one validator per thread.
 */
public final class TraceValidator {

    /** The overall scope of the fresh command used when no command is named. */
    public static final int DEFAULT_SCOPE = 3;

    private final Path spec;
    private final CompModule world;
    private final Command base;
    private final String solver;

    /**
     * A validator whose fresh command is {@code run {} for 3 but N steps}, N fitting each trace.
     *
     * @throws SpecError when Alloy rejects the spec or it cannot be read
     */
    public TraceValidator(Path spec) throws SpecError {
        this(spec, null, null);
    }

    /**
     * @param spec           the {@code .als} file
     * @param runCommandName a run command of the spec whose scope and body the trace is
     *                       conjoined with; null for a fresh {@code run {} for 3 but N steps}
     * @param solverName     a name from {@link SolverChoice#NAMES}, or null for the default
     * @throws SpecError when Alloy rejects the spec or it cannot be read
     * @throws IllegalArgumentException for an unknown command or solver, or a check command
     */
    public TraceValidator(Path spec, String runCommandName, String solverName) throws SpecError {
        this(spec, runCommandName, DEFAULT_SCOPE, solverName);
    }

    /**
     * As {@link #TraceValidator(Path, String, String)}, with the overall scope of the fresh
     * command (ignored when a command is named).
     */
    public TraceValidator(Path spec, String runCommandName, int freshScope, String solverName) throws SpecError {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.solver = SolverChoice.resolve(solverName);
        if (!Files.isRegularFile(spec)) {
            throw new SpecError(spec.toString(), 1, 1, "no such spec file");
        }
        try {
            this.world = CompUtil.parseEverything_fromFile(A4Reporter.NOP, null, spec.toString());
        } catch (Err e) {
            throw SpecError.from(e, spec);
        }
        this.base = runCommandName == null ? fresh(world, freshScope) : named(world, runCommandName, spec);
    }

    private static Command fresh(CompModule world, int scope) {
        return new Command(
                Pos.UNKNOWN,
                ExprConstant.TRUE,
                "TraceValidation",
                false,
                scope,
                -1,
                -1,
                -1,
                -1,
                -1,
                List.of(),
                List.of(),
                null,
                world.getAllReachableFacts(),
                null);
    }

    private static Command named(CompModule world, String name, Path spec) {
        List<String> runs = new ArrayList<>();
        for (Command c : world.getAllCommands()) {
            if (!c.check) {
                runs.add(c.label);
                if (c.label.equals(name)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException(
                "no run command '" + name + "' in " + spec + "; its run commands: " + String.join(", ", runs));
    }

    /** The spec this validator reads. */
    public Path spec() {
        return spec;
    }

    /** The SAT solver in use, e.g. {@code minisat}. */
    public String solver() {
        return solver;
    }

    /**
     * A trace to validate.
     *
     * @param atoms  Alloy declarations of the atoms the formulas name, quantified existentially
     *               around the whole trace (e.g. {@code disj p0, p1: Page, o0: Owner}); blank for none
     * @param states one formula per state, in order, over the spec's names and the atoms
     * @param steps  for each step from state i to state i+1, a formula evaluated at state i
     *               (typically an operation such as {@code addTrace[o0, p0]}); empty to pin
     *               states only, else exactly one fewer than the states
     * @param scopes per signature name, a scope at least this large (e.g. more
     *               {@code Notification} atoms than the command gives); may be empty
     */
    public record Trace(String atoms, List<String> states, List<String> steps, Map<String, Integer> scopes) {
        /** Copies the lists; checks the counts. */
        public Trace {
            atoms = atoms == null ? "" : atoms;
            states = List.copyOf(states);
            steps = List.copyOf(steps);
            scopes = Map.copyOf(scopes);
            if (states.isEmpty()) {
                throw new IllegalArgumentException("a trace has at least one state");
            }
            if (!steps.isEmpty() && steps.size() != states.size() - 1) {
                throw new IllegalArgumentException(states.size() + " states need " + (states.size() - 1)
                        + " step formulas (or none), got " + steps.size());
            }
        }

        /** States only, no atoms, the command's scopes. */
        public static Trace ofStates(List<String> states) {
            return new Trace("", states, List.of(), Map.of());
        }

        /** The same trace cut after its first {@code n} states. */
        public Trace prefix(int n) {
            return new Trace(atoms, states.subList(0, n), steps.isEmpty() ? steps : steps.subList(0, n - 1), scopes);
        }
    }

    /**
     * The answer for one trace.
     *
     * @param consistent true when the spec allows the trace
     * @param millis     translation plus solving time
     * @param states     states pinned
     * @param formula    the Alloy formula that was conjoined with the command, for reports
     */
    public record Verdict(boolean consistent, long millis, int states, String formula) {
        @Override
        public String toString() {
            return (consistent ? "consistent" : "inconsistent") + " (" + states + " states, " + millis + " ms)";
        }
    }

    /** Validates a trace given by its state formulas only ({@code s0 and after (s1 and after ...)}). */
    public Verdict validate(List<String> stateFormulas) {
        return validate(Trace.ofStates(stateFormulas));
    }

    /**
     * Validates {@code trace} against the spec.
     *
     * @throws TraceFormulaError when a formula does not parse or type-check
     * @throws IllegalStateException when the solver fails
     */
    public Verdict validate(Trace trace) {
        Assembled text = assemble(trace);
        Expr pinned;
        try {
            pinned = CompUtil.parseOneExpression_fromString(world, text.formula());
        } catch (Err e) {
            throw located(e, text);
        }
        Command command = sized(base.change(base.formula.and(pinned)), trace);
        A4Options options = new A4Options();
        options.solver = SolverChoice.factory(solver);
        options.originalFilename = spec.toString();
        long start = System.nanoTime();
        try {
            A4Solution solution = TranslateAlloyToKodkod.execute_command(
                    A4Reporter.NOP, world.getAllReachableSigs(), command, options);
            return new Verdict(
                    solution.satisfiable(),
                    (System.nanoTime() - start) / 1_000_000,
                    trace.states().size(),
                    text.formula());
        } catch (Err e) {
            throw located(e, text);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException(
                    spec + ": solver " + solver + " failed on a trace of "
                            + trace.states().size() + " states: " + e,
                    e);
        }
    }

    /**
     * The number of leading states of {@code trace} the spec allows: its length when the
     * whole trace is consistent, else the index of the first state no spec behaviour reaches
     * (0 when even the initial state is impossible). Bisects, so about log2(n) solver calls.
     */
    public int consistentPrefix(Trace trace) {
        int n = trace.states().size();
        if (validate(trace).consistent()) {
            return n;
        }
        return rejectedAt(trace);
    }

    /**
     * For a trace {@link #validate} has just called inconsistent: the index of the first state no
     * spec behaviour reaches, as {@link #consistentPrefix} gives it, without solving the whole trace
     * a second time (that solve, of the longest formula, is the dearest; every failing conformance
     * check and every failing shrink candidate paid it twice).
     */
    public int rejectedAt(Trace trace) {
        int n = trace.states().size();
        int lo = 0; // prefixes of lo states are consistent (0 trivially)
        int hi = n; // prefixes of hi states are not
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (validate(trace.prefix(mid)).consistent()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Step bounds from the trace's length plus one; per-signature scopes raised as asked. */
    private Command sized(Command c, Trace trace) {
        int needed = trace.states().size() + 1;
        // Solve for lassos of at least n+1 states only: a shorter lasso that fits the trace
        // unrolls into one of n+1 states, and Alloy otherwise solves once per length from 1
        // up, which makes every inconsistent trace pay for all the lengths below it.
        Command out = new Command(
                c.pos,
                c.nameExpr,
                c.label,
                c.check,
                c.overall,
                c.bitwidth,
                c.maxseq,
                Math.max(c.minprefix, needed),
                Math.max(c.maxprefix, needed),
                c.expects,
                c.scope,
                c.additionalExactScopes,
                c.commandKeyword,
                c.formula,
                c.parent);
        for (Map.Entry<String, Integer> e : trace.scopes().entrySet()) {
            Sig sig = sigNamed(e.getKey());
            CommandScope current = out.getScope(sig);
            int have = current != null ? current.endingScope : out.overall < 0 ? DEFAULT_SCOPE : out.overall;
            if (have < e.getValue()) {
                out = out.change(sig, current != null && current.isExact, e.getValue());
            }
        }
        return out;
    }

    private Sig sigNamed(String name) {
        for (Sig s : world.getAllReachableSigs()) {
            if (s.label.equals(name) || s.label.equals("this/" + name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no signature '" + name + "' in " + spec);
    }

    /** The formula text, one part a line, and which part each line holds. */
    private record Assembled(String formula, List<String> parts, List<String> names) {}

    /**
     * {@code some atoms | (s0) and (t0) and after ((s1) and ... )}, each state and step on a
     * line of its own so that Alloy's line numbers say which one an error is in.
     */
    private static Assembled assemble(Trace trace) {
        List<String> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quantified = !trace.atoms().isBlank();
        if (quantified) {
            f.append("some ").append(oneLine(trace.atoms())).append(" | {\n");
            parts.add(trace.atoms());
            names.add("atoms");
        } else {
            f.append("{\n");
            parts.add("");
            names.add("(start)");
        }
        int n = trace.states().size();
        for (int i = 0; i < n; i++) {
            f.append('(').append(oneLine(trace.states().get(i))).append(")\n");
            parts.add(trace.states().get(i));
            names.add("state " + i);
            if (i + 1 < n) {
                if (!trace.steps().isEmpty()) {
                    f.append(" and (").append(oneLine(trace.steps().get(i))).append(")\n");
                    parts.add(trace.steps().get(i));
                    names.add("step " + i + " (state " + i + " to " + (i + 1) + ")");
                }
                f.append(" and after {\n");
                parts.add("");
                names.add("(chaining)");
            }
        }
        f.append("}".repeat(n));
        return new Assembled(f.toString(), parts, names);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }

    private TraceFormulaError located(Err e, Assembled text) {
        Pos pos = e.pos;
        String message = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        if (pos == null
                || pos == Pos.UNKNOWN
                || pos.y < 1
                || pos.y > text.parts().size()) {
            return new TraceFormulaError(spec + ": trace formula:1:1: " + message + " in: " + text.formula());
        }
        String part = text.parts().get(pos.y - 1);
        String name = text.names().get(pos.y - 1);
        // the line holds "(" + part + ")" for states, " and (" + part + ")" for steps, "some " + part for atoms
        int shift = name.startsWith("state") ? 1 : name.startsWith("step") ? 6 : name.equals("atoms") ? 5 : 0;
        int column = Math.max(1, pos.x - shift);
        return new TraceFormulaError(name + ":1:" + column + ": " + message + " in: " + part + " (spec " + spec + ")");
    }

    /** A state or step formula Alloy rejects: where it is in the trace, and Alloy's message. */
    public static final class TraceFormulaError extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TraceFormulaError(String message) {
            super(message);
        }
    }

    /** For reports: each pinned part by name (atoms, state i, step i). */
    public static Map<String, String> describe(Trace trace) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!trace.atoms().isBlank()) {
            out.put("atoms", trace.atoms());
        }
        for (int i = 0; i < trace.states().size(); i++) {
            out.put("state " + i, trace.states().get(i));
            if (i < trace.steps().size()) {
                out.put("step " + i, trace.steps().get(i));
            }
        }
        return out;
    }
}
