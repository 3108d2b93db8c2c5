package org.hvproof.properties.domains;

import org.junit.jupiter.api.Test;

/** The PD claims, run exactly as the claims report runs them (same methods, same defaults). */
class DomainsClaimsProperties {

    @Test
    void pd1Isolation() {
        DomainsProperties.isolation().assertHolds();
    }

    @Test
    void pd1RootSeesNothingSecure() {
        DomainsProperties.rootSeesNothingSecure().assertHolds();
    }

    @Test
    void pd2PointersSwitchTogether() {
        DomainsProperties.pointersSwitchTogether().assertHolds();
    }

    @Test
    void pd3RootCannotModifySecure() {
        DomainsProperties.rootCannotModifySecure().assertHolds();
    }

    @Test
    void pd4GatesOnly() {
        DomainsProperties.gatesOnly().assertHolds();
    }
}
