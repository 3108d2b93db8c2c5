/**
 * The PD claims (root and secure protection domains) as properties over generated, shrinking,
 * adversarial traces. {@link org.hvproof.properties.domains.DomainsProperties} runs the machine
 * and the model in lockstep ({@link org.hvproof.properties.domains.DomainsTrace}) and judges each
 * machine step, read through {@code DomainsAbstraction}, with the claim's invariants from
 * {@code DomainsInvariants}, then refinement; PD-1 adds a machine-level check of the host frames
 * a root access touched. Confidentiality is checked with two runs that differ only in a secure
 * domain's memory and registers ({@link org.hvproof.properties.domains.DomainsTwoRuns}), judged by
 * the pair invariant {@code ROOT_SEES_NOTHING_SECURE} and the machine's whole root view. The
 * traces come from {@link org.hvproof.properties.domains.DomainsActions}, which weights hostile
 * root behaviour in; {@link org.hvproof.properties.domains.DomainsLabels} names the situations
 * the coverage minimums ask for.
 *
 * <p>Left out here: layouts other than {@code DomainLayout.standard()} (two secure domains, two
 * vCPUs).
 */
package org.hvproof.properties.domains;
