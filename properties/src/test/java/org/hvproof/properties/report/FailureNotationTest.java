package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hvproof.model.common.Flaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.Mechanisms;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every mechanism's minimal failure text reads in the domain's notation: each deliberate flaw is run
 * against the first claim that declares it caught, and its report (trace, observations, state, the
 * violation) must show no Java record {@code toString} ({@code Writer[vcpu=0, ...]}, {@code
 * Optional[...]}) and no address, page or instruction pointer in decimal.
 */
class FailureNotationTest {
    private static final long SEED = 20261125L;

    /** A record's default {@code toString}: {@code Name[field=}, or an Optional's. */
    static final Pattern RECORD_TO_STRING = Pattern.compile("\\b[A-Z][A-Za-z0-9]*\\[[a-z][A-Za-z0-9]*=|\\bOptional\\[");

    /** An address word followed by a decimal number rather than {@code 0x...}. */
    static final Pattern DECIMAL_ADDRESS =
            Pattern.compile("\\b(?:va|gva|gpa|gpp|hpa|hpp|ip|pc|address|entry|base)[ =:]+-?[0-9]+\\b(?!\\.)");

    @TestFactory
    Stream<DynamicTest> everyFlawsMinimalFailureReadsInTheDomainsNotation() {
        return Mechanisms.ALL.stream()
                .flatMap(m -> Stream.of(m.implFlaws().getEnumConstants())
                        .map(Flaw.class::cast)
                        .filter(f -> !f.isNone())
                        .map(f -> DynamicTest.dynamicTest(
                                m.name() + " " + f.name(), () -> assertReadable(report(m, f)))));
    }

    @Test
    void theScanCatchesARecordToStringAndADecimalAddress() {
        assertThat(offences("by Writer[vcpu=0, instructionPointer=65601, privilege=0]"))
                .hasSize(1);
        assertThat(offences("driver Optional[x]")).hasSize(1);
        assertThat(offences("enter at ip 4095 from va 65601")).hasSize(2);
        assertThat(offences("enter at ip 0xfff from va 0x10041, gpp 0x10, vCPU 0, 3 actions"))
                .isEmpty();
    }

    private static void assertReadable(String report) {
        assertThat(offences(report)).as("unreadable pieces in:%n%s", report).isEmpty();
    }

    /** The record toStrings and decimal addresses in a report, stack-trace lines left out. */
    static List<String> offences(String report) {
        List<String> out = new ArrayList<>();
        for (String line : report.split("\n")) {
            String l = line.strip();
            if (l.startsWith("at ") || l.contains(".java:")) {
                continue;
            }
            for (Pattern p : List.of(RECORD_TO_STRING, DECIMAL_ADDRESS)) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    out.add(m.group() + "   in: " + l);
                }
            }
        }
        return out;
    }

    private static String report(Mechanisms.Mechanism m, Flaw flaw) {
        Flaw.Caught caught = flaw.caughtBy().get(0);
        List<ClaimedProperty> methods = ClaimedProperty.discover(m.properties());
        for (ClaimedProperty cm : methods) {
            if (cm.claimIds().contains(caught.claim())
                    && cm.flawType().filter(t -> t.isInstance(flaw)).isPresent()) {
                PropertyResult r =
                        cm.create(flaw).run(Settings.none().withSeed(SEED).withQuiet(true));
                if (r.failed()) {
                    return r.report();
                }
            }
        }
        throw new AssertionError(flaw.name() + " was caught by no property of " + caught.claim());
    }
}
