package org.hvproof.model.common;

/** A management request (map a page, add a trace, ...) the hypervisor refused, and why. */
public record Refused(ErrorCode code) implements Observation {
    @Override
    public String toString() {
        return "refused " + code;
    }
}
