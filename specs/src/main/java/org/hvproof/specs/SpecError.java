package org.hvproof.specs;

import edu.mit.csail.sdg.alloy4.Err;
import edu.mit.csail.sdg.alloy4.Pos;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A spec that Alloy rejects (syntax or type error), located in its file. Its
 * {@link #toString()} is {@code FILE:LINE:COL: message}, the form editors and CI logs link.
 */
public final class SpecError extends Exception {

    private final String file;
    private final int line;
    private final int column;
    private final String detail;

    public SpecError(String file, int line, int column, String detail) {
        super(file + ":" + line + ":" + column + ": " + detail);
        this.file = file;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    /** Locates Alloy's error; falls back to {@code spec} (line 1, column 1) when Alloy gives no position. */
    static SpecError from(Err err, Path spec) {
        Pos pos = err.pos;
        boolean located = pos != null && pos != Pos.UNKNOWN && pos.y > 0;
        String file = located && pos.filename != null && !pos.filename.isEmpty()
                ? asGiven(pos.filename, spec)
                : spec.toString();
        String message = err.getMessage() == null ? err.getClass().getSimpleName() : oneLine(err.getMessage());
        return new SpecError(file, located ? pos.y : 1, located ? Math.max(pos.x, 1) : 1, message);
    }

    /** Alloy reports absolute paths; the spec's own file is shown as the caller named it. */
    private static String asGiven(String filename, Path spec) {
        try {
            Path reported = Path.of(filename).toAbsolutePath().normalize();
            return reported.equals(spec.toAbsolutePath().normalize()) ? spec.toString() : filename;
        } catch (InvalidPathException e) {
            return filename;
        }
    }

    /** Alloy's messages may span lines (a list of expected tokens); CI logs want one line. */
    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Alloy's message without the location. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
