package org.hvproof.specs;

import edu.mit.csail.sdg.alloy4.Err;
import edu.mit.csail.sdg.ast.ExprVar;
import edu.mit.csail.sdg.ast.Module;
import edu.mit.csail.sdg.ast.Sig;
import edu.mit.csail.sdg.translator.A4Solution;
import edu.mit.csail.sdg.translator.A4Tuple;
import edu.mit.csail.sdg.translator.A4TupleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Renders a counterexample or instance as plain text a reviewer can read in a CI log:
 * first what never changes (atoms of each signature, static fields, the skolem witnesses
 * of the command's quantifiers), then state by state the signatures and fields declared
 * {@code var}, and where the trace loops back.
 */
final class SolutionRenderer {

    private SolutionRenderer() {}

    static String render(A4Solution solution, Module world, String commandLabel) {
        List<Sig> sigs = new ArrayList<>();
        for (Sig sig : world.getAllReachableUserDefinedSigs()) {
            sigs.add(sig);
        }
        StringBuilder out = new StringBuilder();
        int length = Math.max(solution.getTraceLength(), 1);
        int loop = solution.getLoopState();
        if (solution.isTemporal()) {
            out.append("trace of ").append(length).append(length == 1 ? " state" : " states");
            if (loop >= 0 && loop < length) {
                out.append("; after state ")
                        .append(length - 1)
                        .append(" it loops back to state ")
                        .append(loop);
            }
            out.append('\n');
        }

        out.append("static:\n");
        for (Sig sig : sigs) {
            if (sig.isVariable == null && worthListing(solution, sig)) {
                line(out, "  ", name(sig), solution.eval(sig, 0));
            }
        }
        for (Sig sig : sigs) {
            for (Sig.Field field : sig.getFields()) {
                if (field.isVariable == null) {
                    line(out, "  ", field.label, solution.eval(field, 0));
                }
            }
        }
        for (ExprVar skolem : solution.getAllSkolems()) {
            line(out, "  ", skolemName(skolem.label, commandLabel), evalQuietly(solution, skolem));
        }

        if (hasVariables(sigs)) {
            for (int i = 0; i < length; i++) {
                out.append("state ")
                        .append(i)
                        .append(i == loop ? " (loop starts here)" : "")
                        .append(":\n");
                for (Sig sig : sigs) {
                    if (sig.isVariable != null) {
                        line(out, "  ", name(sig), solution.eval(sig, i));
                    }
                }
                for (Sig sig : sigs) {
                    for (Sig.Field field : sig.getFields()) {
                        if (field.isVariable != null) {
                            line(out, "  ", field.label, solution.eval(field, i));
                        }
                    }
                }
            }
        }
        return out.toString();
    }

    /** A {@code one sig} is shown by its single atom's name everywhere; listing it adds nothing. */
    private static boolean worthListing(A4Solution solution, Sig sig) {
        return sig.isOne == null || solution.eval(sig, 0).size() != 1;
    }

    private static boolean hasVariables(List<Sig> sigs) {
        for (Sig sig : sigs) {
            if (sig.isVariable != null) {
                return true;
            }
            for (Sig.Field field : sig.getFields()) {
                if (field.isVariable != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Object evalQuietly(A4Solution solution, ExprVar skolem) {
        try {
            return solution.eval(skolem, 0);
        } catch (Err e) {
            return "(cannot evaluate: " + e.getMessage() + ")";
        }
    }

    private static void line(StringBuilder out, String indent, String name, Object value) {
        out.append(indent).append(name).append(" = ").append(tuples(value)).append('\n');
    }

    private static String tuples(Object value) {
        if (!(value instanceof A4TupleSet set)) {
            return String.valueOf(value);
        }
        StringJoiner joined = new StringJoiner(", ", "{", "}");
        for (A4Tuple tuple : set) {
            joined.add(tuple.toString());
        }
        return joined.toString();
    }

    private static String name(Sig sig) {
        return sig.label.startsWith("this/") ? sig.label.substring("this/".length()) : sig.label;
    }

    /** {@code $TRACE_1_foo_v} becomes {@code v (witness)}: the quantified variable it stands for. */
    static String skolemName(String label, String commandLabel) {
        String prefix = "$" + commandLabel + "_";
        String bare = label.startsWith(prefix)
                ? label.substring(prefix.length())
                : label.startsWith("$") ? label.substring(1) : label;
        return bare + " (witness)";
    }
}
