package org.hvproof.model.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hvproof.model.domains.DomainsAction.ExitGate;
import org.hvproof.model.domains.DomainsAction.Interrupt;
import org.hvproof.model.domains.DomainsAction.Jump;
import org.hvproof.model.domains.DomainsAction.LoadPtRoot;
import org.hvproof.model.domains.DomainsAction.Read;
import org.hvproof.model.domains.DomainsAction.SetRegister;
import org.hvproof.model.domains.DomainsAction.Write;
import org.hvproof.model.domains.DomainsObservation.Fault;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.hvproof.model.domains.Ids.VirtualPage;
import org.junit.jupiter.api.Test;

class DomainsModelTest {

    static final DomainId S1 = new DomainId(1);
    static final GuestPage GATE_1 = new GuestPage(17);

    static DomainsState run(DomainsState s, Set<DomainsModelFlaw> flaws, DomainsAction... actions) {
        for (DomainsAction a : actions) {
            s = DomainsModel.step(s, a, flaws).next();
        }
        return s;
    }

    @Test
    void gateEntrySwitchesBothPointersAndExitSwitchesThemBack() {
        DomainsState s = DomainsState.example(2, 1, 9000);
        DomainsState in = run(s, Set.of(), new Jump(0, GATE_1));
        DomainsVCpu c = in.vcpus().get(0);
        assertThat(c.domain()).isEqualTo(S1);
        assertThat(c.nptOf()).isEqualTo(S1);
        assertThat(c.ptRoot()).isEqualTo(in.domains().get(S1).gptRoot());
        assertThat(c.saved()).isEqualTo(new GuestPage(0));
        DomainsState out = run(in, Set.of(), new SetRegister(0, 4242), new ExitGate(0));
        assertThat(out.vcpus().get(0))
                .isEqualTo(new DomainsVCpu(DomainId.ROOT, new GuestPage(0), DomainId.ROOT, null, 0));
    }

    @Test
    void secureCodeReadsItsOwnDataThroughItsOwnTables() {
        DomainsState in = run(DomainsState.example(1, 1, 9000), Set.of(), new Jump(0, GATE_1));
        DomainsStep read = DomainsModel.step(in, new Read(0, new VirtualPage(2)));
        assertThat(read.observations()).containsExactly(new DomainsObservation.ReadValue(0, S1, 9002));
    }

    @Test
    void jumpToANonGateSecureAddressFaultsAndChangesNothing() {
        DomainsState s = DomainsState.example(1, 1, 9000);
        for (long g : new long[] {16, 18, 19}) {
            DomainsStep step = DomainsModel.step(s, new Jump(0, new GuestPage(g)));
            assertThat(step.next()).isEqualTo(s);
            assertThat(step.observations()).containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_A_GATE));
        }
    }

    @Test
    void rootPageTablePointingAtSecurePagesFaults() {
        DomainsState s = DomainsState.example(1, 1, 9000);
        // root rewrites its own page table (frame of guest page 0, virtual page 0) to map virtual page 1 at secure page
        // 18
        DomainsState hostile = run(
                s,
                Set.of(),
                new Write(
                        0,
                        new VirtualPage(0),
                        Map.of(new VirtualPage(0), new GuestPage(0), new VirtualPage(1), new GuestPage(18))));
        DomainsStep read = DomainsModel.step(hostile, new Read(0, new VirtualPage(1)));
        assertThat(read.observations()).containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        DomainsState cr3 = run(s, Set.of(), new LoadPtRoot(0, new GuestPage(16)));
        assertThat(DomainsModel.step(cr3, new Read(0, new VirtualPage(2))).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
    }

    @Test
    void interruptInSecureCodeClearsTheRegisterBeforeRootGetsControl() {
        DomainsState in =
                run(DomainsState.example(1, 1, 9000), Set.of(), new Jump(0, GATE_1), new Read(0, new VirtualPage(3)));
        DomainsStep step = DomainsModel.step(in, new Interrupt(0, 32));
        assertThat(step.next().vcpus().get(0).register()).isZero();
        assertThat(step.next().vcpus().get(0).domain()).isEqualTo(DomainId.ROOT);
        assertThat(step.observations()).containsExactly(new DomainsObservation.Returned(0, S1, true, 0));
    }

    @Test
    void hostileActionsFaultNeverThrow() {
        DomainsState s = DomainsState.example(2, 2, 9000);
        assertThat(DomainsModel.step(s, new Read(7, new VirtualPage(0))).observations())
                .containsExactly(new Fault(7, DomainId.ROOT, FaultKind.NO_SUCH_VCPU));
        assertThat(DomainsModel.step(s, new ExitGate(0)).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_IN_SECURE_DOMAIN));
        Random r = new Random(3);
        for (int i = 0; i < 3000; i++) {
            s = DomainsModel.step(s, randomAction(r, 2)).next();
        }
        assertThat(s.vcpus()).hasSize(2);
    }

    static DomainsAction randomAction(Random r, int vcpus) {
        int v = r.nextInt(vcpus + 1) - (r.nextInt(20) == 0 ? 1 : 0);
        v = Math.min(v, vcpus - 1 + (r.nextInt(20) == 0 ? 1 : 0));
        GuestPage g = new GuestPage(r.nextInt(40));
        VirtualPage p = new VirtualPage(r.nextInt(5));
        return switch (r.nextInt(9)) {
            case 0, 1 -> new Jump(v, r.nextBoolean() ? new GuestPage(17 + 16L * r.nextInt(2)) : g);
            case 2 -> new ExitGate(v);
            case 3 -> new Interrupt(v, r.nextInt(256));
            case 4 -> new LoadPtRoot(v, r.nextInt(3) == 0 ? new GuestPage(0) : g);
            case 5 -> new SetRegister(v, r.nextInt(100));
            case 6 -> new Read(v, p);
            case 7 -> new DomainsAction.DeviceWrite(v, g);
            default -> {
                Map<VirtualPage, GuestPage> entries = new HashMap<>();
                entries.put(new VirtualPage(0), new GuestPage(r.nextInt(2) == 0 ? 0 : r.nextInt(40)));
                entries.put(new VirtualPage(r.nextInt(4)), g);
                yield new Write(v, p, r.nextBoolean() ? Map.of() : entries);
            }
        };
    }

    static final Set<DomainsModelFlaw> NONE = EnumSet.noneOf(DomainsModelFlaw.class);

    static List<DomainsAction> randomTrace(Random r, int n) {
        List<DomainsAction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomAction(r, 2));
        }
        return out;
    }

    @Test
    void theRootsDeviceWritesRootMemoryAndIsRefusedAtEverySecurePage() {
        DomainsState s = DomainsState.example(2, 1, 9000);
        DomainsState set = DomainsModel.step(s, new SetRegister(0, 42)).next();
        DomainsStep landed = DomainsModel.step(set, new DomainsAction.DeviceWrite(0, new GuestPage(2)));
        assertThat(landed.observations()).isEmpty();
        assertThat(landed.next()
                        .frames()
                        .get(set.root().npt().get(new GuestPage(2)))
                        .value())
                .isEqualTo(42);
        for (long page = 16; page < 48; page++) {
            DomainsAction dma = new DomainsAction.DeviceWrite(0, new GuestPage(page));
            DomainsStep step = DomainsModel.step(set, dma);
            if (set.secureOwnerOf(new GuestPage(page)) != null) {
                assertThat(step.observations()).containsExactly(new Fault(0, DomainId.ROOT, FaultKind.DMA_REFUSED));
                assertThat(step.next()).isEqualTo(set);
            }
            assertThat(DomainsInvariants.NO_DEVICE_REACHES_SECURE_FRAME
                            .check(step.from(set, dma))
                            .holds())
                    .isTrue();
        }
    }

    @Test
    void aHostileUpperLevelEntryFaultsAtTheTableItPointsAtAndReachesNothingSecure() {
        DomainsState s = DomainsState.example(2, 1, 9000);
        // Root page 1 becomes a PML4 whose window entry (slot 511) points at page 2, a PDPT whose
        // window entry points at secure page 18.
        DomainsState built = run(
                s,
                Set.of(),
                new Write(0, new VirtualPage(1), Map.of(new VirtualPage(DomainsState.UPPER_SLOT), new GuestPage(2))),
                new Write(0, new VirtualPage(2), Map.of(new VirtualPage(DomainsState.UPPER_SLOT), new GuestPage(18))),
                new LoadPtRoot(0, new GuestPage(1)));
        DomainsVCpu c = built.vcpus().get(0);
        assertThat(built.walkPath(c, new VirtualPage(0)))
                .containsExactly(new GuestPage(1), new GuestPage(2), new GuestPage(18));
        assertThat(DomainsModel.step(built, new Read(0, new VirtualPage(0))).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        assertThat(DomainsInvariants.ISOLATION.check(built).holds()).isTrue();
        assertThat(built.walkPath(s.vcpus().get(0), new VirtualPage(2)))
                .as("the example's tables are their own PML4, PDPT, PD and PT")
                .containsExactly(
                        new GuestPage(0), new GuestPage(0), new GuestPage(0), new GuestPage(0), new GuestPage(2));
    }

    /** Root pages 1, 2 and 3 as PML4, PDPT and PD of the window, page 3's window entry {@code pd511} with the page-size bit. */
    private static DomainsState largeChain(GuestPage pd511, boolean psInPml4) {
        DomainsState s = run(
                DomainsState.example(2, 1, 9000),
                Set.of(),
                new Write(0, new VirtualPage(1), Map.of(new VirtualPage(DomainsState.UPPER_SLOT), new GuestPage(2))),
                new Write(0, new VirtualPage(2), Map.of(new VirtualPage(DomainsState.UPPER_SLOT), new GuestPage(3))),
                new LoadPtRoot(0, new GuestPage(1)));
        VirtualPage slot = new VirtualPage(DomainsState.UPPER_SLOT);
        Frame pd = s.gpaToFrame(s.vcpus().get(0), new GuestPage(3));
        s = s.withFrame(pd, new FrameContent(Map.of(slot, pd511), 0, Set.of(slot)));
        if (psInPml4) {
            Frame pml4 = s.gpaToFrame(s.vcpus().get(0), new GuestPage(1));
            s = s.withFrame(pml4, new FrameContent(Map.of(slot, new GuestPage(2)), 0, Set.of(slot)));
        }
        return s;
    }

    @Test
    void aTwoMegabyteGuestLeafMapsTheWindowFromItsAlignedBase() {
        DomainsState s = largeChain(new GuestPage(0), false);
        DomainsVCpu c = s.vcpus().get(0);
        assertThat(s.walkOf(c, new VirtualPage(2)))
                .isEqualTo(new DomainsState.GuestWalk(
                        List.of(new GuestPage(1), new GuestPage(2), new GuestPage(3)), new GuestPage(2)));
        assertThat(s.walk(c, new VirtualPage(0))).isEqualTo(s.gpaToFrame(c, new GuestPage(0)));
        // Window page 5 lies inside the leaf but on a page the root's NPT does not map: a fault.
        assertThat(s.walk(c, new VirtualPage(5))).isNull();
        // The PAT bit (page-number bit 0) is no address bit: the same leaf.
        assertThat(largeChain(new GuestPage(1), false).walkPage(c, new VirtualPage(2)))
                .isEqualTo(new GuestPage(2));
        assertThat(s.reach(c))
                .contains(s.gpaToFrame(c, new GuestPage(0)), s.gpaToFrame(c, new GuestPage(3)))
                .doesNotContainAnyElementsOf(s.secureFrames());
        assertThat(DomainsInvariants.ISOLATION.check(s).holds()).isTrue();
    }

    @Test
    void reservedPageSizeBitsFaultInsteadOfMapping() {
        // Address bits 13..20 of a 2 MiB leaf are reserved: base page 2 sets one.
        DomainsState misaligned = largeChain(new GuestPage(2), false);
        DomainsVCpu c = misaligned.vcpus().get(0);
        assertThat(misaligned.walkOf(c, new VirtualPage(0)).page()).isNull();
        assertThat(DomainsModel.step(misaligned, new Read(0, new VirtualPage(0)))
                        .observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        // The page-size bit at level 4 is reserved: the walk stops at the PML4.
        DomainsState pml4 = largeChain(new GuestPage(0), true);
        assertThat(pml4.walkPath(c, new VirtualPage(0))).containsExactly(new GuestPage(1));
        assertThat(DomainsModel.step(pml4, new Read(0, new VirtualPage(0))).observations())
                .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
    }

    @Test
    void aSecureDomainsOwnLargeLeafReachesItsRegionPastTheWindowAndNoOtherPage() {
        // domain 1 in its own view: page 18 a PDPT, page 19 a PD whose slot 511 is a 2 MiB leaf over block 0
        DomainsState s = run(
                DomainsState.example(2, 1, 9000),
                NONE,
                new Jump(0, GATE_1),
                new Write(0, new VirtualPage(3), Map.of(new VirtualPage(511), new GuestPage(0)), true),
                new Write(0, new VirtualPage(2), Map.of(new VirtualPage(511), new GuestPage(19))),
                new Write(
                        0,
                        new VirtualPage(0),
                        Map.of(
                                new VirtualPage(0), new GuestPage(16),
                                new VirtualPage(511), new GuestPage(18))));
        DomainsVCpu c = s.vcpus().get(0);
        assertThat(s.walkPage(c, new VirtualPage(17))).isEqualTo(GATE_1);
        assertThat(DomainsModel.step(s, new Read(0, new VirtualPage(17))).observations())
                .containsExactly(new DomainsObservation.ReadValue(0, S1, 9001));
        for (long page : new long[] {0, 2, 15, 32, 34, 255}) {
            assertThat(DomainsModel.step(s, new Read(0, new VirtualPage(page))).observations())
                    .as("page %d", page)
                    .containsExactly(new Fault(0, S1, FaultKind.NOT_MAPPED));
        }
        assertThat(s.reach(c)).containsAll(s.domains().get(S1).frames());
        assertThat(s.domains().get(S1).frames()).containsAll(s.reach(c));
        assertThat(DomainsInvariants.ISOLATION.check(s).holds()).isTrue();
    }

    @Test
    void anAccessPastThePagesAnAccessMayNameFaultsWhereverTheWalkLeads() {
        // slot 511 of the root's table points back at it: a walk of page 511 would map the table page
        DomainsState s = DomainsState.example(1, 1, 9000);
        DomainsVCpu c = s.vcpus().get(0);
        assertThat(s.walkPage(c, new VirtualPage(DomainsState.UPPER_SLOT))).isEqualTo(new GuestPage(0));
        for (long page : new long[] {-1, DomainsState.ACCESS_PAGES, DomainsState.UPPER_SLOT}) {
            assertThat(DomainsModel.step(s, new Read(0, new VirtualPage(page))).observations())
                    .as("page %d", page)
                    .containsExactly(new Fault(0, DomainId.ROOT, FaultKind.NOT_MAPPED));
        }
    }
}
