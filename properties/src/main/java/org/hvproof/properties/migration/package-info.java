/**
 * The MIG claims (live migration of a VM with a passthrough device) as properties over generated
 * traces.
 *
 * <p>{@link org.hvproof.properties.migration.MigrationActions} boots each trace with generated
 * figures (either embodiment, either strategy, downtime and round limits at and around the edge)
 * and draws each next action from the model's state: VM accesses, descriptors, doorbells, DMA
 * steps and completions interleaved with the migration's start and rounds at every point, a
 * pre-copy round whole or in micro-steps (per page, re-arm then copy) with the VM's accesses, drawn
 * toward the round's pages, between them (the composed traces keep whole rounds);
 * {@link org.hvproof.properties.migration.MigrationTrace} runs the hosts and the model in lockstep
 * and labels what happened with {@link org.hvproof.properties.migration.MigrationLabels};
 * {@link org.hvproof.properties.migration.MigrationTwoRuns} runs the same actions with and without
 * a migration for MIG-1; {@link org.hvproof.properties.migration.MigrationProperties} has the
 * {@code @Claim} properties, parameterised by the implementation's flaw.
 */
package org.hvproof.properties.migration;
