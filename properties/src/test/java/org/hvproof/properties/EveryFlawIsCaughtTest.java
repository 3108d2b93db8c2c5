package org.hvproof.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.hvproof.model.common.Flaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.report.ClaimedProperty;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every deliberate flaw of every registered mechanism is caught as it declares: for each claim in
 * its {@link Flaw#caughtBy()}, some property of that claim, run against the flawed implementation,
 * fails with the declared check and shrinks to at most the declared number of actions, with a
 * replay token and the seed in its report. The flaws are read off the enums, so a flaw cannot be
 * added without being shown caught.
 */
class EveryFlawIsCaughtTest {
    private static final long SEED = 20261125L;

    @TestFactory
    Stream<DynamicNode> everyFlawIsCaughtByTheClaimsItDeclares() {
        return Mechanisms.ALL.stream().map(m -> {
            if (!Flaw.class.isAssignableFrom(m.implFlaws())) {
                return DynamicTest.dynamicTest(m.name() + " flaws declare what catches them", () -> {
                    throw new AssertionError(m.implFlaws().getName() + " does not implement " + Flaw.class.getName());
                });
            }
            List<ClaimedProperty> methods = ClaimedProperty.discover(m.properties());
            Stream<DynamicNode> flaws = Arrays.stream(m.implFlaws().getEnumConstants())
                    .map(Flaw.class::cast)
                    .filter(f -> !f.isNone())
                    .map(f -> DynamicTest.dynamicTest(f.name(), () -> assertCaught(f, methods)));
            return DynamicContainer.dynamicContainer(m.name(), flaws);
        });
    }

    private static void assertCaught(Flaw flaw, List<ClaimedProperty> methods) {
        assertThat(flaw.caughtBy())
                .as("%s declares the claims that catch it", flaw.name())
                .isNotEmpty();
        for (Flaw.Caught expected : flaw.caughtBy()) {
            List<ClaimedProperty> candidates = methods.stream()
                    .filter(cm -> cm.claimIds().contains(expected.claim()))
                    .filter(cm -> cm.flawType().filter(t -> t.isInstance(flaw)).isPresent())
                    .toList();
            assertThat(candidates)
                    .as(
                            "%s: some property of %s takes a %s",
                            flaw.name(), expected.claim(), flaw.getClass().getSimpleName())
                    .isNotEmpty();
            List<String> seen = new ArrayList<>();
            boolean caught = false;
            for (ClaimedProperty cm : candidates) {
                PropertyResult r =
                        cm.create(flaw).run(Settings.none().withSeed(SEED).withQuiet(true));
                if (r.failed()
                        && r.failedCheck().startsWith(expected.check())
                        && r.traceLength() <= expected.shrinksTo()) {
                    assertThat(r.replayToken()).isNotBlank();
                    assertThat(r.report()).contains(r.replayToken(), "seed");
                    caught = true;
                    break;
                }
                seen.add(cm.name() + ": "
                        + (r.failed()
                                ? "failed '" + r.failedCheck() + "' with " + r.traceLength() + " actions\n" + r.report()
                                : "passed"));
            }
            assertThat(caught)
                    .as(
                            "%s must be caught by %s with check '%s' in at most %d actions; instead:%n%s",
                            flaw.name(),
                            expected.claim(),
                            expected.check(),
                            expected.shrinksTo(),
                            String.join("\n", seen))
                    .isTrue();
        }
    }
}
