/**
 * The claims checked on generated traces, and what joins the three descriptions of a claim.
 *
 * <p>Per mechanism, a sub-package holds the trace generator (the next action drawn from the
 * current model state, hostile actions weighted in), the system under test (the implementation
 * and the model in {@link org.hvproof.properties.Lockstep}), and one property per claim, each
 * annotated {@link org.hvproof.properties.Claim} with the claim's id. A property asserts the
 * claim's invariants on the implementation's own step, read through its abstraction function,
 * then refinement, after every action; coverage minimums fail it when its traces do not reach
 * the situations the claim speaks of. Sub-package {@code report} is the claims report and the
 * {@code hvproof} command.
 *
 * <p>Left out here: the claims' definitions (they live in {@code model}) and the machine (in
 * {@code impl}); this module only drives and judges them.
 */
package org.hvproof.properties;
