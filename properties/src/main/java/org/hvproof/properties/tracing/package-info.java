/**
 * TRACE-1..3 on generated traces of the write-tracing service.
 *
 * <p>A trace boots a three-vCPU guest, maps guest-virtual pages (including adjacent ones, so
 * writes cross page boundaries), adds and removes traces for two owners (and removals by an
 * owner that holds nothing), and writes, reads and executes at mapped, unmapped and
 * non-canonical addresses from both privilege levels. After every action the claim's own
 * invariant judges the machine's step and refinement compares the machine with the model.
 * {@code TracingFlawsAreCaughtTest} shows every deliberate flaw of the service is caught.
 *
 * <p>Left out: page-table pool exhaustion (the generator maps few pages) and traces in views
 * other than the default one (integrity's properties exercise those).
 */
package org.hvproof.properties.tracing;
