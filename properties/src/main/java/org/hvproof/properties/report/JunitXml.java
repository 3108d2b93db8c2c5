package org.hvproof.properties.report;

import java.util.List;
import java.util.Locale;

/**
 * junit.xml: the claims in the JUnit XML form that CI systems (GitHub Actions test reporters,
 * GitLab's {@code artifacts:reports:junit}, Jenkins' JUnit plugin) show in their test tabs. One
 * {@code testsuite} per claim, holding one {@code testcase} for the claim's verdict, one per Alloy
 * command and one per property; a violated claim's case and each failed piece of its evidence is a
 * {@code failure} carrying the counterexample or the shrunk trace; a command without an answer in
 * time is an {@code error}. Failed commands that name no claim form a last suite of their own, so
 * the file fails whenever the gate does.
 */
final class JunitXml implements ReportRenderer {

    @Override
    public String render(ClaimsReport report) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        int tests = 0;
        int failures = 0;
        int errors = 0;
        StringBuilder suites = new StringBuilder();
        for (ClaimResult r : report.results()) {
            Suite s = claimSuite(r);
            suites.append(s.xml());
            tests += s.tests();
            failures += s.failures();
            errors += s.errors();
        }
        if (!report.stray().isEmpty()) {
            Suite s = straySuite(report.stray());
            suites.append(s.xml());
            tests += s.tests();
            failures += s.failures();
            errors += s.errors();
        }
        x.append(String.format(
                Locale.ROOT,
                "<testsuites name=\"hvproof claims\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%s\">%n",
                tests,
                failures,
                errors,
                seconds(report.settings().millis())));
        x.append(suites);
        x.append("</testsuites>\n");
        return x.toString();
    }

    /** One suite's XML and its counts. */
    private record Suite(String xml, int tests, int failures, int errors) {}

    private static Suite claimSuite(ClaimResult r) {
        String id = r.claim().id();
        String classname = "hvproof." + r.claim().mechanism() + "." + id;
        StringBuilder cases = new StringBuilder();
        int failures = 0;
        int errors = 0;
        long millis = r.alloyMillis()
                + r.properties().stream().mapToLong(PropertyCheck::millis).sum();

        String verdictBody = "";
        if (r.verdict() == ClaimVerdict.VIOLATED || r.verdict() == ClaimVerdict.UNCHECKED) {
            failures++;
            verdictBody = failure(
                    r.verdict().word(),
                    r.verdict() == ClaimVerdict.UNCHECKED
                            ? id + " has no evidence: no Alloy command or property checks it"
                            : id + " is violated: see the failed Alloy commands and properties of this suite",
                    r.claim().statement());
        } else if (r.verdict() == ClaimVerdict.TIMEOUT) {
            errors++;
            verdictBody = error(r.verdict().word(), id + ": an Alloy command gave no answer in time", "");
        }
        cases.append(testcase(classname, id + ": " + r.claim().statement(), millis, verdictBody));

        for (AlloyCheck a : r.alloy()) {
            String body = "";
            if (a.timedOut()) {
                errors++;
                body = error("timeout", a.spec() + " :: " + a.command() + " gave no answer in time", a.detail());
            } else if (!a.asExpected()) {
                failures++;
                body = failure(
                        a.outcome(),
                        a.spec() + " :: " + a.command() + " " + a.outcome() + ", expected "
                                + (a.expect() == 0
                                        ? (a.check() ? "no counterexample" : "no instance")
                                        : (a.check() ? "a counterexample" : "an instance")),
                        a.detail());
            }
            cases.append(testcase(classname + ".alloy", a.spec() + " :: " + a.command(), a.millis(), body));
        }
        for (PropertyCheck p : r.properties()) {
            String body = "";
            if (!p.passed()) {
                failures++;
                body = failure(
                        "falsified",
                        p.name() + " failed (seed " + p.seed() + (p.replay() == null ? "" : ", replay " + p.replay())
                                + ")",
                        p.report());
            }
            cases.append(testcase(classname + ".property", p.name(), p.millis(), body));
        }
        int tests = 1 + r.alloy().size() + r.properties().size();
        String xml = String.format(
                        Locale.ROOT,
                        "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%s\">%n",
                        attr(id + " (" + r.claim().mechanism() + ")"),
                        tests,
                        failures,
                        errors,
                        seconds(millis))
                + cases
                + "  </testsuite>\n";
        return new Suite(xml, tests, failures, errors);
    }

    private static Suite straySuite(List<AlloyCheck> stray) {
        StringBuilder cases = new StringBuilder();
        int failures = 0;
        int errors = 0;
        for (AlloyCheck a : stray) {
            String body;
            if (a.timedOut()) {
                errors++;
                body = error("timeout", a.spec() + " :: " + a.command() + " gave no answer in time", a.detail());
            } else {
                failures++;
                body = failure(
                        a.outcome(),
                        a.spec() + " :: " + a.command() + " " + a.outcome() + " (names no claim)",
                        a.detail());
            }
            cases.append(testcase("hvproof.stray", a.spec() + " :: " + a.command(), a.millis(), body));
        }
        String xml = String.format(
                        Locale.ROOT,
                        "  <testsuite name=\"failed commands naming no claim\" tests=\"%d\" failures=\"%d\""
                                + " errors=\"%d\" skipped=\"0\" time=\"%s\">%n",
                        stray.size(),
                        failures,
                        errors,
                        seconds(stray.stream().mapToLong(AlloyCheck::millis).sum()))
                + cases
                + "  </testsuite>\n";
        return new Suite(xml, stray.size(), failures, errors);
    }

    private static String testcase(String classname, String name, long millis, String body) {
        String open = String.format(
                Locale.ROOT,
                "    <testcase classname=\"%s\" name=\"%s\" time=\"%s\"",
                attr(classname),
                attr(name),
                seconds(millis));
        return body.isEmpty() ? open + "/>\n" : open + ">\n" + body + "    </testcase>\n";
    }

    private static String failure(String type, String message, String detail) {
        return "      <failure type=\"" + attr(type) + "\" message=\"" + attr(message) + "\">" + text(detail)
                + "</failure>\n";
    }

    private static String error(String type, String message, String detail) {
        return "      <error type=\"" + attr(type) + "\" message=\"" + attr(message) + "\">" + text(detail)
                + "</error>\n";
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** Text content: the XML specials escaped, characters XML 1.0 cannot carry replaced. */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                default -> {
                    if (c == '\t'
                            || c == '\n'
                            || c == '\r'
                            || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD)
                            || c >= 0x10000) {
                        b.appendCodePoint(c);
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        });
        return b.toString();
    }

    /** An attribute value: text with quotes escaped and line breaks kept as character references. */
    static String attr(String s) {
        return text(s).replace("\"", "&quot;")
                .replace("\n", "&#10;")
                .replace("\r", "&#13;")
                .replace("\t", "&#9;");
    }
}
