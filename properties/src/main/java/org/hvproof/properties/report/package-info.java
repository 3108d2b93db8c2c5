/**
 * The claims report and the {@code hvproof} command.
 *
 * <p>CLAIMS.md lists the claims; the Alloy runner's outcomes carry the claim ids found in the
 * comments above each command and assert; the properties carry theirs in {@code @Claim}. The
 * report joins the three on the id and decides each claim's verdict: it holds only with a
 * passing Alloy check and passing properties, and is unchecked (which fails the gate too) when
 * either kind of evidence is missing. It prints a table and writes claims.json and index.html.
 *
 * <p>Left out: running several claims' properties in parallel (runs are sequential so a seed
 * replays the same way), and history across runs.
 */
package org.hvproof.properties.report;
