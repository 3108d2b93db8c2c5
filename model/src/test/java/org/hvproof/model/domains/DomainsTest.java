package org.hvproof.model.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.domains.Action.ExitGate;
import org.hvproof.model.domains.Action.Interrupt;
import org.hvproof.model.domains.Action.Jump;
import org.hvproof.model.domains.Action.LoadPtRoot;
import org.hvproof.model.domains.Action.Read;
import org.hvproof.model.domains.Action.SetRegister;
import org.hvproof.model.domains.Action.Write;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.hvproof.model.domains.Observation.Fault;
import org.hvproof.model.domains.Observation.FaultKind;
import org.junit.jupiter.api.Test;

class DomainsTest {

    static final DomainId S1 = new DomainId(1);
    static final GuestPage GATE_1 = new GuestPage(17);

    static State run(State s, Set<DomainFlaw> flaws, Action... actions) {
        for (Action a : actions) {
            s = Domains.step(s, a, flaws).next();
        }
        return s;
    }

    @Test
    void gateEntrySwitchesBothPointersAndExitSwitchesThemBack() {
        State s = State.example(2, 1, 9000);
        State in = run(s, Set.of(), new Jump(0, GATE_1));
        VCpu c = in.vcpus().get(0);
        assertThat(c.domain()).isEqualTo(S1);
        assertThat(c.nptOf()).isEqualTo(S1);
        assertThat(c.ptRoot()).isEqualTo(in.domains().get(S1).gptRoot());
        assertThat(c.saved()).isEqualTo(new GuestPage(0));
        State out = run(in, Set.of(), new SetRegister(0, 4242), new ExitGate(0));
        assertThat(out.vcpus().get(0)).isEqualTo(new VCpu(DomainId.ROOT, new GuestPage(0), DomainId.ROOT, null, 0));
    }

    @Test
    void secureCodeReadsItsOwnDataThroughItsOwnTables() {
        State in = run(State.example(1, 1, 9000), Set.of(), new Jump(0, GATE_1));
        Step read = Domains.step(in, new Read(0, new VirtualPage(2)));
        assertThat(read.observations()).containsExactly(new Observation.ReadValue(0, S1, 9002));
    }

    @Test
    void jumpToANonGateSecureAddressFaultsAndChangesNothing() {
        State s = State.example(1, 1, 9000);
        for (long g : new long[] {16, 18, 19}) {
            Step step = Domains.step(s, new Jump(0, new GuestPage(g)));
            assertThat(step.next()).isEqualTo(s);
            assertThat(step.observations()).containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_A_GATE));
        }
    }

    @Test
    void rootPageTablePointingAtSecurePagesFaults() {
        State s = State.example(1, 1, 9000);
        // root rewrites its own page table (frame of guest page 0, virtual page 0) to map virtual page 1 at secure page
        // 18
        State hostile = run(
                s,
                Set.of(),
                new Write(
                        0,
                        new VirtualPage(0),
                        Map.of(new VirtualPage(0), new GuestPage(0), new VirtualPage(1), new GuestPage(18))));
        Step read = Domains.step(hostile, new Read(0, new VirtualPage(1)));
        assertThat(read.observations()).containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        State cr3 = run(s, Set.of(), new LoadPtRoot(0, new GuestPage(16)));
        assertThat(Domains.step(cr3, new Read(0, new VirtualPage(2))).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
    }

    @Test
    void interruptInSecureCodeClearsTheRegisterBeforeRootGetsControl() {
        State in = run(State.example(1, 1, 9000), Set.of(), new Jump(0, GATE_1), new Read(0, new VirtualPage(3)));
        Step step = Domains.step(in, new Interrupt(0, 32));
        assertThat(step.next().vcpus().get(0).register()).isZero();
        assertThat(step.next().vcpus().get(0).domain()).isEqualTo(DomainId.ROOT);
        assertThat(step.observations()).containsExactly(new Observation.Returned(0, S1, true, 0));
    }

    @Test
    void hostileActionsFaultNeverThrow() {
        State s = State.example(2, 2, 9000);
        assertThat(Domains.step(s, new Read(7, new VirtualPage(0))).observations())
                .containsExactly(new Fault(7, DomainId.ROOT, FaultKind.NO_SUCH_VCPU));
        assertThat(Domains.step(s, new ExitGate(0)).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_IN_SECURE_DOMAIN));
        Random r = new Random(3);
        for (int i = 0; i < 3000; i++) {
            s = Domains.step(s, randomAction(r, 2)).next();
        }
        assertThat(s.vcpus()).hasSize(2);
    }

    static Action randomAction(Random r, int vcpus) {
        int v = r.nextInt(vcpus + 1) - (r.nextInt(20) == 0 ? 1 : 0);
        v = Math.min(v, vcpus - 1 + (r.nextInt(20) == 0 ? 1 : 0));
        GuestPage g = new GuestPage(r.nextInt(40));
        VirtualPage p = new VirtualPage(r.nextInt(5));
        return switch (r.nextInt(8)) {
            case 0, 1 -> new Jump(v, r.nextBoolean() ? new GuestPage(17 + 16L * r.nextInt(2)) : g);
            case 2 -> new ExitGate(v);
            case 3 -> new Interrupt(v, r.nextInt(256));
            case 4 -> new LoadPtRoot(v, r.nextInt(3) == 0 ? new GuestPage(0) : g);
            case 5 -> new SetRegister(v, r.nextInt(100));
            case 6 -> new Read(v, p);
            default -> {
                Map<VirtualPage, GuestPage> entries = new java.util.HashMap<>();
                entries.put(new VirtualPage(0), new GuestPage(r.nextInt(2) == 0 ? 0 : r.nextInt(40)));
                entries.put(new VirtualPage(r.nextInt(4)), g);
                yield new Write(v, p, r.nextBoolean() ? Map.of() : entries);
            }
        };
    }

    static final Set<DomainFlaw> NONE = EnumSet.noneOf(DomainFlaw.class);

    static List<Action> randomTrace(Random r, int n) {
        List<Action> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomAction(r, 2));
        }
        return out;
    }

    @Test
    void aHostileUpperLevelEntryFaultsAtTheTableItPointsAtAndReachesNothingSecure() {
        State s = State.example(2, 1, 9000);
        // Root page 1 becomes a PML4 whose window entry (slot 511) points at page 2, a PDPT whose
        // window entry points at secure page 18.
        State built = run(
                s,
                Set.of(),
                new Write(0, new VirtualPage(1), Map.of(new VirtualPage(State.UPPER_SLOT), new GuestPage(2))),
                new Write(0, new VirtualPage(2), Map.of(new VirtualPage(State.UPPER_SLOT), new GuestPage(18))),
                new LoadPtRoot(0, new GuestPage(1)));
        VCpu c = built.vcpus().get(0);
        assertThat(built.walkPath(c, new VirtualPage(0)))
                .containsExactly(new GuestPage(1), new GuestPage(2), new GuestPage(18));
        assertThat(Domains.step(built, new Read(0, new VirtualPage(0))).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        assertThat(Invariants.pd1Isolation(built).holds()).isTrue();
        assertThat(built.walkPath(s.vcpus().get(0), new VirtualPage(2)))
                .as("the example's tables are their own PML4, PDPT, PD and PT")
                .containsExactly(
                        new GuestPage(0), new GuestPage(0), new GuestPage(0), new GuestPage(0), new GuestPage(2));
    }
}
