package org.hvproof.model.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hvproof.model.interrupts.InterruptsTest.CALL;
import static org.hvproof.model.interrupts.InterruptsTest.EXEC;
import static org.hvproof.model.interrupts.InterruptsTest.OTHER_SECRET;
import static org.hvproof.model.interrupts.InterruptsTest.SECRET;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.interrupts.Action.Arrive;
import org.hvproof.model.interrupts.Action.Return;
import org.junit.jupiter.api.Test;

class InvariantsTest {

    /** Runs the same actions on two secrets; returns the first violated invariant, or null. */
    static ClaimCheck firstViolation(long secretA, long secretB, List<Action> actions, Set<InterruptFlaw> flaws) {
        State a = State.initial(secretA);
        State b = State.initial(secretB);
        List<ClaimCheck> results = new ArrayList<>();
        for (Action action : actions) {
            Step sa = Interrupts.step(a, action, flaws);
            Step sb = Interrupts.step(b, action, flaws);
            results.add(Invariants.int1Noninterference(sa, sb));
            results.add(Invariants.int1LowEquivalenceReflexive(sa.next()));
            results.add(Invariants.int2NoSecretAtHandlerEntry(a, sa));
            results.add(Invariants.int2SecretConfinedToSequence(sa.next()));
            results.add(Invariants.int3OneVirtualInterruptPerArrival(action, sa));
            results.add(Invariants.int4NeverRestoresSecret(a, action, sa));
            results.add(Invariants.int5SecretNotReadable(sa.next()));
            results.add(Invariants.int5ExecuteOnlyPageFaults(a, action, sa));
            for (ClaimCheck r : results) {
                if (!r.holds()) {
                    return r;
                }
            }
            results.clear();
            a = sa.next();
            b = sb.next();
        }
        return null;
    }

    static List<Action> randomTrace(Random r, int length) {
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            actions.add(InterruptsTest.randomAction(r));
        }
        return actions;
    }

    static final Set<InterruptFlaw> NONE = EnumSet.noneOf(InterruptFlaw.class);

    @Test
    void lowEquivalenceIsReflexiveAndRelatesDifferentSecrets() {
        assertThat(LowEquivalence.reflexiveOn(State.initial(SECRET))).isTrue();
        assertThat(LowEquivalence.relatesDifferentSecrets(SECRET, OTHER_SECRET)).isTrue();
        assertThat(LowEquivalence.equivalent(State.initial(SECRET), State.initial(SECRET, 99)))
                .isFalse();
    }

    @Test
    void everyInvariantHoldsOnRandomTwoRunTracesOfTheCorrectMechanism() {
        Random r = new Random(2024);
        for (int t = 0; t < 300; t++) {
            List<Action> trace = randomTrace(r, 60);
            ClaimCheck violation = firstViolation(r.nextLong() | 1, r.nextLong() & ~1L, trace, NONE);
            assertThat(violation).as("trace %d: %s", t, trace).isNull();
        }
    }

    /** The interrupt at every position of the sequence, the shape INT-1's flaws need. */
    static List<Action> interruptAt(int offset, Cause cause) {
        List<Action> trace = new ArrayList<>(List.of(EXEC, CALL));
        for (int i = 0; i < offset; i++) {
            trace.add(EXEC);
        }
        trace.add(new Arrive(cause, cause == Cause.EXCEPTION ? 14 : 32));
        trace.add(new Return());
        for (int i = 0; i < 8; i++) {
            trace.add(EXEC);
        }
        return trace;
    }

    @Test
    void xorScrubberIsCaughtByNoninterferenceThoughNoRegisterHoldsTheSecret() {
        Set<InterruptFlaw> xor = EnumSet.of(InterruptFlaw.SCRUB_XOR_SECRET);
        ClaimCheck v = firstViolation(SECRET, OTHER_SECRET, interruptAt(1, Cause.INTERRUPT), xor);
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-1");
        // the INT-2 check alone is blind to it: at handler entry R1 is "not the secret"
        State before = InterruptsTest.atSequenceOffset(SECRET, 1);
        Step step = Interrupts.step(before, new Arrive(Cause.INTERRUPT, 32), xor);
        assertThat(step.next().registers()).doesNotContainValue(SECRET);
    }

    @Test
    void scrubberThatForgetsTheAuthenticationRegisterBreaksNoninterference() {
        ClaimCheck v = firstViolation(
                SECRET,
                OTHER_SECRET,
                interruptAt(2, Cause.INTERRUPT),
                EnumSet.of(InterruptFlaw.SCRUB_FORGETS_AUTH_REGISTER));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-1");
    }

    @Test
    void moduleThatScrubsOnlyInterruptsLeaksTheSecretToExceptionHandlers() {
        Set<InterruptFlaw> flaw = EnumSet.of(InterruptFlaw.SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS);
        assertThat(firstViolation(SECRET, OTHER_SECRET, interruptAt(1, Cause.INTERRUPT), flaw))
                .isNull();
        ClaimCheck v = firstViolation(SECRET, OTHER_SECRET, interruptAt(1, Cause.EXCEPTION), flaw);
        assertThat(v).isNotNull();
        assertThat(v.claim()).isIn("INT-1", "INT-2");
        State before = InterruptsTest.atSequenceOffset(SECRET, 1);
        assertThat(Invariants.int2NoSecretAtHandlerEntry(
                                before, Interrupts.step(before, new Arrive(Cause.EXCEPTION, 14), flaw))
                        .holds())
                .isFalse();
    }

    @Test
    void restoringTheSecretOnReturnBreaksNeverRestores() {
        ClaimCheck v = firstViolation(
                SECRET,
                OTHER_SECRET,
                interruptAt(2, Cause.INTERRUPT),
                EnumSet.of(InterruptFlaw.RESTORE_SECRET_ON_RETURN));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-4");
        assertThatThrownBy(v::orThrow).isInstanceOf(AssertionError.class).hasMessageContaining("INT-4");
    }

    @Test
    void duplicatedExceptionDeliveryBreaksOneVirtualInterruptPerArrival() {
        ClaimCheck v = firstViolation(
                SECRET,
                OTHER_SECRET,
                interruptAt(0, Cause.EXCEPTION),
                EnumSet.of(InterruptFlaw.DUPLICATE_EXCEPTION_DELIVERY));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isEqualTo("INT-3");
    }

    @Test
    void readableCodePageBreaksExecuteOnly() {
        List<Action> trace = List.of(new Action.ReadMemory(Layout.SEQUENCE_START));
        ClaimCheck v = firstViolation(SECRET, OTHER_SECRET, trace, EnumSet.of(InterruptFlaw.CODE_PAGE_READABLE));
        assertThat(v).isNotNull();
        assertThat(v.claim()).isIn("INT-1", "INT-5");
        State s = State.initial(SECRET);
        Action read = new Action.ReadMemory(Layout.SEQUENCE_START);
        assertThat(Invariants.int5ExecuteOnlyPageFaults(
                                s, read, Interrupts.step(s, read, EnumSet.of(InterruptFlaw.CODE_PAGE_READABLE)))
                        .holds())
                .isFalse();
    }

    @Test
    void sequenceResultWithInterruptsAtEveryPositionEqualsTheInterruptFreeResult() {
        for (int offset = 0; offset <= 3; offset++) {
            for (Cause cause : Cause.values()) {
                assertThat(Invariants.int4Transparency(State.initial(SECRET), interruptAt(offset, cause))
                                .holds())
                        .isTrue();
            }
        }
        Random r = new Random(99);
        int applicable = 0;
        for (int t = 0; t < 300; t++) {
            List<Action> trace = randomTrace(r, 40);
            if (t % 2 == 0) { // half the traces with well-behaved handlers and callers
                trace.replaceAll(a -> a instanceof Action.JumpTo || a instanceof Action.SetRegister ? EXEC : a);
            }
            ClaimCheck result = Invariants.int4Transparency(State.initial(SECRET), trace);
            assertThat(result.holds()).as(result.detail()).isTrue();
            applicable += result.check().contains("not applicable") ? 0 : 1;
        }
        assertThat(applicable).isGreaterThan(100);
    }

    @Test
    void interruptStormInsideTheSequenceStillEndsAccepted() {
        List<Action> trace = new ArrayList<>(List.of(EXEC, CALL));
        for (int i = 0; i < 20; i++) {
            trace.add(EXEC);
            trace.add(new Arrive(i % 3 == 0 ? Cause.EXCEPTION : Cause.INTERRUPT, 32 + i));
            trace.add(new Return());
        }
        ClaimCheck result = Invariants.int4Transparency(State.initial(SECRET), trace);
        assertThat(result.holds()).as(result.detail()).isTrue();
        assertThat(firstViolation(SECRET, OTHER_SECRET, trace, NONE)).isNull();
    }
}
