package org.hvproof.impl.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.domains.DomainsModel;
import org.hvproof.model.domains.DomainsObservation.Entered;
import org.hvproof.model.domains.DomainsObservation.Fault;
import org.hvproof.model.domains.DomainsObservation.FaultKind;
import org.hvproof.model.domains.DomainsObservation.ReadValue;
import org.hvproof.model.domains.DomainsObservation.Returned;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.Ids.DomainId;
import org.junit.jupiter.api.Test;

/** The protection-domain hypervisor on the machine, one behaviour per test, through the guest's own actions. */
class DomainsSystemTest {
    private static final long SECRET = 0x5EC12E7L;
    private static final DomainId ROOT = DomainId.ROOT;
    private static final DomainId ONE = new DomainId(1);

    private final DomainsSystem system = new DomainsSystem(DomainLayout.standard(), SECRET);

    private VirtualCpu cpu(int v) {
        return system.machine().vcpus().get(v);
    }

    private static DomainsSystemAction.Transfer jump(int v, long gpa) {
        return new DomainsSystemAction.Transfer(v, gpa);
    }

    @Test
    void rootReadsItsOwnPages() {
        assertThat(system.apply(new DomainsSystemAction.Read(0, 2))).containsExactly(new ReadValue(0, ROOT, 2));
        assertThat(cpu(0).register(0)).isEqualTo(2);
    }

    @Test
    void aGateEntrySwitchesBothPointersAndSecureCodeReadsItsData() {
        cpu(0).setRegister(0, 77);
        assertThat(system.apply(jump(0, DomainLayout.gateAddress(1)))).containsExactly(new Entered(0, ROOT, ONE));
        assertThat(cpu(0).cr3()).isEqualTo(DomainLayout.tablePage(1) << 12);
        assertThat(cpu(0).view()).isEqualTo(new ViewId("secure-1"));
        assertThat(cpu(0).register(0)).as("the argument comes in in RAX").isEqualTo(77);
        assertThat(system.apply(new DomainsSystemAction.Read(0, 2))).containsExactly(new ReadValue(0, ONE, SECRET + 2));
    }

    @Test
    void theExitGateRestoresTheRootContextWithNothingSecureInIt() {
        cpu(0).setRegister(5, 55);
        system.apply(jump(0, DomainLayout.gateAddress(1)));
        assertThat(cpu(0).register(5))
                .as("secure launch registers are restored on entry")
                .isNotEqualTo(55);
        system.apply(new DomainsSystemAction.Read(0, 2));
        assertThat(system.apply(new DomainsSystemAction.ExitGate(0))).containsExactly(new Returned(0, ONE, false, 0));
        assertThat(cpu(0).register(0)).isZero();
        assertThat(cpu(0).register(1)).isZero();
        assertThat(cpu(0).register(5)).isEqualTo(55);
        assertThat(cpu(0).cr3()).isZero();
        assertThat(cpu(0).view()).isEqualTo(ViewId.DEFAULT);
    }

    @Test
    void anInterruptInSecureCodeSavesAndClearsTheSecureRegistersAndTheyComeBackOnResume() {
        system.apply(jump(0, DomainLayout.gateAddress(1)));
        system.apply(new DomainsSystemAction.Read(0, 2));
        system.apply(new DomainsSystemAction.Read(0, 3));
        assertThat(cpu(0).register(1)).isEqualTo(SECRET + 2);
        assertThat(system.apply(new DomainsSystemAction.Event(0, 40, false)))
                .containsExactly(new Returned(0, ONE, true, 0));
        for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
            assertThat(cpu(0).register(r))
                    .as("register %d seen by the root's handler", r)
                    .isZero();
        }
        assertThat(system.service().secureFile(1, 0)[1]).isEqualTo(SECRET + 2);
        system.apply(jump(0, DomainLayout.gateAddress(1)));
        assertThat(cpu(0).register(1)).as("RBX resumes").isEqualTo(SECRET + 2);
    }

    @Test
    void anExceptionInSecureCodeLeavesLikeAnInterrupt() {
        system.apply(jump(0, DomainLayout.gateAddress(1)));
        assertThat(system.apply(new DomainsSystemAction.Event(0, 14, true)))
                .containsExactly(new Returned(0, ONE, true, 0));
        assertThat(system.service().currentDomain(0)).isZero();
    }

    @Test
    void anInterruptInRootCodeChangesNothing() {
        assertThat(system.apply(new DomainsSystemAction.Event(1, 32, false))).isEmpty();
    }

    @Test
    void jumpsToEveryOtherSecureAddressFaultAndChangeNothing() {
        DomainsState before = system.abstractState();
        for (long target : new long[] {
            DomainLayout.gateAddress(1) + 1,
            DomainLayout.gateAddress(1) + 0x40,
            DomainLayout.dataPage(1) << 12,
            DomainLayout.codePage(1) << 12,
            DomainLayout.tablePage(2) << 12
        }) {
            assertThat(system.apply(jump(0, target)))
                    .as("jump to 0x%x", target)
                    .containsExactly(new Fault(0, ROOT, FaultKind.NOT_A_GATE));
        }
        assertThat(system.abstractState()).isEqualTo(before);
    }

    @Test
    void aRootPageTableCraftedToPointAtASecurePageFaults() {
        // Window page 0 is the root's own table: rewrite it to map page 1 at the secure data page.
        system.apply(new DomainsSystemAction.Write(
                0, 0, Map.of(0, 0L, 1, DomainLayout.dataPage(1), 2, DomainLayout.tablePage(1))));
        assertThat(system.apply(new DomainsSystemAction.Read(0, 1)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        assertThat(system.apply(new DomainsSystemAction.Write(0, 2, Map.of())))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(0, DomainLayout.tablePage(1))))
                .isEmpty();
        assertThat(system.apply(new DomainsSystemAction.Read(0, 2)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        assertThat(DomainsInvariants.ISOLATION.check(system.abstractState()).holds())
                .isTrue();
    }

    @Test
    void secureCodeCannotLoadCr3NorJumpOutOfItsRegion() {
        system.apply(jump(1, DomainLayout.gateAddress(2)));
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(1, 0)))
                .containsExactly(new Fault(1, new DomainId(2), FaultKind.NOT_IN_ROOT_DOMAIN));
        assertThat(system.apply(jump(1, DomainLayout.gateAddress(1))))
                .containsExactly(new Fault(1, new DomainId(2), FaultKind.NOT_MAPPED));
        assertThat(system.apply(jump(1, DomainLayout.codePage(2) << 12))).isEmpty();
    }

    @Test
    void hostileInputFaultsAndNeverThrows() {
        assertThat(system.apply(new DomainsSystemAction.Read(7, 0)))
                .containsExactly(new Fault(7, ROOT, FaultKind.NO_SUCH_VCPU));
        assertThat(system.apply(new DomainsSystemAction.Event(-1, 3, true)))
                .containsExactly(new Fault(-1, ROOT, FaultKind.NO_SUCH_VCPU));
        assertThat(system.apply(new DomainsSystemAction.Read(0, 400)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(0, -5)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        assertThat(system.apply(jump(0, -1))).isEmpty();
        assertThat(system.apply(jump(0, Long.MAX_VALUE))).isEmpty();
        assertThat(system.apply(new DomainsSystemAction.ExitGate(0)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_IN_SECURE_DOMAIN));
    }

    @Test
    void theAbstractionOfTheBootedGuestSatisfiesEveryStateInvariant() {
        DomainsState s = system.abstractState();
        assertThat(DomainsInvariants.ISOLATION.check(s).holds()).isTrue();
        assertThat(DomainsInvariants.POINTERS_MATCH_DOMAIN.check(s).holds()).isTrue();
        assertThat(s.secureFrames()).hasSize(8);
    }

    @Test
    void machineAndModelAgreeOnAShortSession() {
        DomainsState model = system.abstractState();
        DomainsSystemAction[] actions = {
            jump(0, DomainLayout.gateAddress(1)),
            new DomainsSystemAction.Read(0, 2),
            new DomainsSystemAction.SetRegister(0, 9),
            new DomainsSystemAction.Write(0, 2, Map.of()),
            new DomainsSystemAction.Event(0, 33, false),
            new DomainsSystemAction.Read(0, 3),
            jump(0, DomainLayout.gateAddress(1) + 1)
        };
        for (DomainsSystemAction a : actions) {
            var seen = system.apply(a);
            var step = DomainsModel.step(model, DomainsAbstraction.modelAction(a, system.layout()));
            assertThat(seen).as("observations of %s", a).isEqualTo(step.observations());
            assertThat(system.abstractState()).as("state after %s", a).isEqualTo(step.next());
            model = step.next();
        }
    }

    @Test
    void eachFlawChangesItsOneCodePath() {
        DomainsSystem left =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.SECURE_FRAME_LEFT_IN_ROOT_NPT);
        left.apply(new DomainsSystemAction.Write(0, 0, Map.of(0, 0L, 1, DomainLayout.LEAKED_PAGE)));
        assertThat(left.apply(new DomainsSystemAction.Read(0, 1))).containsExactly(new ReadValue(0, ROOT, SECRET + 2));

        DomainsSystem one =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.SWITCH_ONLY_GUEST_PT_ROOT);
        one.apply(jump(0, DomainLayout.gateAddress(1)));
        assertThat(one.machine().vcpus().get(0).view()).isEqualTo(ViewId.DEFAULT);

        DomainsSystem next =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.GATE_CHECK_ACCEPTS_NEXT_ADDRESS);
        assertThat(next.apply(jump(0, DomainLayout.gateAddress(1) + 1))).containsExactly(new Entered(0, ROOT, ONE));

        DomainsSystem leak =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT);
        leak.apply(jump(0, DomainLayout.gateAddress(1)));
        leak.apply(new DomainsSystemAction.Event(0, 32, false));
        assertThat(leak.machine().vcpus().get(0).register(1))
                .isEqualTo(DomainsSystem.initialSecureRegisters(SECRET, 1)[1]);
    }

    @Test
    void aHostileUpperLevelEntryMakesTheWalkFaultInTheRootNptWithoutTouchingTheSecureFrame() {
        // Page 1 becomes a PML4 whose slot 511 (the PML4 entry of the window) points at secure page 18.
        assertThat(system.apply(
                        new DomainsSystemAction.Write(0, 1, Map.of(DomainLayout.SELF_SLOT, DomainLayout.dataPage(1)))))
                .isEmpty();
        assertThat(system.apply(new DomainsSystemAction.LoadCr3(0, 1))).isEmpty();
        assertThat(system.apply(new DomainsSystemAction.Read(0, 2)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        long secureFrame = system.machine()
                .view(new ViewId("secure-1"))
                .orElseThrow()
                .leaf(new GuestPhysicalPage(DomainLayout.dataPage(1)))
                .orElseThrow()
                .hostFrame();
        assertThat(system.framesTouchedByLastAccess())
                .doesNotContain(secureFrame)
                .isNotEmpty();
    }

    @Test
    void theLeafOnlyNptCheckFlawReadsTheSecureTableFrame() {
        DomainsSystem flawed =
                new DomainsSystem(DomainLayout.standard(), SECRET, DomainsImplFlaw.NPT_CHECK_ONLY_AT_LEAF);
        flawed.apply(new DomainsSystemAction.Write(0, 1, Map.of(DomainLayout.SELF_SLOT, DomainLayout.tablePage(1))));
        flawed.apply(new DomainsSystemAction.LoadCr3(0, 1));
        assertThat(flawed.apply(new DomainsSystemAction.Read(0, 2)))
                .containsExactly(new Fault(0, ROOT, FaultKind.NOT_MAPPED));
        long secureTable = flawed.machine()
                .view(new ViewId("secure-1"))
                .orElseThrow()
                .leaf(new GuestPhysicalPage(DomainLayout.tablePage(1)))
                .orElseThrow()
                .hostFrame();
        assertThat(flawed.framesTouchedByLastAccess()).contains(secureTable);
    }
}
