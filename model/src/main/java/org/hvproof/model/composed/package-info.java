/**
 * The composed model: the integrity mechanism's model (its protections, which the system keeps
 * in the tree store), the protection-domain mechanism's model, the interrupts mechanism's model,
 * the migration mechanism's (its source VM, NIC and service, and the destination), the failover
 * mechanism's (both hosts, the link, the agents; its secondary a guest of the composed machine)
 * and the tracing mechanism's, of its own guest (its mappings, its owners' traces in its view of
 * the shared tracing service, its memory, its request in flight), side by side, the Java oracle of
 * the composed system ({@code org.hvproof.impl.composed.ComposedSystem}).
 *
 * <p>{@link org.hvproof.model.composed.ComposedModel#step} routes each
 * {@link org.hvproof.model.composed.ComposedAction} to its mechanism's step function, which sees
 * only its own part of the {@link org.hvproof.model.composed.ComposedState}; the other parts stay
 * as they were. {@link org.hvproof.model.composed.ComposedInvariants#ALL} is every composed
 * mechanism's single-run invariants (the tracing guest's TRACE invariants among them), each on its own part, then the pair invariants of two
 * composed runs: the domains' and the interrupts guest's own noninterference on their steps,
 * PD-1's and INT-1's across guests (every other guest's observations and state the same in both
 * runs), and migration's two-run MIG-1 on the migration source's steps. The composition adds no claim of its own: its point is
 * that each mechanism's claims still hold, and its model still describes it, while the other
 * mechanisms run on the same machine.
 *
 * <p>The tracing model describes its own guest's traces only: the traces the tree, the integrity
 * service and dirty logging keep on the same service, in their guests' views, are theirs to
 * describe (the integrity and migration models, TREE-7's machine checks) and the TRACE machine
 * checks judge every view at once.
 *
 * <p>Left out: the tree's own model (the store is judged by TREE-7's machine checks).
 */
package org.hvproof.model.composed;
