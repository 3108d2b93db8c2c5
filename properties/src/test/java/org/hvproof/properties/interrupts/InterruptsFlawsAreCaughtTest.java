package org.hvproof.properties.interrupts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deliberately flawed interrupt security module is caught by the property of the claim it
 * breaks, shrunk to a short trace, and named by that claim's own check (not only by refinement).
 */
class InterruptsFlawsAreCaughtTest {

    static Stream<Arguments> flaws() {
        Function<InterruptsImplFlaw, StatefulProperty<?>> int1 = InterruptsProperties::noninterference;
        Function<InterruptsImplFlaw, StatefulProperty<?>> int2 = InterruptsProperties::noSecretWhenAHandlerRuns;
        Function<InterruptsImplFlaw, StatefulProperty<?>> int3 = InterruptsProperties::oneVirtualInterruptPerArrival;
        Function<InterruptsImplFlaw, StatefulProperty<?>> int4 =
                InterruptsProperties::transparentAndNeverRestoresTheSecret;
        Function<InterruptsImplFlaw, StatefulProperty<?>> int5 = InterruptsProperties::secretNeverReadable;
        return Stream.of(
                Arguments.of(InterruptsImplFlaw.SCRUB_XOR_SECRET, "INT-1", int1, 3),
                Arguments.of(InterruptsImplFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS, "INT-1", int1, 3),
                Arguments.of(InterruptsImplFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS, "INT-2", int2, 2),
                Arguments.of(InterruptsImplFlaw.SCRUB_FORGETS_AUTH_REGISTER, "INT-2", int2, 2),
                Arguments.of(InterruptsImplFlaw.DROP_NESTED_VIRTUAL_INTERRUPT, "INT-3", int3, 2),
                Arguments.of(InterruptsImplFlaw.DUPLICATE_EXCEPTION_DELIVERY, "INT-3", int3, 1),
                Arguments.of(InterruptsImplFlaw.RESTORE_SECRET_ON_RETURN, "INT-4", int4, 3),
                Arguments.of(InterruptsImplFlaw.CODE_PAGE_READABLE, "INT-5", int5, 1));
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("flaws")
    void aFlawedModuleFailsItsClaimWithAShortTrace(
            InterruptsImplFlaw flaw,
            String claim,
            Function<InterruptsImplFlaw, StatefulProperty<?>> property,
            int maxSteps) {
        PropertyResult r =
                property.apply(flaw).run(Settings.none().withSeed(20261125L).withQuiet(true));

        assertThat(r.failed()).as("the %s property must catch %s", claim, flaw).isTrue();
        assertThat(r.failedCheck())
                .as("failed check of %s:%n%s", flaw, r.report())
                .startsWith(claim + " ");
        assertThat(r.traceLength())
                .as("shrunk trace of %s:%n%s", flaw, r.report())
                .isLessThanOrEqualTo(maxSteps);
        assertThat(r.replayToken()).isNotBlank();
        assertThat(r.report()).contains(r.replayToken(), "seed");
    }

    @Test
    void theXorScrubberPassesTheRegisterIsNotTheSecretCheckButFailsNoninterference() {
        PropertyResult weak = InterruptsProperties.noRegisterEqualsTheSecret(InterruptsImplFlaw.SCRUB_XOR_SECRET)
                .run(Settings.none().withSeed(20261125L).withTries(300).withQuiet(true));
        assertThat(weak.passed())
                .as("the weak reading of INT-2 misses the xor scrubber:%n%s", weak.report())
                .isTrue();
        assertThat(weak.labelPercent(InterruptsLabels.ARRIVAL_WITH_SECRET_IN_REGISTER))
                .isGreaterThan(30);

        PropertyResult int1 = InterruptsProperties.noninterference(InterruptsImplFlaw.SCRUB_XOR_SECRET)
                .run(Settings.none().withSeed(20261125L).withQuiet(true));
        assertThat(int1.failedCheck()).as(int1.report()).isEqualTo("INT-1 noninterference");
        assertThat(int1.failureMessage()).contains("told two secrets apart");
    }

    @Test
    void theWeakReadingStillCatchesAModuleThatHandsOverTheSecretItself() {
        PropertyResult r = InterruptsProperties.noRegisterEqualsTheSecret(
                        InterruptsImplFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS)
                .run(Settings.none().withSeed(20261125L).withQuiet(true));
        assertThat(r.failedCheck()).as(r.report()).startsWith("INT-2 ");
    }
}
