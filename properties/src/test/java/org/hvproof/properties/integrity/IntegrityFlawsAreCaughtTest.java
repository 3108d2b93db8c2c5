package org.hvproof.properties.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deliberately flawed integrity service is caught by the property of the claim it breaks,
 * shrunk to a short trace, and named by that claim's own check (not only by refinement).
 */
class IntegrityFlawsAreCaughtTest {

    static Stream<Arguments> flaws() {
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi1 =
                IntegrityProperties::entryOnlyAtTheEntryPoint;
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi2 =
                IntegrityProperties::driverPagesAlertOutsideIntegrityMode;
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi3 =
                IntegrityProperties::ownDataQuietInIntegrityMode;
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi4 = IntegrityProperties::viewFollowsMode;
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi5 =
                IntegrityProperties::requestsOnlyFromIntegrityMode;
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi6 = IntegrityProperties::protectionsPersist;
        Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> gi7 =
                IntegrityProperties::otherProtectedPagesAlertInIntegrityMode;
        return Stream.of(
                Arguments.of(IntegrityImplFlaw.ENTRY_CHECKS_PAGE_ONLY, "GI-1", gi1, 2),
                Arguments.of(IntegrityImplFlaw.DRIVER_DATA_UNTRACED, "GI-2", gi2, 2),
                Arguments.of(IntegrityImplFlaw.BLOCK_COMPLETES_WRITE, "GI-2", gi2, 2),
                Arguments.of(IntegrityImplFlaw.OWN_DATA_MONITORED_IN_INTEGRITY_VIEW, "GI-3", gi3, 3),
                Arguments.of(IntegrityImplFlaw.EXIT_KEEPS_INTEGRITY_VIEW, "GI-4", gi4, 3),
                Arguments.of(IntegrityImplFlaw.INTERRUPT_KEEPS_INTEGRITY_VIEW, "GI-4", gi4, 3),
                Arguments.of(IntegrityImplFlaw.REQUESTS_IGNORE_MODE, "GI-5", gi5, 1),
                Arguments.of(IntegrityImplFlaw.REFUSED_UNPROTECT_SILENT, "GI-5", gi5, 1),
                Arguments.of(IntegrityImplFlaw.ROLLBACK_DROPS_EXISTING, "GI-6", gi6, 4),
                Arguments.of(IntegrityImplFlaw.INTEGRITY_VIEW_UNMONITORS_ALL, "GI-7", gi7, 3),
                Arguments.of(IntegrityImplFlaw.BLOCK_COMPLETES_WRITE, "GI-7", gi7, 3));
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("flaws")
    void aFlawedIntegrityServiceFailsItsClaimWithAShortTrace(
            IntegrityImplFlaw flaw,
            String claim,
            Function<IntegrityImplFlaw, StatefulProperty<IntegrityTrace>> property,
            int maxActions) {
        PropertyResult r =
                property.apply(flaw).run(Settings.none().withSeed(20261125L).withQuiet(true));

        assertThat(r.failed()).as("the %s property must catch %s", claim, flaw).isTrue();
        assertThat(r.failedCheck())
                .as("failed check of %s:%n%s", flaw, r.report())
                .startsWith(claim + " ");
        assertThat(r.traceLength())
                .as("shrunk trace of %s:%n%s", flaw, r.report())
                .isLessThanOrEqualTo(maxActions);
        assertThat(r.replayToken()).isNotBlank();
        assertThat(r.report()).contains(r.replayToken(), "seed");
    }
}
