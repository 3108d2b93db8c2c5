package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Each output form rendered from one report built by hand, without running anything. */
class ReportRendererTest {
    private static final CatalogueEntry TRACE_1 = new CatalogueEntry("TRACE-1", "tracing", "writes <notify>", "s", 3);

    /** TRACE-1's spec conformance property: with every mechanism linked, a claim holds only with it. */
    private static final String LINKED = "TRACE-1 model traces are t.als traces";

    /** A one-claim report whose one property is the claim's spec conformance (so it is linked). */
    private static ClaimsReport report(boolean propertyPasses) {
        return report(propertyPasses, LINKED);
    }

    private static ClaimsReport report(boolean propertyPasses, String propertyName) {
        RunSettings settings = new RunSettings(
                42, null, "sat4j", 600, null, "CLAIMS.md", List.of("specs/src/main/alloy"), List.of("TRACE-1"), 1500);
        AlloyCheck check = new AlloyCheck("t.als", "TRACE_1_x", true, 0, "holds", true, 10, Set.of("TRACE-1"), "");
        PropertyCheck property = new PropertyCheck(
                propertyName,
                Set.of("TRACE-1"),
                1000,
                5,
                propertyPasses,
                7,
                propertyPasses ? null : "pc1.ab.AQ",
                3,
                "shrunk: w");
        return ClaimsReport.of(List.of(TRACE_1), List.of(check), List.of(property), settings);
    }

    @Test
    void theConsoleTableCountsVerdictsAndPrintsTheSettingsSummaryThenTheFailures() {
        assertThat(ReportRenderer.console().render(report(true)))
                .contains("TRACE-1  tracing     ok 1 cmd 0.0s", "HOLDS")
                .contains("1 claims: 1 hold, 0 violated, 0 unchecked   (seed 42, tries default, solver sat4j, 1.5 s)")
                .doesNotContain("==");
        assertThat(ReportRenderer.console().render(report(false)))
                .contains(
                        "VIOLATED",
                        "== TRACE-1 violated: writes <notify>",
                        "property " + LINKED + " failed",
                        "shrunk: w");
    }

    @Test
    void claimsJsonCarriesTheSettingsAsFieldsAndTheReplayOfAFailure() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportRenderer.json().render(report(false)));
        assertThat(json.get("settings").get("seed").asLong()).isEqualTo(42);
        assertThat(json.get("settings").get("tries").isNull()).isTrue();
        assertThat(json.get("settings").get("millis").asLong()).isEqualTo(1500);
        JsonNode property = json.get("claims").get(0).get("properties").get(0);
        assertThat(property.get("verdict").asText()).isEqualTo("failed");
        assertThat(property.get("replay").asText()).isEqualTo("pc1.ab.AQ");
    }

    @Test
    void indexHtmlSummarisesThenUnfoldsTheViolatedClaimsEvidenceWithItsShrunkTrace() {
        String html = ReportRenderer.html().render(report(false));
        assertThat(html)
                .contains("gate: fails", "1 claims: 0 hold, 1 violated.", "seed 42")
                .contains("<tr class=\"violated\" id=\"TRACE-1\">", "writes &lt;notify&gt;", "CLAIMS.md:3")
                .contains(
                        "<details open><summary>Alloy 1/1 as expected (no must-fail twin), properties 0/1 passed (not linked to its model)</summary>")
                .contains("<li class=\"bad\">" + LINKED
                        + ": FAILED, 1000 tries, 5 steps, seed 7, 3 ms<pre>shrunk: w</pre>")
                .doesNotContain("writes <notify>")
                .doesNotContain("<script");
        assertThat(html.indexOf("id=\"summary\"")).isLessThan(html.indexOf("<h2>Claims</h2>"));
    }

    @Test
    void indexHtmlFoldsTheEvidenceOfAClaimThatHolds() {
        assertThat(ReportRenderer.html().render(report(true)))
                .contains("gate: passes", "1 claims: 1 hold, 0 violated.")
                .contains(
                        "<details><summary>Alloy 1/1 as expected (no must-fail twin), properties 1/1 passed</summary>")
                .doesNotContain("<details open>")
                .doesNotContain("class=\"bad\"");
    }

    @Test
    void claimsJsonReadsBackToTheSameReportSoShardsCanBeMerged() {
        for (boolean passes : new boolean[] {true, false}) {
            ClaimsReport r = report(passes);
            ClaimsReport strayAndShard = new ClaimsReport(
                    r.results(),
                    r.settings().with(new Shard(2, 3), 9),
                    List.of(new AlloyCheck("u.als", "U", true, 0, "counterexample", false, 4, Set.of(), "cx")));
            assertThat(ClaimsReport.fromJson(ReportRenderer.json().render(r))).isEqualTo(r);
            assertThat(ClaimsReport.fromJson(ReportRenderer.json().render(strayAndShard)))
                    .isEqualTo(strayAndShard);
        }
    }

    @Test
    void aShardWhoseEvidenceHoldsIsPartialNotPassingAndDoesNotCallItsClaimsUnchecked() throws Exception {
        RunSettings shard = report(true).settings().with(new Shard(1, 2), 1500);
        ClaimsReport noCheckHere = ClaimsReport.of(
                List.of(TRACE_1), List.of(), report(true).results().get(0).properties(), shard);
        assertThat(noCheckHere.passes()).isTrue();
        assertThat(noCheckHere.gate()).isEqualTo("partial");
        assertThat(ReportRenderer.console().render(noCheckHere))
                .contains("shard 1/2: a share of the run", ", shard 1/2)")
                .doesNotContain("no Alloy check");
        assertThat(new ObjectMapper()
                        .readTree(ReportRenderer.json().render(noCheckHere))
                        .get("settings")
                        .get("shard")
                        .asText())
                .isEqualTo("1/2");
        ClaimsReport failing = ClaimsReport.of(
                List.of(TRACE_1), List.of(), report(false).results().get(0).properties(), shard);
        assertThat(failing.passes()).isFalse();
        assertThat(failing.gate()).isEqualTo("fails");
        assertThat(ReportRenderer.html().render(failing)).contains("gate: fails");
    }

    @Test
    void theJsonOfSomethingElseIsRefusedNamingTheMissingField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClaimsReport.fromJson("{\"gate\":\"passes\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'settings'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClaimsReport.fromJson("[1,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }

    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void junitXmlHasOneSuitePerClaimWithACaseForTheVerdictEachCommandAndEachProperty() throws Exception {
        Document passing = xml(ReportRenderer.junit().render(report(true)));
        Element root = passing.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        assertThat(root.getAttribute("tests")).isEqualTo("3");
        assertThat(root.getAttribute("failures")).isEqualTo("0");
        NodeList suites = root.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isEqualTo(1);
        Element suite = (Element) suites.item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("TRACE-1 (tracing)");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(3);
        assertThat(((Element) cases.item(0)).getAttribute("name")).isEqualTo("TRACE-1: writes <notify>");
        assertThat(((Element) cases.item(1)).getAttribute("name")).isEqualTo("t.als :: TRACE_1_x");
        assertThat(((Element) cases.item(2)).getAttribute("classname")).isEqualTo("hvproof.tracing.TRACE-1.property");
        assertThat(passing.getElementsByTagName("failure").getLength()).isZero();
    }

    @Test
    void junitXmlFailsTheViolatedClaimAndItsPropertyWithTheShrunkTraceAndReplay() throws Exception {
        Document failing = xml(ReportRenderer.junit().render(report(false)));
        assertThat(failing.getDocumentElement().getAttribute("failures")).isEqualTo("2");
        NodeList failures = failing.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(2);
        assertThat(((Element) failures.item(0)).getAttribute("message")).contains("TRACE-1 is violated");
        Element property = (Element) failures.item(1);
        assertThat(property.getAttribute("message")).contains(LINKED + " failed", "seed 7", "replay pc1.ab.AQ");
        assertThat(property.getTextContent()).isEqualTo("shrunk: w");
    }

    @Test
    void junitXmlFailsOnAStrayCommandAndCarriesControlCharactersAsValidXml() throws Exception {
        ClaimsReport r = report(true);
        ClaimsReport stray = new ClaimsReport(
                r.results(),
                r.settings(),
                List.of(new AlloyCheck(
                        "u.als", "U", true, 0, "counterexample", false, 4, Set.of(), "cx \u0007 ]]> <&>")));
        Document d = xml(ReportRenderer.junit().render(stray));
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) d.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).contains("u.als :: U counterexample (names no claim)");
        assertThat(failure.getTextContent()).isEqualTo("cx \uFFFD ]]> <&>");
    }

    @Test
    void aClaimWithoutAMustFailTwinIsMarkedInEveryFormAndOneWithATwinIsNot() throws Exception {
        ClaimsReport bare = report(true);
        assertThat(ReportRenderer.console().render(bare)).contains("ok 1 cmd 0.0s no twin");
        assertThat(new ObjectMapper()
                        .readTree(ReportRenderer.json().render(bare))
                        .get("claims")
                        .get(0)
                        .get("mustFailTwin")
                        .asBoolean())
                .isFalse();

        AlloyCheck twin =
                new AlloyCheck("t.als", "TRACE_1_wrong_y", true, 1, "counterexample", true, 5, Set.of("TRACE-1"), "cx");
        ClaimResult r = bare.results().get(0);
        List<AlloyCheck> both = new ArrayList<>(r.alloy());
        both.add(twin);
        ClaimsReport withTwin = ClaimsReport.of(List.of(TRACE_1), both, r.properties(), bare.settings());
        assertThat(withTwin.results().get(0).hasMustFailTwin()).isTrue();
        assertThat(ReportRenderer.console().render(withTwin))
                .contains("ok 2 cmd 0.0s ")
                .doesNotContain("no twin");
        assertThat(ReportRenderer.html().render(withTwin)).doesNotContain("no must-fail twin");
    }

    @Test
    void aClaimNoSpecConformanceNamesIsNotLinkedInEveryFormAndOneItNamesIs() throws Exception {
        ClaimsReport bare = report(true, "p");
        assertThat(bare.results().get(0).isLinked()).isFalse();
        assertThat(ReportRenderer.console().render(bare))
                .contains("tries not linked")
                .contains("1 of 1 claims not linked (tracing)");
        assertThat(new ObjectMapper()
                        .readTree(ReportRenderer.json().render(bare))
                        .get("claims")
                        .get(0)
                        .get("linked")
                        .asBoolean())
                .isFalse();
        assertThat(ReportRenderer.html().render(bare)).contains("(not linked to its model)");

        ClaimResult r = bare.results().get(0);
        List<PropertyCheck> both = new ArrayList<>(r.properties());
        both.add(new PropertyCheck(
                "TRACE-1..3 model traces are tracing.als traces", Set.of("TRACE-1"), 200, 1400, true, 7, null, 9, ""));
        ClaimsReport linked = ClaimsReport.of(List.of(TRACE_1), r.alloy(), both, bare.settings());
        assertThat(linked.results().get(0).isLinked()).isTrue();
        assertThat(ReportRenderer.console().render(linked)).doesNotContain("not linked");
        assertThat(ReportRenderer.html().render(linked)).doesNotContain("not linked");
        assertThat(ClaimsJson.parse(ReportRenderer.json().render(linked))
                        .results()
                        .get(0)
                        .isLinked())
                .isTrue();
    }

    @Test
    void aFailedSpecConformanceLeavesTheClaimUnlinked() {
        ClaimsReport bare = report(true, "p");
        ClaimResult r = bare.results().get(0);
        List<PropertyCheck> both = new ArrayList<>(r.properties());
        both.add(new PropertyCheck(
                "TRACE-1..3 model traces are tracing.als traces", Set.of("TRACE-1"), 3, 20, false, 7, "tok", 9, ""));
        ClaimResult failed = ClaimsReport.of(List.of(TRACE_1), r.alloy(), both, bare.settings())
                .results()
                .get(0);
        assertThat(failed.isLinked()).isFalse();
        assertThat(failed.verdict()).isEqualTo(ClaimVerdict.VIOLATED);
    }
}
