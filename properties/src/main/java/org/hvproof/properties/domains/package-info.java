/**
 * The PD claims (root and secure protection domains) as properties over generated, shrinking,
 * adversarial traces: {@link org.hvproof.properties.domains.DomainsProperties} runs the machine
 * and the model in lockstep ({@link org.hvproof.properties.domains.DomainsTrace}) with each claim's
 * invariants after every machine action and refinement last, and checks confidentiality with two
 * runs that differ only in a secure domain's memory and registers
 * ({@link org.hvproof.properties.domains.DomainsTwoRuns}). The traces come from
 * {@link org.hvproof.properties.domains.DomainsActions}, which weights hostile root behaviour in.
 */
package org.hvproof.properties.domains;
