/**
 * The claims report: the catalogue, the evidence, the verdicts and their output forms.
 *
 * <p>CLAIMS.md lists the claims; the Alloy runner's outcomes carry the claim ids found in the
 * comments above each command and assert; the properties carry theirs in {@code @Claim}. The
 * report joins the three on the id and decides each claim's verdict: it holds only with a
 * passing Alloy check and passing properties, and is unchecked (which fails the gate too) when
 * either kind of evidence is missing; a claim whose Alloy command gave no answer within its time
 * limit is {@code timeout}, which fails the gate as well. A failed command tagged with no claim
 * fails the gate on its own, and every output form says so. Each output form (console table, claims.json, index.html)
 * is one {@link org.hvproof.properties.report.ReportRenderer}. The command line that drives a run
 * is {@link org.hvproof.properties.cli}.
 *
 * <p>A run can be split across machines: a {@link org.hvproof.properties.report.Shard} runs whole
 * commands and whole properties dealt round-robin by key, each exactly as in the whole run, and
 * claims.json holds every field of the report, so {@link
 * org.hvproof.properties.report.ClaimsReport#merge} rebuilds the whole run's report from the shards'.
 *
 * <p>Left out: running several claims' properties in parallel within one machine (runs are
 * sequential so a seed replays the same way; shards are the parallel form), and history across runs.
 */
package org.hvproof.properties.report;
