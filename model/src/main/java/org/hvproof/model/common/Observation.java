package org.hvproof.model.common;

/**
 * Something an outside observer sees a step do: a notification, a fault, a value read, a
 * result. Model and implementation return the same records, so refinement is {@code equals}.
 * Not sealed, so that later mechanisms can add their own kinds (alerts, virtual interrupts).
 */
public interface Observation {}
