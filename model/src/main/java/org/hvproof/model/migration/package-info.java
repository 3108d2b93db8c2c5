/**
 * Live migration of a VM with a passthrough PCI device (claims MIG-1..MIG-5; US10198299B1), as a
 * pure model: the oracle for the machine's migration service and the Java twin of
 * {@code specs/migration.als}.
 *
 * <p>{@link org.hvproof.model.migration.MigrationModel#step} takes a
 * {@link org.hvproof.model.migration.MigrationState} and a
 * {@link org.hvproof.model.migration.MigrationAction} to a
 * {@link org.hvproof.model.migration.MigrationStep}. The VM writes and reads its data pages and
 * drives a NIC-like device: descriptors in a ring page, a doorbell, a completion ring and a
 * completion interrupt; the device moves each request's bytes by DMA in as many steps as the trace
 * gives it. A passthrough device's DMA bypasses the nested page tables, so dirty logging never
 * sees it; when migration starts the hypervisor copies the DMA buffer and gives one copy to the VM
 * (the vCPU buffer) and the other to the device (the device buffer), which copy is which per run
 * ({@link org.hvproof.model.migration.MigrationEmbodiment}), and synchronises them where the run's
 * {@link org.hvproof.model.migration.MigrationStrategy} says, marking every page a sync changes
 * dirty. Pre-copy rounds send the dirty pages, in one step or in micro-steps with the VM and its
 * device running between them (per page of the round: its dirty logging re-armed, then its copy;
 * {@code roundPages} and {@code roundSteps} hold the round in progress); stop-and-copy, with the
 * VM stopped, is one step. It copies back what the device wrote of
 * requests it still owns, sends the rest and switches over, with the ring and the requests moved
 * to the destination's device. Simulated time: a page takes the page size over the bandwidth.
 *
 * <p>{@link org.hvproof.model.migration.MigrationInvariants} states the claims ({@code ALL});
 * {@link org.hvproof.model.migration.MigrationModelFlaw} selects deliberately wrong model steps.
 * Left out: the device's own state beyond its ring and requests (link, MAC), completions out of
 * order, several devices, and post-copy migration.
 */
package org.hvproof.model.migration;
