package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure of index.html for a run with a violated claim, parsed with jsoup: the summary counts
 * the violated claim, the failed property is a step timeline with the violation at its step and the
 * replay command, the failed Alloy check is drawn state by state, the links reach CLAIMS.md and the
 * spec at existing files, and nothing is fetched from the network.
 */
class IndexHtmlFailureTest {
    private static final Path DIR = Path.of("target", "report-html-test").toAbsolutePath();
    private static Document doc;
    private static Path html;
    private static ClaimsReport report;

    @BeforeAll
    static void render() throws Exception {
        report = ViolatedClaimReport.make(DIR);
        html = ViolatedClaimReport.writeHtml(report, DIR);
        doc = Jsoup.parse(html.toFile(), "UTF-8");
    }

    @Test
    void theSummaryCountsTheViolatedClaim() {
        assertThat(doc.selectFirst("p.gate").text()).startsWith("gate: fails");
        assertThat(doc.selectFirst("#summary").text()).contains("2 claims", "1 violated", "seed 20261125");
        assertThat(doc.selectFirst("tr#TRACE-1").hasClass("violated")).isTrue();
        assertThat(doc.selectFirst("tr#TRACE-2").hasClass("holds")).isTrue();
        // evidence of a violated claim is unfolded, of a holding one folded
        assertThat(doc.selectFirst("tr#TRACE-1 details").hasAttr("open")).isTrue();
        assertThat(doc.selectFirst("tr#TRACE-2 details").hasAttr("open")).isFalse();
    }

    @Test
    void theFailedPropertyIsAStepTimelineWithTheViolationAtItsStep() {
        Element timeline = doc.selectFirst("tr#TRACE-1 table.timeline");
        assertThat(timeline).isNotNull();
        Elements rows = timeline.select("tr:has(td)");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(2);
        Element failing = timeline.selectFirst("tr.failing");
        assertThat(failing).isSameAs(rows.last());
        assertThat(failing.select("td").get(1).text()).isEqualTo("vCPU 0");
        assertThat(failing.text()).contains("write vcpu0", "TRACE-1 oneNotificationPerTracedPage", "found 2");
        assertThat(failing.select("td").get(3).text()).contains("notify vcpu0 gpp:0x0");
        assertThat(timeline.select("div.add").eachText()).contains("+ traces {gpp:0x0=[integrity]}");
        assertThat(timeline.select("details pre")).hasSameSizeAs(rows);
        assertThat(doc.selectFirst("tr#TRACE-1 code.replay").text())
                .startsWith("./hvproof check --claim TRACE-1 --replay pc1.");
        assertThat(doc.text()).doesNotContainPattern("[A-Z][a-z]+\\[[a-z]+=");
    }

    @Test
    void theFailedAlloyCheckIsDrawnStateByState() {
        Element table = doc.selectFirst("tr#TRACE-1 table.alloy");
        assertThat(table).isNotNull();
        assertThat(table.select("th").eachText())
                .contains("relation", "state 0")
                .anyMatch(t -> t.startsWith("state 1"));
        assertThat(table.select("td:first-child").eachText()).contains("traced");
        assertThat(table.select("td.changed")).isNotEmpty();
    }

    @Test
    void theLinksReachTheCatalogueRowAndTheSpecLine() throws Exception {
        Element catalogue = doc.selectFirst("tr#TRACE-1 a.catalogue");
        assertThat(catalogue.text()).matches("CLAIMS\\.md:\\d+");
        int line = Integer.parseInt(catalogue.text().substring("CLAIMS.md:".length()));
        Path target = resolve(catalogue.attr("href"));
        assertThat(target).isRegularFile().hasFileName("CLAIMS.md");
        assertThat(Files.readAllLines(target).get(line - 1)).contains("TRACE-1");
        assertThat(catalogue.attr("href")).doesNotStartWith("/").endsWith("#L" + line);

        Element spec = doc.selectFirst("tr#TRACE-1 a.spec");
        Path specFile = resolve(spec.attr("href"));
        int specLine = Integer.parseInt(spec.attr("href").replaceAll(".*#L", ""));
        assertThat(Files.readAllLines(specFile).get(specLine - 1)).contains("check TRACE_1_neverTraced");
    }

    @Test
    void theFileIsSelfContained() {
        assertThat(doc.select("script[src], link[href], img[src^=http], iframe"))
                .isEmpty();
        assertThat(doc.select("a[href^=http]")).isEmpty();
    }

    @Test
    void theTimelineAndTheSpecLinesSurviveClaimsJsonSoMergedShardsDrawThemToo() {
        ClaimsReport back = ClaimsReport.fromJson(ReportRenderer.json().render(report));
        assertThat(back.results().get(0).properties())
                .isEqualTo(report.results().get(0).properties());
        assertThat(back.results().get(0).properties().get(0).timeline()).isNotNull();
        assertThat(back.results().get(0).alloy())
                .isEqualTo(report.results().get(0).alloy());
        assertThat(ReportRenderer.html(DIR, ViolatedClaimReport.HOME).render(back))
                .isEqualTo(ReportRenderer.html(DIR, ViolatedClaimReport.HOME).render(report));
    }

    private static Path resolve(String href) {
        return html.getParent().resolve(href.replaceAll("#.*", "")).normalize();
    }
}
