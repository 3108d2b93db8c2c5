/**
 * The FT claims (application fault tolerance by battery-backed replication) as properties over
 * generated traces.
 *
 * <p>{@link org.hvproof.properties.failover.FailoverActions} draws each next action from the
 * model's current state: provisioning figures from their whole domain with hold-up times at a
 * chosen distance from the budget's requirement, client workloads over every key, and the failure
 * path with every fault injected at any step;
 * {@link org.hvproof.properties.failover.FailoverTrace} runs the two simulated hosts and the
 * model in lockstep and labels what happened with
 * {@link org.hvproof.properties.failover.FailoverLabels};
 * {@link org.hvproof.properties.failover.FailoverProperties} has one {@code @Claim} property per
 * FT claim, parameterised by the implementation's flaw and built with the claim harness.
 *
 * <p>Left out: actions of other mechanisms in the same trace; retransmission after a link drop.
 */
package org.hvproof.properties.failover;
