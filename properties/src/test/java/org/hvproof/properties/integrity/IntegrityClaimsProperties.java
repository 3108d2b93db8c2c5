package org.hvproof.properties.integrity;

import org.junit.jupiter.api.Test;

/** The GI claims, run exactly as the claims report runs them (same methods, same defaults). */
class IntegrityClaimsProperties {

    @Test
    void gi1EntryOnlyAtTheEntryPoint() {
        IntegrityProperties.entryOnlyAtTheEntryPoint().assertHolds();
    }

    @Test
    void gi2DriverPagesAlertOutsideIntegrityMode() {
        IntegrityProperties.driverPagesAlertOutsideIntegrityMode().assertHolds();
    }

    @Test
    void gi3OwnDataQuietInIntegrityMode() {
        IntegrityProperties.ownDataQuietInIntegrityMode().assertHolds();
    }

    @Test
    void gi4ViewFollowsMode() {
        IntegrityProperties.viewFollowsMode().assertHolds();
    }

    @Test
    void gi5RequestsOnlyFromIntegrityMode() {
        IntegrityProperties.requestsOnlyFromIntegrityMode().assertHolds();
    }

    @Test
    void gi6ProtectionsPersist() {
        IntegrityProperties.protectionsPersist().assertHolds();
    }

    @Test
    void gi7OtherProtectedPagesAlertInIntegrityMode() {
        IntegrityProperties.otherProtectedPagesAlertInIntegrityMode().assertHolds();
    }
}
