package org.hvproof.impl.machine;

/** An asynchronous interrupt or a synchronous exception a vCPU takes, with its vector. */
public record VcpuEvent(Kind kind, int vector) {
    /** Which of the two. */
    public enum Kind {
        /** An external or inter-processor interrupt. */
        INTERRUPT,
        /** A fault or trap raised by the instruction the vCPU was running. */
        EXCEPTION
    }
}
