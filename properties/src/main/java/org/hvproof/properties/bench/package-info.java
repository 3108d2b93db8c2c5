/**
 * Benchmarks of the checked path: how many generated trace steps per second each mechanism's
 * properties execute, with the implementation, the model, the abstraction, refinement and every
 * invariant evaluated after every step. Figures are printed, never asserted: a slow machine is not
 * a failed claim. Beside them: the machine's guest accesses per second with translation caches on
 * and off ({@code TlbThroughput}), and the protected-page tree at real scale beside {@code TreeMap}
 * ({@code TreeScale}).
 */
package org.hvproof.properties.bench;
