/**
 * The guest integrity driver and integrity mode (claims GI-1..GI-8; US11379385B2,
 * US10430223B2), as a pure model: the oracle for the reference implementation and the Java
 * twin of {@code specs/integrity.als}.
 *
 * <p>{@link org.hvproof.model.integrity.IntegrityModel#step} takes an
 * {@link org.hvproof.model.integrity.IntegrityState} and an
 * {@link org.hvproof.model.integrity.IntegrityAction} to an
 * {@link org.hvproof.model.integrity.IntegrityStep}: the next state and the
 * {@link org.hvproof.model.integrity.IntegrityObservation}s. The driver registers its code pages,
 * data pages and entry point once; from then on its pages are protected (action {@code BLOCK}).
 * Each vCPU has a mode and a view: integrity mode is entered only by a call whose instruction
 * pointer is exactly the registered entry point (page and offset), and every way out (exit,
 * interrupt, fault) switches the vCPU back to the protected view. Writes are judged by the view a
 * vCPU runs on, as nested page tables would judge them: the integrity view leaves only the
 * driver's own data pages unmonitored (GI-3, GI-7). Protect and unprotect requests are honoured
 * only from integrity mode; from normal mode they are refused with an alert
 * ({@link org.hvproof.model.integrity.IntegrityAlertCause}) and change nothing (GI-5, GI-6). In
 * integrity mode only the driver's code runs: an action whose instruction pointer is outside the
 * driver's code pages (or whose caller is in user mode) faults before it does anything, and every
 * fault in integrity mode ends it with an alert (GI-8). Raw
 * request arguments are decoded in one place ({@link org.hvproof.model.tree.RangeRequest}).
 *
 * <p>{@link org.hvproof.model.integrity.IntegrityInvariants} states the claims as named
 * invariants ({@code ALL}); {@link org.hvproof.model.integrity.IntegrityModelFlaw} selects
 * deliberately wrong model steps for the model's own tests.
 *
 * <p>Protections are an abstract page-to-action map here; {@code org.hvproof.model.tree} is
 * the structure that stores them. Left out: privilege levels beyond a fetch in integrity mode
 * (recorded in alerts), instruction fetch outside integrity mode, interrupt delivery (the interrupts mechanism), memory contents.
 */
package org.hvproof.model.integrity;
