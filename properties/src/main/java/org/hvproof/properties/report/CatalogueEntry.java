package org.hvproof.properties.report;

/**
 * One row of CLAIMS.md: a claim's id, its mechanism, its statement in the project's words,
 * and where it comes from.
 */
public record CatalogueEntry(String id, String mechanism, String statement, String source) {}
