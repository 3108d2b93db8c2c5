package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hvproof.specs.TraceValidator.Trace;
import org.hvproof.specs.TraceValidator.Verdict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trace validation against tracing.als: a behaviour the spec allows is consistent, and the
 * same trace with one state tampered with is inconsistent.
 */
class TraceValidatorTest {

    private static final Path TRACING = AlloyRunner.SPEC_DIR_IN_MODULE.resolve("tracing.als");
    private static final String ATOMS = "disj p0, p1: Page, disj o0, o1: Owner, v0: VCpu";

    private static TraceValidator validator;

    @BeforeAll
    static void parseOnce() throws SpecError {
        validator = new TraceValidator(TRACING);
    }

    /** One state of the correct service: tracing.als's flawed handlers ({@code Hypervisor.flaw}) pinned off. */
    private static String state(String traces, String tracedPages, String notified) {
        String t = traces.isEmpty() ? "no traces" : "traces = " + traces;
        String w = tracedPages.isEmpty()
                ? "NestedPageTable.writable = Page"
                : "NestedPageTable.writable = Page - (" + tracedPages + ")";
        return "no Hypervisor.flaw and " + t + " and " + w + " and " + notified;
    }

    private static final String NONE = "no Hypervisor.notified";

    private static String one(String vcpu, String page, String offset) {
        return "some n: Notification | Hypervisor.notified = n and n.vcpu = " + vcpu + " and n.page = " + page
                + " and n.offset = " + offset;
    }

    /** Two owners trace p0, a write to it, one owner leaves, a crossing write from p1 into p0, a crossing write over two traced pages. */
    private static final List<String> STATES = List.of(
            state("", "", NONE),
            state("p0 -> o0", "p0", NONE),
            state("p0 -> o0 + p0 -> o1", "p0", NONE),
            state("p0 -> o0 + p0 -> o1", "p0", one("v0", "p0", "FirstOffset")),
            state("p0 -> o1", "p0", NONE),
            state("p0 -> o1", "p0", one("v0", "p0", "FirstOffset")),
            state("p0 -> o1 + p1 -> o0", "p0 + p1", NONE),
            state(
                    "p0 -> o1 + p1 -> o0",
                    "p0 + p1",
                    "some disj n, m: Notification | Hypervisor.notified = n + m"
                            + " and n.vcpu = v0 and n.page = p1 and n.offset = LastOffset"
                            + " and m.vcpu = v0 and m.page = p0 and m.offset = FirstOffset"));

    private static final List<String> STEPS = List.of(
            "addTrace[o0, p0]",
            "addTrace[o1, p0]",
            "guestWrite[v0, p0, FirstOffset]",
            "removeTrace[o0, p0]",
            "guestWriteCrossing[v0, p1, p0]",
            "addTrace[o0, p1]",
            "guestWriteCrossing[v0, p1, p0]");

    private static Trace trace(List<String> states, List<String> steps) {
        return new Trace(ATOMS, states, steps, Map.of());
    }

    private static List<String> with(List<String> list, int index, String replacement) {
        List<String> copy = new ArrayList<>(list);
        copy.set(index, replacement);
        return copy;
    }

    @Test
    void aTraceTheSpecAllowsIsConsistent() {
        Verdict states = validator.validate(trace(STATES, List.of()));
        Verdict statesAndSteps = validator.validate(trace(STATES, STEPS));

        assertThat(states.consistent()).as("states only: %s", states).isTrue();
        assertThat(statesAndSteps.consistent())
                .as("states and steps: %s", statesAndSteps)
                .isTrue();
        assertThat(statesAndSteps.states()).isEqualTo(8);
    }

    @Test
    void formulasOverSpecNamesWithoutAtomsWork() {
        Verdict v = validator.validate(List.of("no traces", "some traces", "one traces"));

        assertThat(v.consistent()).isTrue();
    }

    @Test
    void aDroppedNotificationIsInconsistentOnceTheStepIsPinned() {
        // state 3 without the notification of the write to traced p0
        Trace tampered = trace(with(STATES, 3, state("p0 -> o0 + p0 -> o1", "p0", NONE)), STEPS);

        assertThat(validator.validate(tampered).consistent()).isFalse();
        assertThat(validator.consistentPrefix(tampered))
                .as("first impossible state")
                .isEqualTo(3);
        assertThat(validator.rejectedAt(tampered))
                .as("the same state without solving the whole trace again")
                .isEqualTo(3);
    }

    @Test
    void withStatesAloneADroppedNotificationLooksLikeAStutter() {
        // What pinning states only cannot see: a silent step is a stutter (or a write to an
        // untraced page). Pin the operations too (TracingSpecConformance does).
        Trace tampered = trace(with(STATES, 3, state("p0 -> o0 + p0 -> o1", "p0", NONE)), List.of());

        assertThat(validator.validate(tampered).consistent()).isTrue();
    }

    @Test
    void oneOfTwoCrossingNotificationsDroppedIsInconsistent() {
        Trace tampered =
                trace(with(STATES, 7, state("p0 -> o1 + p1 -> o0", "p0 + p1", one("v0", "p0", "FirstOffset"))), STEPS);

        assertThat(validator.validate(tampered).consistent()).isFalse();
    }

    @Test
    void aNotificationRaisedTwiceIsInconsistentEvenWithStatesAlone() {
        String twice = "some disj n, m: Notification | Hypervisor.notified = n + m"
                + " and n.vcpu = v0 and n.page = p0 and n.offset = FirstOffset"
                + " and m.vcpu = v0 and m.page = p0 and m.offset = FirstOffset";
        Trace tampered = trace(with(STATES, 3, state("p0 -> o0 + p0 -> o1", "p0", twice)), List.of());

        assertThat(validator.validate(tampered).consistent()).isFalse();
    }

    @Test
    void anOwnerNeverAddedIsInconsistentEvenWithStatesAlone() {
        // state 2 also has o1 tracing p1: two traces in one step, no operation does that
        Trace tampered = trace(with(STATES, 2, state("p0 -> o0 + p0 -> o1 + p1 -> o1", "p0 + p1", NONE)), List.of());

        assertThat(validator.validate(tampered).consistent()).isFalse();
        assertThat(validator.consistentPrefix(tampered)).isEqualTo(2);
    }

    @Test
    void aWriteBitLeftSetOnATracedPageIsInconsistentEvenWithStatesAlone() {
        Trace tampered =
                trace(with(STATES, 1, "traces = p0 -> o0 and NestedPageTable.writable = Page and " + NONE), List.of());

        assertThat(validator.validate(tampered).consistent()).isFalse();
    }

    @Test
    void aWriteBitSetAgainWhileAnOwnerRemainsIsInconsistent() {
        Trace tampered = trace(with(STATES, 4, state("p0 -> o1", "", NONE)), STEPS);

        assertThat(validator.validate(tampered).consistent()).isFalse();
    }

    @Test
    void aTypeErrorInAStateNamesTheStateLineAndColumn() {
        List<String> bad = with(STATES, 2, "traces = p0");

        assertThatThrownBy(() -> validator.validate(trace(bad, STEPS)))
                .isInstanceOf(TraceValidator.TraceFormulaError.class)
                .hasMessageStartingWith("state 2:1:")
                .hasMessageContaining("traces = p0");
    }

    @Test
    void anUnknownNameInAStepNamesTheStep() {
        List<String> bad = with(STEPS, 1, "addTrace[o9, p0]");

        assertThatThrownBy(() -> validator.validate(trace(STATES, bad)))
                .isInstanceOf(TraceValidator.TraceFormulaError.class)
                .hasMessageStartingWith("step 1 (state 1 to 2):1:10: ")
                .hasMessageContaining("o9");
    }

    @Test
    void aSyntaxErrorIsLocatedToo() {
        assertThatThrownBy(() -> validator.validate(List.of("no traces", "traces = = p0")))
                .isInstanceOf(TraceValidator.TraceFormulaError.class)
                .hasMessageStartingWith("state 1:1:");
    }

    @Test
    void aNamedRunCommandLendsItsScopeAndBody() throws SpecError {
        TraceValidator v = new TraceValidator(TRACING, "TRACE_1_notifiedWrite", null);

        // the run demands a notified write eventually; the trace ends before one happens, but
        // the solver may continue it after the pinned states, so it stays consistent
        assertThat(v.validate(trace(STATES.subList(0, 3), STEPS.subList(0, 2))).consistent())
                .isTrue();
        assertThatThrownBy(() -> new TraceValidator(TRACING, "model_writeBitMatchesTraces", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no run command 'model_writeBitMatchesTraces'")
                .hasMessageContaining("TRACE_1_notifiedWrite");
    }

    @Test
    void aMissingSpecIsASpecError() {
        assertThatThrownBy(() -> new TraceValidator(Path.of("no-such.als")))
                .isInstanceOf(SpecError.class)
                .hasMessageStartingWith("no-such.als:1:1:");
    }

    @Test
    void moreNotificationAtomsThanTheScopeGivesCanBeAskedFor() {
        // four notifications in one step cannot happen (two pages at most), but five
        // distinct atoms can be asked to exist
        String five = "#Notification >= 5";
        assertThat(validator.validate(List.of(five)).consistent()).isFalse();
        assertThat(validator
                        .validate(new Trace("", List.of(five), List.of(), Map.of("Notification", 5)))
                        .consistent())
                .isTrue();
    }
}
