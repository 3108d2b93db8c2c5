package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * index.html of a run with a violated claim, opened in headless Chromium: the DOM after loading
 * holds the summary, the failure's timeline and the links, and a screenshot shows the violated row
 * and the failing step drawn in their colours. Without Chromium the test fails under CI (env CI set;
 * {@code .ci/run} installs Debian's {@code chromium}) and is skipped with the reason locally. The
 * screenshot is kept at {@code properties/target/report-browser-test/report.png} (the README's
 * picture, docs/report.png, is a copy of it).
 */
class ReportInBrowserTest {
    private static final Path DIR = Path.of("target", "report-browser-test").toAbsolutePath();
    private static final Path CHROMIUM = Path.of(System.getProperty("hvproof.chromium", "/usr/bin/chromium"));

    private static Path html;

    @BeforeAll
    static void writeReport() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String reason = CHROMIUM + " not found: install Debian's chromium and chromium-driver"
                    + " (apt-get install -y chromium chromium-driver; .ci/run does so when they are absent)";
            if (System.getenv("CI") != null) {
                throw new AssertionError("CI must check the report in a real browser, but " + reason);
            }
            System.out.println("ReportInBrowserTest skipped: " + reason);
            Assumptions.abort(reason);
        }
        html = ViolatedClaimReport.writeHtml(ViolatedClaimReport.make(DIR), DIR);
    }

    @Test
    void theSummaryTheTimelineAndTheLinksAreInTheBrowsersDom() throws Exception {
        String dom = chromium("--dump-dom", html.toUri().toString());
        Document doc = Jsoup.parse(dom, html.toUri().toString());
        assertThat(doc.title()).isEqualTo("hvproof claims: fails");
        assertThat(doc.selectFirst("#summary").text()).contains("2 claims", "1 violated");
        Element timeline = doc.selectFirst("tr#TRACE-1 table.timeline");
        assertThat(timeline).isNotNull();
        assertThat(timeline.selectFirst("tr.failing").text())
                .contains("write vcpu0", "TRACE-1 oneNotificationPerTracedPage");
        assertThat(doc.selectFirst("tr#TRACE-1 table.alloy")).isNotNull();
        for (Element a : doc.select("tr#TRACE-1 a.catalogue, tr#TRACE-1 a.spec")) {
            Path target = Path.of(java.net.URI.create(a.absUrl("href").replaceAll("#.*", "")));
            assertThat(target).as("link %s", a.text()).isRegularFile();
        }
        assertThat(doc.select("tr#TRACE-1 a.catalogue")).hasSize(1);
    }

    @Test
    void aScreenshotShowsTheViolatedClaimAndItsFailingStep() throws Exception {
        Path png = DIR.resolve("report.png");
        Files.deleteIfExists(png);
        chromium(
                "--screenshot=" + png,
                "--window-size=1400,1200",
                "--hide-scrollbars",
                html.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1400);
        // the violated claim's row (#fce8e6) and the failing step's outline (#b3261e) are painted
        assertThat(pixels(image, 0xfce8e6)).as("pixels of the violated row").isGreaterThan(1000);
        assertThat(pixels(image, 0xb3261e))
                .as("pixels of the failing step's outline")
                .isGreaterThan(100);
    }

    private static long pixels(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Runs headless Chromium with a fresh profile, no network services, and returns what it printed. */
    private static String chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("hvproof-chromium");
        List<String> command = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path err = DIR.resolve("chromium.err");
        Process p = new ProcessBuilder(command)
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + command);
        }
        assertThat(p.exitValue())
                .as("chromium exit status; its stderr: %s", Files.readString(err))
                .isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
