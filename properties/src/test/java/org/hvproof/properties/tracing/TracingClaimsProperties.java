package org.hvproof.properties.tracing;

import org.junit.jupiter.api.Test;

/** The TRACE claims, run exactly as the claims report runs them (same methods, same defaults). */
class TracingClaimsProperties {

    @Test
    void trace1EveryTracedWriteNotifiesOnce() {
        TracingProperties.everyTracedWriteNotifiesOnce().assertHolds();
    }

    @Test
    void trace2UntracedWritesAreSilent() {
        TracingProperties.untracedWritesAreSilent().assertHolds();
    }

    @Test
    void trace3TracesLastUntilTheirLastOwnerRemovesThem() {
        TracingProperties.tracesLastUntilTheirLastOwnerRemovesThem().assertHolds();
    }
}
