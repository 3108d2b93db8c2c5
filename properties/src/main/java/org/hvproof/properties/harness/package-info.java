/**
 * The one claim-property harness. A mechanism supplies its boot, actions and invariants
 * ({@link org.hvproof.properties.harness.ClaimHarness}); its trace exposes the system's steps
 * read through the abstraction function ({@link org.hvproof.properties.harness.JudgedTrace}) or,
 * for noninterference, two runs' steps side by side ({@link
 * org.hvproof.properties.harness.JudgedPair}). Every claim property is then built the same way,
 * parameterised by the mechanism's flaw, and checks the claim's invariants, its machine-level
 * checks and refinement after every step. Left out: how a mechanism generates its actions and
 * labels its traces, which stay with the mechanism.
 */
package org.hvproof.properties.harness;
