package org.hvproof.specs;

import edu.mit.csail.sdg.ast.Command;
import edu.mit.csail.sdg.parser.CompModule;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One command of one parsed spec, ready to execute; or, when the spec did not parse, a
 * stand-in for the whole file that executes to an {@link Outcome#ERROR}. Built by
 * {@link AlloyRunner#plan(java.util.List)}; one per JUnit dynamic test.
 */
public final class SpecCommand {

    /** The command name given to a spec that could not be parsed or read. */
    public static final String WHOLE_SPEC = "<parse>";

    private final Path path;
    private final String label;
    private final boolean check;
    private final int expect;
    private final String scope;
    private final Set<String> claimIds;
    private final String location;
    private final CompModule world;
    private final Command command;
    private final String error;

    private SpecCommand(
            Path path,
            String label,
            boolean check,
            int expect,
            String scope,
            Set<String> claimIds,
            String location,
            CompModule world,
            Command command,
            String error) {
        this.path = path;
        this.label = label;
        this.check = check;
        this.expect = expect;
        this.scope = scope;
        this.claimIds = Collections.unmodifiableSet(new LinkedHashSet<>(claimIds));
        this.location = location;
        this.world = world;
        this.command = command;
        this.error = error;
    }

    static SpecCommand of(Path path, CompModule world, Command command, Set<String> claimIds) {
        String location = path + ":" + command.pos.y + ":" + command.pos.x;
        return new SpecCommand(
                path,
                command.label,
                command.check,
                command.expects,
                scopeOf(command),
                claimIds,
                location,
                world,
                command,
                null);
    }

    static SpecCommand unreadable(Path path, String error) {
        return new SpecCommand(path, WHOLE_SPEC, false, -1, "", Set.of(), path.toString(), null, null, error);
    }

    /** The spec's file name, e.g. {@code tracing.als}. */
    public String spec() {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    /** The spec's path as given to the runner. */
    public Path path() {
        return path;
    }

    /** The command's label, or {@link #WHOLE_SPEC} for a spec that did not parse. */
    public String command() {
        return label;
    }

    /** {@code spec :: command}. */
    public String displayName() {
        return spec() + " :: " + label;
    }

    public boolean check() {
        return check;
    }

    /** The command's {@code expect}, -1 when absent. */
    public int expect() {
        return expect;
    }

    /** The scope as written, e.g. {@code for 3 but 8 steps}; empty for Alloy's default scope. */
    public String scope() {
        return scope;
    }

    public Set<String> claimIds() {
        return claimIds;
    }

    /** {@code FILE:LINE:COL} of the command. */
    public String location() {
        return location;
    }

    /** For a spec that did not parse: its {@code FILE:LINE:COL: message}; otherwise null. */
    String error() {
        return error;
    }

    CompModule world() {
        return world;
    }

    Command alloyCommand() {
        return command;
    }

    /**
     * The scope part of Alloy's own rendering of the command ({@code Check X for 3 but 8
     * steps expect 0} gives {@code for 3 but 8 steps}), so the text reads as the spec does.
     */
    static String scopeOf(Command command) {
        String text = command.toString();
        int forAt = text.indexOf(" for ");
        if (forAt < 0) {
            return "";
        }
        String scope = text.substring(forAt + 1);
        int expectAt = scope.lastIndexOf(" expect ");
        return (expectAt < 0 ? scope : scope.substring(0, expectAt)).strip();
    }

    /**
     * The scope as Alloy reads it, independent of how it is written: overall scope, bit width,
     * sequence and string bounds, the steps, and each sig's bounds in sig order. Two commands
     * with equal keys search exactly the same instances' sizes. Empty for a spec that did not parse.
     */
    public String scopeKey() {
        if (command == null) {
            return "";
        }
        StringBuilder key = new StringBuilder();
        key.append("overall=")
                .append(command.overall)
                .append(" int=")
                .append(command.bitwidth)
                .append(" seq=")
                .append(command.maxseq)
                .append(" string=")
                .append(command.maxstring)
                .append(" steps=")
                .append(command.minprefix)
                .append("..")
                .append(command.maxprefix);
        command.scope.stream()
                .map(s -> s.sig.label + "=" + (s.isExact ? "exactly " : "") + s.startingScope + ".." + s.endingScope
                        + ":" + s.increment)
                .sorted()
                .forEach(s -> key.append(' ').append(s));
        return key.toString();
    }

    @Override
    public String toString() {
        return displayName();
    }
}
