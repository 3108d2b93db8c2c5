/**
 * Values shared by every mechanism's abstract model and by the simulated machine: vCPUs,
 * guest-physical pages, owners, access kinds, the machine's shape, immutable byte strings,
 * the observations an outside observer sees, and named invariants.
 *
 * <p>Observations are defined here, once, so that the implementation returns the very same
 * records as the model and refinement is a plain {@code equals}. Nothing here knows about page
 * tables, host memory or any one mechanism; timing and caches (TLBs) are left out everywhere.
 */
package org.hvproof.model.common;
