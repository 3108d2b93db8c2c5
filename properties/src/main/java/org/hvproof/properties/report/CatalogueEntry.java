package org.hvproof.properties.report;

/**
 * One row of CLAIMS.md: a claim's id, its mechanism, its statement in the project's words,
 * where it comes from, and the 1-based line it sits on (so {@code hvproof show} can point at it).
 */
public record CatalogueEntry(String id, String mechanism, String statement, String source, int line) {}
