package org.hvproof.model.failover;

import org.hvproof.model.common.Bytes;

/** A chunk of the checkpoint on the wire: its epoch, its index, when it lands and its bytes. */
public record InFlightChunk(int epoch, int chunk, long landAt, Bytes data) {}
