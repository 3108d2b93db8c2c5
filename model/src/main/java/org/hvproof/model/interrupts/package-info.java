/**
 * The abstract model of secrets embedded in code against compromised interrupt handlers
 * (US10922402B2 with US9411979B2; claims INT-1..INT-6), the oracle the reference
 * implementation is compared with.
 *
 * <p>The hypervisor writes a secret as the immediate of a move instruction in an execute-only
 * code page ({@link org.hvproof.model.interrupts.CodeLayout}). The guest runs a four-instruction
 * sequence from it one instruction per {@link org.hvproof.model.interrupts.InterruptsAction.Execute}:
 * move the secret into {@code R1}; mix it with the message in {@code R3} into the
 * authentication value {@code R2}; compare {@code R1} with the erasure constant and start again
 * on equality; hypercall, which the hypervisor checks ({@link org.hvproof.model.interrupts.HypercallVerdict}).
 * The interrupt security module intercepts every interrupt and exception; inside the sequence it
 * overwrites {@code R1} and {@code R2} with the erasure constant before it forwards one virtual
 * interrupt with the same vector to the guest's handler. Handlers are untrusted: they see every
 * register, read all readable memory, and may rewrite registers and their return address.
 *
 * <p>{@link org.hvproof.model.interrupts.InterruptsModel#step} is the pure step function from an
 * {@link org.hvproof.model.interrupts.InterruptsState} and an
 * {@link org.hvproof.model.interrupts.InterruptsAction} to an
 * {@link org.hvproof.model.interrupts.InterruptsStep} (next state and
 * {@link org.hvproof.model.interrupts.InterruptsObservation}s).
 * {@link org.hvproof.model.interrupts.InterruptsInvariants#ALL} holds the claims as named state,
 * step and pair invariants, named as the asserts of {@code interrupts.als};
 * {@link org.hvproof.model.interrupts.InterruptsLowEquivalence} and
 * {@link org.hvproof.model.interrupts.HandlerView} are the observer's relation and view for the
 * two-run statement of INT-1. {@link org.hvproof.model.interrupts.InterruptsModelFlaw} switches on
 * deliberately wrong behaviour, for showing that the invariants catch it; only
 * {@code InterruptsModel.step(InterruptsState, InterruptsAction, Set)} consults it.
 *
 * <p>Left out: instruction bytes and decoding (the impl decodes; here instructions are
 * records), timing, caches, handler code below the level of its reads and writes. A fault an
 * instruction raises (a fetch the guest's tables refuse, a slot holding no instruction, a read or
 * write of the execute-only page or of a page the guest OS unmapped) is seen as its fault and
 * then takes the path of an exception with its vector (scrub, one virtual interrupt); a
 * generator injects exceptions with {@link org.hvproof.model.interrupts.InterruptsAction.Arrive}.
 */
package org.hvproof.model.interrupts;
