package org.hvproof.properties.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The register leak ({@link DomainsImplFlaw#SECURE_REGISTERS_LEAK_ON_INTERRUPT}) is invisible to
 * every single-run property, because the abstraction keeps only RAX, which the leaking hypervisor
 * still clears: only the two-run property sees it (its {@code caughtBy}, checked by
 * {@code EveryFlawIsCaughtTest}). This holds that second half, so the two-run property is known
 * to be needed rather than merely one more way to catch it.
 */
class DomainsRegisterLeakNeedsTwoRunsTest {

    static Stream<Function<DomainsImplFlaw, Property>> singleRunProperties() {
        return Stream.of(
                DomainsProperties::isolation,
                DomainsProperties::pointersSwitchTogether,
                DomainsProperties::rootCannotModifySecure,
                DomainsProperties::gatesOnly);
    }

    @ParameterizedTest(name = "PD-1 the register leak passes single-run property {index}")
    @MethodSource("singleRunProperties")
    void theRegisterLeakPassesEverySingleRunCheck(Function<DomainsImplFlaw, Property> property) {
        PropertyResult r = property.apply(DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT)
                .run(Settings.none().withSeed(7L).withTries(150).withQuiet(true));
        assertThat(r.failed() && !r.failedCheck().startsWith("coverage"))
                .as("%s", r.report())
                .isFalse();
    }
}
