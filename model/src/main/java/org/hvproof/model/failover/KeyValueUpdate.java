package org.hvproof.model.failover;

/** A client's update of the key-value store: set {@code key} to {@code value}. */
public record KeyValueUpdate(long key, long value) {}
