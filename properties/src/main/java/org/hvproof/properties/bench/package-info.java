/**
 * Benchmarks of the checked path: how many generated trace steps per second each mechanism's
 * properties execute, with the implementation, the model, the abstraction, refinement and every
 * invariant evaluated after every step. Figures are printed, never asserted: a slow machine is not
 * a failed claim.
 */
package org.hvproof.properties.bench;
