package org.hvproof.properties.report;

/**
 * One output form of a {@link ClaimsReport}: the console table, claims.json, index.html, junit.xml. Each is a
 * pure function of the report, so a form is tested on a report built by hand and a new form is one
 * class.
 */
public interface ReportRenderer {
    /** The report in this form. */
    String render(ClaimsReport report);

    /** The console table, the failures under it and any stray failed command. */
    static ReportRenderer console() {
        return new ConsoleTable();
    }

    /** claims.json, for machines. */
    static ReportRenderer json() {
        return new ClaimsJson();
    }

    /** index.html, for people reading a CI artifact. */
    static ReportRenderer html() {
        return new IndexHtml(null, null);
    }

    /**
     * index.html to be written into {@code reportDir}, its links to CLAIMS.md and the specs relative
     * to that directory (paths in the report are relative to the project root {@code home}).
     */
    static ReportRenderer html(java.nio.file.Path reportDir, java.nio.file.Path home) {
        return new IndexHtml(reportDir, home);
    }

    /** junit.xml, for the test tabs of CI systems. */
    static ReportRenderer junit() {
        return new JunitXml();
    }
}
