package org.hvproof.properties.interrupts;

import org.junit.jupiter.api.Test;

/** The INT claims, run exactly as the claims report runs them (same methods, same defaults). */
class InterruptsClaimsProperties {

    @Test
    void int1LowEquivalenceIsReflexiveAndRelatesDifferentSecrets() {
        InterruptsProperties.lowEquivalenceIsReflexiveAndRelatesDifferentSecrets()
                .assertHolds();
    }

    @Test
    void int1Noninterference() {
        InterruptsProperties.noninterference().assertHolds();
    }

    @Test
    void int2NoSecretWhenAHandlerRuns() {
        InterruptsProperties.noSecretWhenAHandlerRuns().assertHolds();
    }

    @Test
    void int3OneVirtualInterruptPerArrival() {
        InterruptsProperties.oneVirtualInterruptPerArrival().assertHolds();
    }

    @Test
    void int4TransparentAndNeverRestoresTheSecret() {
        InterruptsProperties.transparentAndNeverRestoresTheSecret().assertHolds();
    }

    @Test
    void int5SecretNeverReadable() {
        InterruptsProperties.secretNeverReadable().assertHolds();
    }
}
