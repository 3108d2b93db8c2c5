package org.hvproof.impl.failover;

/**
 * One frame on the link: a checkpoint chunk (primary to secondary), its acknowledgement (back) or
 * the signal, with the sending host, the failover's epoch, the chunk's index (for the signal: the
 * chunk count), its payload (for the signal: none), when it lands, and when the signal was sent
 * and the failure happened (for the signal's elapsed time).
 */
record WireFrame(Kind kind, long fromHost, int epoch, int index, byte[] data, long landAt, long sentAt, long failedAt) {
    enum Kind {
        CHUNK,
        ACK,
        SIGNAL
    }
}
