package org.hvproof.model.failover;

/** Where the two hosts are on the failure path. */
public enum FailoverPhase {
    /** Not provisioned yet. */
    UNPROVISIONED,
    /** The primary runs the application on AC power. */
    RUNNING,
    /** AC power failed; the panic handler is switching CPU, memory and NIC to the battery. */
    ON_BATTERY,
    /** The post-fail agent copies the checkpoint to the secondary, on battery. */
    COPYING,
    /** The secondary runs the application from the checkpoint; the primary is off. */
    FAILED_OVER,
    /** The failover failed and was reported; no host runs the application. */
    FAILED
}
