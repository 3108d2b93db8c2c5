package org.hvproof.properties.cli;

import java.nio.file.Path;
import org.hvproof.specs.AlloyRunner;

/**
 * Every path the CLI reads or writes by default, relative to the project's root: the catalogue,
 * the specs, the report directory and the report's files. Options override some of them; no other
 * class writes a path as a string.
 *
 * @param home the project's root
 */
public record HvproofPaths(Path home) {
    /** The system property the {@code ./hvproof} script sets to the project's root. */
    public static final String HOME_PROPERTY = "hvproof.home";

    public HvproofPaths {
        home = home.toAbsolutePath().normalize();
    }

    /** The project at {@code -Dhvproof.home}, or the working directory when it is not set. */
    public static HvproofPaths fromSystemProperty() {
        return new HvproofPaths(Path.of(System.getProperty(HOME_PROPERTY, ".")));
    }

    /** CLAIMS.md: the claims catalogue. */
    public Path catalogue() {
        return home.resolve("CLAIMS.md");
    }

    /** specs/src/main/alloy: the Alloy specs, always included in a run. */
    public Path specs() {
        return home.resolve(AlloyRunner.SPEC_DIR_IN_REPO);
    }

    /** target/claims: where the report goes unless {@code --out} says otherwise. */
    public Path reportDir() {
        return home.resolve("target").resolve("claims");
    }

    /** claims.json in the report directory {@code dir}. */
    public static Path claimsJson(Path dir) {
        return dir.resolve("claims.json");
    }

    /** index.html in the report directory {@code dir}. */
    public static Path indexHtml(Path dir) {
        return dir.resolve("index.html");
    }

    /** The JUnit XML form of the claims report in {@code dir}. */
    public static Path junitXml(Path dir) {
        return dir.resolve("junit.xml");
    }

    /** {@code path} relative to the project's root when it lies inside it, as given otherwise; for messages. */
    public String shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(home) ? home.relativize(absolute).toString() : path.toString();
    }
}
