package org.hvproof.properties.interrupts;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.hvproof.properties.Lockstep;
import org.junit.jupiter.api.Test;

/**
 * Why INT-1 is stated over two runs: INT-2's weaker reading, "no register equals the secret" at
 * handler entry, misses a scrubber that leaves a function of the secret (secret xor a constant),
 * which INT-1's noninterference catches. The flaws' own claims are declared on
 * {@link InterruptsImplFlaw} and run by {@code EveryFlawIsCaughtTest}.
 */
class InterruptsWeakReadingTest {
    private static final long SEED = 20261125L;

    /**
     * INT-2's weak reading alone (no erasure constant, no refinement): not a claim property, only
     * the foil that shows what the xor scrubber slips past.
     */
    static StatefulProperty<InterruptsTrace> noRegisterEqualsTheSecret(InterruptsImplFlaw flaw) {
        return StatefulProperty.<InterruptsTrace>named(
                        "INT-2 (weak reading) no register equals the secret when a handler runs [flaw " + flaw + "]")
                .initial(() -> new InterruptsTrace(flaw))
                .actions(InterruptsActions::next)
                .steps(InterruptsProperties.STEPS)
                .tries(InterruptsProperties.TRIES)
                .describeState(InterruptsTrace::describe)
                .assertion("INT-2 noRegisterEqualsTheSecret", t -> {
                    for (Lockstep.Transition<InterruptsState, InterruptsAction> tr :
                            t.run().recent()) {
                        for (Object o : tr.observations()) {
                            if (o instanceof InterruptsObservation.VirtualInterrupt vi
                                    && vi.registers().containsValue(tr.before().secret())) {
                                throw new AssertionError("INT-2 noRegisterEqualsTheSecret violated: the handler sees"
                                        + " the secret in " + vi.registers());
                            }
                        }
                    }
                })
                .assertion(
                        InterruptsInvariants.SECRET_CONFINED_TO_SEQUENCE.label(),
                        t -> InterruptsInvariants.SECRET_CONFINED_TO_SEQUENCE.assertHolds(t.judgedState()))
                .cover(30, InterruptsLabels.ARRIVAL_WITH_SECRET_IN_REGISTER);
    }

    @Test
    void theXorScrubberPassesTheRegisterIsNotTheSecretCheckButFailsNoninterference() {
        PropertyResult weak = noRegisterEqualsTheSecret(InterruptsImplFlaw.SCRUB_XOR_SECRET)
                .run(Settings.none().withSeed(SEED).withTries(300).withQuiet(true));
        assertThat(weak.passed())
                .as("the weak reading of INT-2 misses the xor scrubber:%n%s", weak.report())
                .isTrue();
        assertThat(weak.labelPercent(InterruptsLabels.ARRIVAL_WITH_SECRET_IN_REGISTER))
                .isGreaterThan(30);

        PropertyResult int1 = InterruptsProperties.noninterference(InterruptsImplFlaw.SCRUB_XOR_SECRET)
                .run(Settings.none().withSeed(SEED).withQuiet(true));
        assertThat(int1.failedCheck()).as(int1.report()).isEqualTo("INT-1 noninterference");
        assertThat(int1.failureMessage()).contains("told two secrets apart");
    }

    @Test
    void theWeakReadingStillCatchesAModuleThatHandsOverTheSecretItself() {
        PropertyResult r = noRegisterEqualsTheSecret(InterruptsImplFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS)
                .run(Settings.none().withSeed(SEED).withQuiet(true));
        assertThat(r.failedCheck()).as(r.report()).startsWith("INT-2 ");
    }
}
