package org.hvproof.specs;

import edu.mit.csail.sdg.ast.Assert;
import edu.mit.csail.sdg.ast.Command;
import edu.mit.csail.sdg.ast.Func;
import edu.mit.csail.sdg.ast.Sig;
import edu.mit.csail.sdg.parser.CompModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Alloy house style (CONTRIBUTING.md, "Alloy house style"), checked over the runner's plan
 * and the spec's text without solving anything. Each broken {@link Rule} is one
 * {@link Violation} located as {@code FILE:LINE}.
 *
 * <pre>{@code
 * AlloyRunner runner = new AlloyRunner();
 * List<SpecLint.Violation> found = new SpecLint(javaFlawConstants).lint(runner.plan(List.of(spec)));
 * }</pre>
 */
public final class SpecLint {

    /** A name's stem: lowerCamel. */
    private static final String LOWER_CAMEL = "[a-z][A-Za-z0-9]*";

    /**
     * Every name a command or assert may have: {@code GROUP_n_name}, {@code GROUP_n_wrong_name},
     * {@code model_name}, the first and last optionally ending in {@code _init} or {@code _step}.
     */
    public static final Pattern COMMAND_NAME = Pattern.compile("^(?:[A-Z]+_\\d+_wrong_" + LOWER_CAMEL
            + "|(?:[A-Z]+_\\d+_|" + ClaimIds.MODEL_PREFIX + ")" + LOWER_CAMEL + "(?:_init|_step)?)$");

    /** Marks a negative control in a name. */
    public static final String WRONG = "_wrong_";

    /** A flaw as Java spells its constants. */
    public static final Pattern UPPER_SNAKE = Pattern.compile("^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$");

    /** A flawed operation pred: the operation, an underscore, the flaw constant. */
    private static final Pattern FLAWED_PRED = Pattern.compile("^" + LOWER_CAMEL + "_([A-Z][A-Z0-9_]*)$");

    /** What a negative control's comment must say: why it fails. */
    private static final Pattern EXPLAINS_FAILURE = Pattern.compile("must fail|because", Pattern.CASE_INSENSITIVE);

    /** The line in a located error, {@code FILE:LINE:COL: message}. */
    private static final Pattern ERROR_LINE = Pattern.compile(":(\\d+):\\d+: ");

    private static final Pattern HEADER_MODELS = Pattern.compile("\\bmodels\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEADER_LEFT_OUT = Pattern.compile("leaves out|left out", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEADER_JAVA = Pattern.compile("\\bJava\\b");

    /** One rule of the house style; {@link #id()} is how a violation names it. */
    public enum Rule {
        /** The spec parses and has commands at all. */
        PARSE,
        /** A header comment says what the module models, what it leaves out, which Java names match. */
        HEADER,
        /** Every command is named {@code GROUP_n_name}, {@code GROUP_n_wrong_name} or {@code model_name}. */
        COMMAND_NAME,
        /** Every assert is named as its check is. */
        ASSERT_NAME,
        /** Every command states {@code expect 0} or {@code expect 1}. */
        EXPECT,
        /** A {@code _wrong_} command expects 1 and the comment above it says why it must fail. */
        NEGATIVE_CONTROL,
        /** A check that is not a negative control expects 0. */
        CHECK_HOLDS,
        /** The claim tag appears once, above the assert, and agrees with the name. */
        CLAIM_TAG,
        /** A {@code model_} command or assert names the claims it supports. */
        SUPPORTS_TAG,
        /** An {@code _init} command has its {@code _step} and the other way round. */
        INDUCTION_PAIR,
        /** Flaw atoms and flawed preds are named as the Java flaw constants. */
        FLAW_NAME,
        /**
         * A claim's evidence can fail and is not vacuous: a claim checked {@code expect 0} also has a
         * negative control ({@code GROUP_n_wrong_...}, {@code expect 1}), and every such check (but an
         * induction's {@code _init} and {@code _step}) has a {@code run} of the same claim,
         * {@code expect 1}, at exactly the check's scope.
         */
        EVIDENCE;

        /** {@code claim-tag} for {@link #CLAIM_TAG}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One broken rule at {@code file:line}. */
    public record Violation(Path file, int line, Rule rule, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + rule.id() + ": " + message;
        }
    }

    private final Set<String> flawConstants;

    /** A lint that checks flaw names for their shape only. */
    public SpecLint() {
        this(Set.of());
    }

    /**
     * @param flawConstants the Java flaw constants (e.g. {@code NOTIFY_TWICE}) a flaw atom or
     *     flawed pred may be named as; empty to check only that they are UPPER_SNAKE
     */
    public SpecLint(Set<String> flawConstants) {
        this.flawConstants = Set.copyOf(flawConstants);
    }

    /** Lints every spec in {@code plan} ({@link AlloyRunner#plan}), reading each spec's text once. */
    public List<Violation> lint(List<SpecCommand> plan) {
        Map<Path, List<SpecCommand>> bySpec = new LinkedHashMap<>();
        for (SpecCommand command : plan) {
            bySpec.computeIfAbsent(command.path(), p -> new ArrayList<>()).add(command);
        }
        List<Violation> found = new ArrayList<>();
        bySpec.forEach((spec, commands) -> found.addAll(lint(spec, commands)));
        return found;
    }

    /** Lints one spec given its planned commands (those of {@link AlloyRunner#parse}). */
    public List<Violation> lint(Path spec, List<SpecCommand> commands) {
        List<String> lines;
        try {
            lines = Files.readAllLines(spec, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return List.of(new Violation(spec, 1, Rule.PARSE, "cannot read spec: " + e.getMessage()));
        }
        return new OneSpec(spec, lines, commands).lint();
    }

    /** The lint of one spec: its text, its commands and, when it parsed, its module. */
    private final class OneSpec {
        private final Path spec;
        private final List<String> lines;
        private final List<SpecCommand> commands;
        private final List<Violation> found = new ArrayList<>();
        private final Map<String, Integer> assertLines = new LinkedHashMap<>();
        private CompModule world;

        OneSpec(Path spec, List<String> lines, List<SpecCommand> commands) {
            this.spec = spec;
            this.lines = lines;
            this.commands = commands;
        }

        List<Violation> lint() {
            for (SpecCommand command : commands) {
                if (command.error() != null) {
                    Matcher at = ERROR_LINE.matcher(command.error());
                    report(at.find() ? Integer.parseInt(at.group(1)) : 1, Rule.PARSE, command.error());
                    return found;
                }
                world = command.world();
            }
            header();
            if (world == null) {
                report(1, Rule.PARSE, "the spec has no commands, so it checks nothing");
                return found;
            }
            for (Assert a : world.getAllAssertions()) {
                if (!synthetic(a.label)) {
                    assertLines.put(a.label, a.pos.y);
                    assertion(a.label, a.pos.y);
                }
            }
            for (SpecCommand command : commands) {
                command(command);
            }
            inductionPairs();
            evidence();
            flaws();
            found.sort((a, b) -> Integer.compare(a.line(), b.line()));
            return found;
        }

        private void report(int line, Rule rule, String message) {
            found.add(new Violation(spec, line, rule, message));
        }

        /** The comment at the top of the file, before any code. */
        private void header() {
            StringBuilder header = new StringBuilder();
            boolean inBlock = false;
            for (String raw : lines) {
                String line = raw.strip();
                if (inBlock) {
                    header.append(line).append('\n');
                    inBlock = !line.contains("*/");
                } else if (line.startsWith("/*")) {
                    header.append(line).append('\n');
                    inBlock = !line.substring(2).contains("*/");
                } else if (line.startsWith("--") || line.startsWith("//")) {
                    header.append(line).append('\n');
                } else if (!line.isEmpty()) {
                    break;
                }
            }
            if (header.isEmpty()) {
                report(
                        1,
                        Rule.HEADER,
                        "no header comment: say what the module models, what it leaves out"
                                + " and which Java names its sigs and preds match");
                return;
            }
            if (!HEADER_MODELS.matcher(header).find()) {
                report(1, Rule.HEADER, "the header does not say what the module models (\"What it models.\")");
            }
            if (!HEADER_LEFT_OUT.matcher(header).find()) {
                report(1, Rule.HEADER, "the header does not say what the module leaves out (\"What it leaves out.\")");
            }
            if (!HEADER_JAVA.matcher(header).find()) {
                report(1, Rule.HEADER, "the header does not say which Java names the sigs and preds match");
            }
        }

        private void assertion(String name, int line) {
            if (!COMMAND_NAME.matcher(name).matches()) {
                report(line, Rule.ASSERT_NAME, "assert " + name + " is not named " + spellings());
                return;
            }
            String block = ClaimIds.commentAbove(lines, line);
            Optional<String> claim = ClaimIds.ofName(name);
            if (claim.isPresent()) {
                List<String> ids = idsIn(block);
                long tags = ids.stream().filter(claim.get()::equals).count();
                if (tags == 0) {
                    report(
                            line,
                            Rule.CLAIM_TAG,
                            "assert " + name + " has no \"-- " + claim.get()
                                    + ": <statement>\" tag in the comment directly above it");
                } else if (tags > 1) {
                    report(
                            line,
                            Rule.CLAIM_TAG,
                            "the comment above assert " + name + " names " + claim.get() + " " + tags
                                    + " times; the tag appears once");
                }
                Set<String> others = new LinkedHashSet<>(ids);
                others.remove(claim.get());
                if (!others.isEmpty()) {
                    report(
                            line,
                            Rule.CLAIM_TAG,
                            "the comment above assert " + name + " names " + others
                                    + ", which disagree with its name's claim " + claim.get());
                }
            } else if (ClaimIds.supportedIn(block).isEmpty()) {
                report(
                        line,
                        Rule.SUPPORTS_TAG,
                        "assert " + name
                                + " has no \"-- Supports GROUP-n, ...: <why>\" tag in the comment directly above it");
            }
        }

        private void command(SpecCommand command) {
            String name = command.command();
            int line = lineOf(command);
            String kind = command.check() ? "check " : "run ";
            if (synthetic(name)) {
                report(line, Rule.COMMAND_NAME, "an unnamed " + kind.strip() + "; name it " + spellings());
            } else if (!COMMAND_NAME.matcher(name).matches()) {
                report(line, Rule.COMMAND_NAME, kind + name + " is not named " + spellings());
            }
            if (command.expect() < 0) {
                report(line, Rule.EXPECT, kind + name + " states no expect; write expect 0 or expect 1");
            }
            Integer assertLine = command.check() ? assertLines.get(name) : null;
            String above = ClaimIds.commentAbove(lines, line);
            String explanation =
                    above + (assertLine == null || assertLine == line ? "" : ClaimIds.commentAbove(lines, assertLine));
            if (name.contains(WRONG)) {
                if (command.expect() != 1) {
                    report(line, Rule.NEGATIVE_CONTROL, kind + name + " is a negative control and must expect 1");
                }
                if (!EXPLAINS_FAILURE.matcher(explanation).find()) {
                    report(
                            line,
                            Rule.NEGATIVE_CONTROL,
                            "the comment directly above " + kind + name
                                    + " does not say why it must fail (a sentence with \"must fail\" or \"because\")");
                }
            } else if (command.check() && command.expect() == 1) {
                report(
                        line,
                        Rule.CHECK_HOLDS,
                        kind + name + " expects a counterexample but is not named as a"
                                + " negative control (GROUP_n_wrong_name)");
            }
            claimTags(name, line, kind, assertLine, above);
        }

        /** Tags above a command: none above a check of a named assert, else agreeing with the name. */
        private void claimTags(String name, int line, String kind, Integer assertLine, String above) {
            Set<String> ids = new LinkedHashSet<>(idsIn(above));
            if (assertLine != null && assertLine != line) {
                if (!ids.isEmpty()) {
                    report(
                            line,
                            Rule.CLAIM_TAG,
                            "the comment above " + kind + name + " names " + ids
                                    + " again; the tag appears once, above assert " + name + " (line " + assertLine
                                    + ")");
                }
                return;
            }
            Optional<String> claim = ClaimIds.ofName(name);
            if (claim.isPresent()) {
                ids.remove(claim.get());
                if (!ids.isEmpty()) {
                    report(
                            line,
                            Rule.CLAIM_TAG,
                            "the comment above " + kind + name + " names " + ids
                                    + ", which disagree with its name's claim " + claim.get());
                }
            } else if (name.startsWith(ClaimIds.MODEL_PREFIX)
                    && assertLine == null
                    && ClaimIds.supportedIn(above).isEmpty()) {
                report(
                        line,
                        Rule.SUPPORTS_TAG,
                        kind + name
                                + " has no \"-- Supports GROUP-n, ...: <why>\" tag in the comment directly above it");
            }
        }

        private void inductionPairs() {
            Set<String> names = new LinkedHashSet<>();
            commands.forEach(c -> names.add(c.command()));
            for (SpecCommand command : commands) {
                String name = command.command();
                String twin = name.endsWith("_init")
                        ? name.substring(0, name.length() - 5) + "_step"
                        : name.endsWith("_step") ? name.substring(0, name.length() - 5) + "_init" : null;
                if (twin != null && !names.contains(twin)) {
                    report(
                            lineOf(command),
                            Rule.INDUCTION_PAIR,
                            name + " has no " + twin + " to complete the induction");
                }
            }
        }

        private void evidence() {
            Map<String, List<SpecCommand>> byClaim = new LinkedHashMap<>();
            for (SpecCommand command : commands) {
                ClaimIds.ofName(command.command())
                        .ifPresent(id -> byClaim.computeIfAbsent(id, k -> new ArrayList<>())
                                .add(command));
            }
            byClaim.forEach((claim, mine) -> {
                List<SpecCommand> holds = mine.stream()
                        .filter(c ->
                                c.check() && c.expect() == 0 && !c.command().contains(WRONG))
                        .toList();
                // An induction's base and step cases are part of their claim's argument; the
                // claim's own checks carry its non-vacuity runs.
                List<SpecCommand> scoped = holds.stream()
                        .filter(c ->
                                !c.command().endsWith("_init") && !c.command().endsWith("_step"))
                        .toList();
                if (holds.isEmpty()) {
                    return;
                }
                boolean twin = mine.stream()
                        .anyMatch(
                                c -> c.check() && c.expect() == 1 && c.command().contains(WRONG));
                if (!twin) {
                    report(
                            lineOf(holds.get(0)),
                            Rule.EVIDENCE,
                            claim + " has no negative control: add a check " + claim.replace('-', '_')
                                    + "_wrong_<flaw> of the same property under a flawed operation, expect 1");
                }
                for (SpecCommand check : scoped) {
                    boolean reached = mine.stream()
                            .anyMatch(c -> !c.check()
                                    && c.expect() == 1
                                    && c.scopeKey().equals(check.scopeKey()));
                    if (!reached) {
                        report(
                                lineOf(check),
                                Rule.EVIDENCE,
                                "check " + check.command() + " has no run of " + claim
                                        + " at its own scope (" + check.scope()
                                        + "), expect 1, showing its key situation is reachable there");
                    }
                }
            });
        }

        private void flaws() {
            for (Sig sig : world.getAllSigs()) {
                if (sig instanceof Sig.PrimSig prim
                        && prim.parent != null
                        && simple(prim.parent.label).endsWith("Flaw")) {
                    flawName("flaw atom " + simple(sig.label), simple(sig.label), sig.pos.y);
                }
            }
            for (Func func : world.getAllFunc()) {
                String name = simple(func.label);
                if (!func.isPred || synthetic(name) || !name.contains("_")) {
                    continue;
                }
                Matcher m = FLAWED_PRED.matcher(name);
                if (!m.matches()) {
                    report(
                            func.pos.y,
                            Rule.FLAW_NAME,
                            "pred " + name + " has an underscore but is not"
                                    + " operation_FLAW_CONSTANT (a flawed operation named as its Java flaw constant)");
                } else {
                    flawName("flawed pred " + name, m.group(1), func.pos.y);
                }
            }
        }

        private void flawName(String what, String flaw, int line) {
            if (!UPPER_SNAKE.matcher(flaw).matches()) {
                report(line, Rule.FLAW_NAME, what + " is not named as a Java flaw constant (UPPER_SNAKE)");
            } else if (!flawConstants.isEmpty() && !flawConstants.contains(flaw)) {
                report(line, Rule.FLAW_NAME, what + ": " + flaw + " is no Java flaw constant");
            }
        }
    }

    private static int lineOf(SpecCommand command) {
        Command alloy = command.alloyCommand();
        return alloy == null || alloy.pos == null ? 1 : alloy.pos.y;
    }

    private static List<String> idsIn(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = ClaimIds.CLAIM_ID.matcher(text);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    /** Names Alloy makes up for anonymous commands and inline checks: {@code run$3}, {@code check$2}. */
    private static boolean synthetic(String name) {
        return name.contains("$");
    }

    private static String simple(String label) {
        return label.startsWith("this/") ? label.substring("this/".length()) : label;
    }

    private static String spellings() {
        return "GROUP_n_lowerCamel, GROUP_n_wrong_lowerCamel or model_lowerCamel (induction: _init, _step)";
    }
}
