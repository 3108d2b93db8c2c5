/**
 * Properties of the composed system ({@link org.hvproof.impl.composed.ComposedSystem}): the
 * integrity service with its tree store and the protection-domain service on one machine, one
 * hypervisor and one tracing service. {@link org.hvproof.properties.composed.ComposedActions}
 * interleaves the two mechanisms' own generators (hostile actions included) over four vCPUs;
 * {@link org.hvproof.properties.composed.ComposedTrace} runs the machine beside the composed
 * model and, after every step, probes every node page of the store from the integrity guest's views;
 * {@link org.hvproof.properties.composed.ComposedProperties} asserts TREE-2, TREE-4..TREE-7 (on
 * the store's tree), GI-1..GI-8 and PD-1..PD-5 on those traces, each with its claim's machine-level checks (the per-mechanism
 * properties' own, run on the hosted services) and refinement of both mechanisms, and
 * {@link org.hvproof.properties.composed.ComposedLabels} names the seams the traces must reach.
 *
 * <p>Left out: the two guests share no vCPU and no view (a composition where the domains' root
 * domain is the integrity guest itself needs a model of what each service does to the other's
 * vCPU context, which neither mechanism's model has); the domains' two-run (noninterference)
 * property runs only per mechanism; the interrupts,
 * tracing (as a mechanism of its own), migration and failover mechanisms still run alone.
 */
package org.hvproof.properties.composed;
