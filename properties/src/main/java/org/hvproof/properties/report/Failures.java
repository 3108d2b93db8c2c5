package org.hvproof.properties.report;

/** What went wrong, claim by claim, as text: the console prints it under the table, index.html folds it in. */
final class Failures {
    private Failures() {}

    /** Failed commands with their counterexample, failed properties with their report; empty when all hold. */
    static String of(ClaimsReport report) {
        StringBuilder out = new StringBuilder();
        for (ClaimResult r : report.results()) {
            if (r.verdict() == ClaimVerdict.HOLDS) {
                continue;
            }
            if (r.verdict() == ClaimVerdict.UNCHECKED
                    && !report.settings().shard().whole()) {
                // A shard lacks the other shards' evidence: only the merged report can call a claim unchecked.
                continue;
            }
            out.append("== ")
                    .append(r.claim().id())
                    .append(' ')
                    .append(r.verdict().word())
                    .append(": ")
                    .append(r.claim().statement())
                    .append('\n');
            if (r.verdict() == ClaimVerdict.UNCHECKED) {
                if (r.alloy().stream().noneMatch(a -> a.check() && a.expect() == 0)) {
                    out.append("   no Alloy check (expect 0) is tagged with ")
                            .append(r.claim().id())
                            .append('\n');
                }
                if (r.properties().isEmpty()) {
                    out.append("   no property carries @Claim(\"")
                            .append(r.claim().id())
                            .append("\")\n");
                }
            }
            for (AlloyCheck a : r.alloy()) {
                if (a.timedOut()) {
                    out.append("   alloy ")
                            .append(a.spec())
                            .append(" :: ")
                            .append(a.command())
                            .append(": timeout, no answer within the time limit (raise it with --alloy-timeout)\n")
                            .append(indent(a.detail()))
                            .append('\n');
                } else if (!a.asExpected()) {
                    out.append("   alloy ")
                            .append(a.spec())
                            .append(" :: ")
                            .append(a.command())
                            .append(": expected ")
                            .append(expectWord(a))
                            .append(", found ")
                            .append(a.outcome())
                            .append('\n')
                            .append(indent(a.detail()))
                            .append('\n');
                }
            }
            for (PropertyCheck p : r.properties()) {
                if (!p.passed()) {
                    out.append("   property ")
                            .append(p.name())
                            .append(" failed\n")
                            .append(indent(p.report()))
                            .append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String expectWord(AlloyCheck a) {
        if (a.expect() < 0) {
            return "an 'expect' clause";
        }
        if (a.check()) {
            return a.expect() == 0 ? "no counterexample" : "a counterexample";
        }
        return a.expect() == 1 ? "an instance" : "no instance";
    }

    private static String indent(String text) {
        return text.isEmpty() ? "" : "      " + text.strip().replace("\n", "\n      ");
    }
}
