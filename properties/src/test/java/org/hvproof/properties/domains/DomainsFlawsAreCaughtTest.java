package org.hvproof.properties.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deliberately flawed domain hypervisor is caught by the property of the claim it breaks,
 * shrunk to a short trace, and named by that claim's own check (not only by refinement), except a
 * set-up bug, which refinement names at boot, where the machine differs from the model's initial
 * state. The
 * register leak is invisible to every single-run check (the abstraction keeps only RAX) and is
 * caught by the two-run property alone.
 */
class DomainsFlawsAreCaughtTest {
    private static final String REFINEMENT = "refinement: machine and model agree";

    static Stream<Arguments> flaws() {
        Function<DomainsImplFlaw, Property> pd1 = DomainsProperties::isolation;
        Function<DomainsImplFlaw, Property> pd1TwoRuns = DomainsProperties::rootSeesNothingSecure;
        Function<DomainsImplFlaw, Property> pd2 = DomainsProperties::pointersSwitchTogether;
        Function<DomainsImplFlaw, Property> pd3 = DomainsProperties::rootCannotModifySecure;
        Function<DomainsImplFlaw, Property> pd4 = DomainsProperties::gatesOnly;
        return Stream.of(
                // A set-up bug: the booted machine is not the model's initial state, so refinement
                // fails before the first action (it used to take PD-1 one step, PD-3 two).
                Arguments.of(DomainsImplFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT, "PD-1", REFINEMENT, pd1, 0),
                Arguments.of(DomainsImplFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT, "PD-3", REFINEMENT, pd3, 0),
                Arguments.of(DomainsImplFlaw.SWITCH_ONLY_GUEST_PT_ROOT, "PD-2", "PD-2 pointersMatchDomain", pd2, 1),
                Arguments.of(DomainsImplFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS, "PD-4", "PD-4 gatesOnly", pd4, 1),
                Arguments.of(
                        DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT,
                        "PD-1",
                        "PD-1 rootSeesNothingSecure",
                        pd1TwoRuns,
                        2),
                Arguments.of(DomainsImplFlaw.NPT_CHECK_ONLY_AT_LEAF, "PD-1", "PD-1 isolation", pd1, 1));
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("flaws")
    void aFlawedDomainHypervisorFailsItsClaimWithAShortTrace(
            DomainsImplFlaw flaw,
            String claim,
            String check,
            Function<DomainsImplFlaw, Property> property,
            int maxSteps) {
        PropertyResult r =
                property.apply(flaw).run(Settings.none().withSeed(20261125L).withQuiet(true));

        assertThat(r.failed()).as("the %s property must catch %s", claim, flaw).isTrue();
        assertThat(r.failedCheck())
                .as("failed check of %s:%n%s", flaw, r.report())
                .isEqualTo(check);
        assertThat(r.traceLength())
                .as("shrunk trace of %s:%n%s", flaw, r.report())
                .isLessThanOrEqualTo(maxSteps);
        assertThat(r.replayToken()).isNotBlank();
        assertThat(r.report()).contains(r.replayToken(), "seed");
    }

    @ParameterizedTest(name = "{0} passes every single-run check")
    @MethodSource("registerLeakOnly")
    void theRegisterLeakNeedsTwoRuns(Function<DomainsImplFlaw, Property> property) {
        PropertyResult r = property.apply(DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT)
                .run(Settings.none().withSeed(7L).withTries(150).withQuiet(true));
        assertThat(r.failed() && !r.failedCheck().startsWith("coverage"))
                .as("%s", r.report())
                .isFalse();
    }

    static Stream<Function<DomainsImplFlaw, Property>> registerLeakOnly() {
        return Stream.of(
                DomainsProperties::isolation,
                DomainsProperties::pointersSwitchTogether,
                DomainsProperties::rootCannotModifySecure,
                DomainsProperties::gatesOnly);
    }
}
