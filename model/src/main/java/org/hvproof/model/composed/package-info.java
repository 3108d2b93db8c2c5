/**
 * The composed model: the integrity mechanism's model (its protections, which the system keeps
 * in the tree store) and the protection-domain mechanism's model side by side, the Java oracle of the composed
 * system ({@code org.hvproof.impl.composed.ComposedSystem}).
 *
 * <p>{@link org.hvproof.model.composed.ComposedModel#step} routes each
 * {@link org.hvproof.model.composed.ComposedAction} to its mechanism's step function, which sees
 * only its own part of the {@link org.hvproof.model.composed.ComposedState}; the other part stays
 * as it was. {@link org.hvproof.model.composed.ComposedInvariants#ALL} is every composed
 * mechanism's invariants, each on its own part. The composition adds no claim of its own: its
 * point is that each mechanism's claims still hold, and its model still describes it, while the
 * other mechanism runs on the same machine.
 *
 * <p>Left out: the tracing mechanism's model (its service is shared, but only the integrity
 * service and the tree use it here, and their traces are judged through the integrity and TREE-7
 * checks), the tree's own model (the store is judged by TREE-7's machine checks), and the
 * interrupts, migration and failover mechanisms, which still run alone.
 */
package org.hvproof.model.composed;
