/**
 * Properties of the composed system ({@link org.hvproof.impl.composed.ComposedSystem}): the
 * integrity service with its tree store, the protection-domain service, the interrupts guest
 * with its interrupt security module, the migration source's VM with its NIC and migration
 * service, the failover pair's secondary, and the tracing mechanism's own guest with its owners and
 * device on one machine, one hypervisor and one tracing service. {@link
 * org.hvproof.properties.composed.ComposedActions} interleaves the six mechanisms' own generators
 * (hostile actions included) over nine vCPUs, the failover pair's on the single-run traces only;
 * {@link org.hvproof.properties.composed.ComposedTrace} runs the machine beside the composed
 * model, the integrity store's protect and unprotect in the micro-steps of its commit with the
 * other guests' actions between them ({@link org.hvproof.properties.composed.StoreMicroSteps}, as
 * the integrity traces run them), the tracing guest's requests in their own micro-steps likewise,
 * and, after every step, probes every node page of the store from the integrity guest's views;
 * {@link org.hvproof.properties.composed.ComposedProperties} asserts TREE-2, TREE-4..TREE-7 (on
 * the store's tree), GI-1..GI-8, PD-1..PD-5, INT-2..INT-6, MIG-1..MIG-5 (MIG-1's single-run
 * half), FT-1..FT-4 and TRACE-1..TRACE-5 (the tracing model's invariants on its guest's part, the
 * machine-level checks on every view) on those traces, each with its claim's machine-level checks
 * (the per-mechanism properties' own, run on the hosted services) and refinement of all six
 * mechanisms; {@link
 * org.hvproof.properties.composed.ComposedTwoRuns} runs two compositions that differ only in the
 * secure domains' contents, for PD-1's noninterference with every other guest as an observer
 * beside the root; {@link org.hvproof.properties.composed.ComposedInterruptsTwoRuns} runs two that
 * differ only in the interrupts guest's secret, for INT-1's noninterference with every other guest
 * as an observer beside the interrupts guest's low code; {@link
 * org.hvproof.properties.composed.ComposedMigrationTwoRuns} runs two of which only one migrates,
 * for MIG-1's two runs beside the other guests; and {@link
 * org.hvproof.properties.composed.ComposedLabels} names the seams the traces must reach.
 *
 * <p>Left out: the guests share no vCPU and no view (a composition where the domains' root
 * domain is the integrity guest itself needs a model of what each service does to the other's
 * vCPU context, which no mechanism's model has); the migration source draws its pages, ring
 * slots, embodiment, strategy, downtime limit and round limit per trace (a switch-over after two
 * rounds or more is rare), longer pre-copy only per mechanism; the tracing guest walks
 * with nested accessed/dirty flags off; of the failover
 * pair only the secondary is a guest here (its primary a host of its own), and the two-run
 * properties draw none of its steps.
 */
package org.hvproof.properties.composed;
