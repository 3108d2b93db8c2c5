package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.Claim;
import org.hvproof.properties.Mechanisms;
import org.junit.jupiter.api.Test;

/** The shapes a {@code @Claim} method may take: none, or one flaw enum run with its NONE. */
class ClaimedPropertyTest {
    enum SomeFlaw {
        NONE,
        BROKEN
    }

    enum NoNone {
        BROKEN
    }

    static Property named(String name) {
        return new Property() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PropertyResult run(Settings overrides) {
                throw new UnsupportedOperationException("not run in this test");
            }
        };
    }

    public static final class Suite {
        @Claim("TRACE-1")
        public static Property withoutFlaw() {
            return named("no parameter");
        }

        @Claim({"TRACE-2", "TRACE-3"})
        public static Property withFlaw(SomeFlaw flaw) {
            return named("flaw " + flaw);
        }

        public static Property notAClaim(SomeFlaw flaw) {
            return named("unused " + flaw);
        }
    }

    public static final class TwoParameters {
        @Claim("TRACE-1")
        public static Property p(SomeFlaw flaw, int steps) {
            return named("never");
        }
    }

    public static final class NotAnEnum {
        @Claim("TRACE-1")
        public static Property p(String flaw) {
            return named("never");
        }
    }

    public static final class EnumWithoutNone {
        @Claim("TRACE-1")
        public static Property p(NoNone flaw) {
            return named("never");
        }
    }

    @Test
    void aZeroParameterMethodAndAFlawMethodAreBothClaimsAndTheFlawOneRunsWithNone() {
        List<ClaimedProperty> found = ClaimedProperty.discover(List.of(Suite.class));
        assertThat(found).extracting(ClaimedProperty::name).containsExactly("Suite.withFlaw", "Suite.withoutFlaw");
        assertThat(found.get(0).claimIds()).containsExactlyInAnyOrder("TRACE-2", "TRACE-3");
        assertThat(found.get(0).create().name()).isEqualTo("flaw NONE");
        assertThat(found.get(1).create().name()).isEqualTo("no parameter");
    }

    @Test
    void anyOtherParameterListIsRejectedNamingTheMethodAndItsParameters() {
        assertThatThrownBy(() -> ClaimedProperty.discover(List.of(TwoParameters.class)))
                .hasMessageContaining("TwoParameters.p")
                .hasMessageContaining("must take no parameter or one flaw enum parameter")
                .hasMessageContaining("(SomeFlaw, int)");
        assertThatThrownBy(() -> ClaimedProperty.discover(List.of(NotAnEnum.class)))
                .hasMessageContaining("NotAnEnum.p")
                .hasMessageContaining("(String)");
    }

    @Test
    void aFlawEnumWithoutNoneIsRejected() {
        assertThatThrownBy(() -> ClaimedProperty.discover(List.of(EnumWithoutNone.class)))
                .hasMessageContaining("EnumWithoutNone.p")
                .hasMessageContaining("NoNone, which has no constant NONE");
    }

    @Test
    void theProjectsSuitesAllHaveAcceptedShapes() {
        assertThat(ClaimedProperty.discover(Mechanisms.propertyClasses()))
                .extracting(ClaimedProperty::name)
                .contains("TracingProperties.everyTracedWriteNotifiesOnce");
    }
}
