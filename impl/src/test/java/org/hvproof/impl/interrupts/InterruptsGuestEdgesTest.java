package org.hvproof.impl.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsModel;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsObservation.Fault;
import org.hvproof.model.interrupts.InterruptsObservation.FaultKind;
import org.hvproof.model.interrupts.InterruptsObservation.VirtualInterrupt;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.InterruptsStep;
import org.hvproof.model.interrupts.Reg;
import org.junit.jupiter.api.Test;

/**
 * The guest's set-up and its edges, each checked against the model step by step where the model
 * has an answer: the execute-only region's first and last page, pages the guest OS unmaps and
 * maps back (code, data, never touched), transfers to a byte, the device's pins, the
 * abstraction's register snapshot and the readable pages INT-1's machine check reads.
 */
class InterruptsGuestEdgesTest {
    private static final long SECRET = 0x5EC2E7_0000_1234L;
    private static final long E = InterruptsState.DEFAULT_ERASURE;
    private static final InterruptsAction EXEC = new InterruptsAction.Execute();
    private static final InterruptsAction RETURN = new InterruptsAction.Return();
    private static final long XO_FIRST_PAGE = GuestLayout.slot(CodeLayout.SEQUENCE_START) >>> 12;
    private static final long XO_LAST_ADDRESS = CodeLayout.SEQUENCE_START + CodeLayout.PAGE_SIZE - 1;

    /** Runs {@code actions} on a fresh guest and the model side by side; the guest's observations. */
    private static List<List<InterruptsObservation>> inLockstep(InterruptsSystem sys, InterruptsAction... actions) {
        InterruptsState model = sys.abstractState();
        List<List<InterruptsObservation>> seen = new ArrayList<>();
        List<InterruptsAction> done = new ArrayList<>();
        for (InterruptsAction a : actions) {
            done.add(a);
            InterruptsStep expected = InterruptsModel.step(model, a);
            List<InterruptsObservation> got = sys.apply(a);
            assertThat(got).as("observations after %s", done).isEqualTo(expected.observations());
            model = InterruptsAbstraction.canonical(expected.next());
            assertThat(sys.abstractState()).as("state after %s", done).isEqualTo(model);
            seen.add(got);
        }
        return seen;
    }

    private static int vector(InterruptsObservation o) {
        return ((VirtualInterrupt) o).vector();
    }

    @Test
    void anEmptySlotOnTheExecuteOnlyRegionsLastPageIsAnInvalidOpcodeNotAPageFault() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        List<List<InterruptsObservation>> seen =
                inLockstep(sys, new InterruptsAction.JumpTo(XO_LAST_ADDRESS), EXEC, RETURN);
        assertThat(seen.get(1).get(0)).isEqualTo(new Fault(FaultKind.INVALID_INSTRUCTION, XO_LAST_ADDRESS));
        assertThat(vector(seen.get(1).get(1))).isEqualTo(FaultKind.INVALID_INSTRUCTION.vector());
    }

    @Test
    void theDeviceReadsOrdinaryCodeAndThePageBelowTheRegionButNotTheRegionsLastPage() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long below = CodeLayout.SEQUENCE_START - 1;
        assertThat(GuestLayout.page(below).number()).isEqualTo(XO_FIRST_PAGE - 1);
        List<List<InterruptsObservation>> seen = inLockstep(
                sys,
                new InterruptsAction.DmaRead(CodeLayout.ORDINARY_CODE),
                new InterruptsAction.DmaRead(XO_LAST_ADDRESS),
                new InterruptsAction.DmaRead(below),
                new InterruptsAction.DmaRead(below));
        assertThat(seen.get(0))
                .containsExactly(new InterruptsObservation.DeviceRead(
                        CodeLayout.ORDINARY_CODE, 0, Optional.of(new Instruction.MovImm(Reg.R3, 0x4D5347L))));
        assertThat(seen.get(1)).containsExactly(new Fault(FaultKind.DMA_REFUSED, XO_LAST_ADDRESS));
        assertThat(seen.get(3)).containsExactly(new InterruptsObservation.DeviceRead(below, 0, Optional.empty()));
        // The pinned page below the region was never written: it cannot hold the secret.
        assertThat(sys.deviceCanReachSecret()).isFalse();
    }

    @Test
    void theDeviceCheckSeesAWordWrittenIntoAPinnedPageAndItsErasure() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        assertThat(sys.deviceCanReachSecret()).isFalse();
        // Ordinary code's page is pinned for the device at boot; its data word is the guest's to write.
        sys.apply(new InterruptsAction.WriteMemory(CodeLayout.ORDINARY_CODE + 3, SECRET));
        assertThat(sys.deviceCanReachSecret()).isTrue();
        sys.apply(new InterruptsAction.WriteMemory(CodeLayout.ORDINARY_CODE + 3, 0));
        assertThat(sys.deviceCanReachSecret()).isFalse();
    }

    @Test
    void aDataPageUnmappedFaultsOnReadAndWriteAndMappedBackKeepsItsWord() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        List<List<InterruptsObservation>> seen = inLockstep(
                sys,
                new InterruptsAction.WriteMemory(0x8000, 5),
                new InterruptsAction.SetPagePresent(0x8000, false),
                new InterruptsAction.ReadMemory(0x8000),
                RETURN,
                new InterruptsAction.WriteMemory(0x8001, 6),
                RETURN,
                new InterruptsAction.SetPagePresent(0x8000, true),
                new InterruptsAction.ReadMemory(0x8000),
                new InterruptsAction.WriteMemory(0x8001, 6));
        assertThat(seen.get(2).get(0)).isEqualTo(new Fault(FaultKind.PAGE_NOT_PRESENT, 0x8000));
        assertThat(vector(seen.get(2).get(1))).isEqualTo(14);
        assertThat(seen.get(4).get(0)).isEqualTo(new Fault(FaultKind.PAGE_NOT_PRESENT, 0x8001));
        assertThat(seen.get(7)).containsExactly(new InterruptsObservation.MemoryRead(0x8000, 5));
        assertThat(sys.abstractState().memory()).containsEntry(0x8001L, 6L);
        assertThat(sys.data().dataPages())
                .containsExactly(GuestLayout.page(0x8000).number());
    }

    @Test
    void aCodePageUnmappedFaultsOnFetchAndMappedBackRunsAgain() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        List<List<InterruptsObservation>> seen = inLockstep(
                sys,
                new InterruptsAction.SetPagePresent(CodeLayout.ORDINARY_CODE, false),
                EXEC,
                RETURN,
                new InterruptsAction.SetPagePresent(CodeLayout.ORDINARY_CODE, true),
                EXEC);
        assertThat(seen.get(1).get(0)).isEqualTo(new Fault(FaultKind.EXECUTE_UNMAPPED, CodeLayout.ORDINARY_CODE));
        assertThat(seen.get(4)).isEmpty();
        assertThat(sys.cpu().register(Reg.R3.ordinal())).isEqualTo(0x4D5347L);
    }

    @Test
    void mappingBackAPageNeverUnmappedChangesNothingAndAnUntouchedPageIsPagedInOnItsFirstTouch() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        inLockstep(
                sys,
                new InterruptsAction.SetPagePresent(CodeLayout.ORDINARY_CODE, true),
                EXEC,
                new InterruptsAction.SetPagePresent(0x9000, false),
                new InterruptsAction.SetPagePresent(0x9000, true),
                new InterruptsAction.ReadMemory(0x9000),
                new InterruptsAction.WriteMemory(0x9000, 3));
        assertThat(sys.abstractState().memory()).containsEntry(0x9000L, 3L);
    }

    @Test
    void absentPagesAreReadOffTheGuestsTablesNextToAMappedPageAndWhereNoTableExists() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long nearZero = 5 * CodeLayout.ADDRESSES_PER_GUEST_PAGE;
        long far = 1L << 39;
        inLockstep(
                sys,
                new InterruptsAction.ReadMemory(0),
                new InterruptsAction.SetPagePresent(nearZero, false),
                new InterruptsAction.SetPagePresent(far, false));
        assertThat(sys.data().absentPages()).containsExactly(5L, CodeLayout.guestPage(far));
    }

    @Test
    void aTransferToAByteInsideASlotIsMisalignedAndAHandlersTransferRewritesItsReturnAddress() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long inside = GuestLayout.slot(CodeLayout.ORDINARY_CODE + 4) + 3;
        long nop = GuestLayout.slot(CodeLayout.ORDINARY_CODE + 4);
        List<List<InterruptsObservation>> seen = inLockstep(
                sys,
                new InterruptsAction.JumpToByte(inside),
                new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 40),
                new InterruptsAction.JumpToByte(inside),
                new InterruptsAction.JumpToByte(nop),
                RETURN);
        assertThat(seen.get(0)).containsExactly(new Fault(FaultKind.MISALIGNED_TRANSFER, inside));
        assertThat(seen.get(2)).containsExactly(new Fault(FaultKind.MISALIGNED_TRANSFER, inside));
        assertThat(sys.abstractState().pc()).isEqualTo(CodeLayout.ORDINARY_CODE + 4);
    }

    @Test
    void theRegisterSnapshotFollowsEveryRegisterChangingAtOnce() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        assertThat(sys.abstractState().registers()).containsOnlyKeys(Reg.values());
        for (Reg r : Reg.values()) {
            Registers.set(sys.cpu(), r, 100 + r.ordinal());
        }
        InterruptsState after = sys.abstractState();
        for (Reg r : Reg.values()) {
            assertThat(after.reg(r)).isEqualTo(100 + r.ordinal());
        }
    }

    @Test
    void readablePagesFollowWritesNewLeavesAndAFrameMappedAtASecondPage() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long ordinaryPage = GuestLayout.page(CodeLayout.ORDINARY_CODE).number();
        assertThat(sys.readablePages())
                .extracting(InterruptsSystem.ReadablePage::page)
                .contains(ordinaryPage)
                .noneMatch(GuestLayout::inExecuteOnlyRegion);
        InterruptsSystem.ReadablePage before = page(sys, ordinaryPage);
        sys.apply(new InterruptsAction.WriteMemory(CodeLayout.ORDINARY_CODE, 9));
        InterruptsSystem.ReadablePage after = page(sys, ordinaryPage);
        assertThat(after.stamp()).isNotEqualTo(before.stamp());
        assertThat(after.bytes()[0]).isEqualTo((byte) 9);

        sys.apply(new InterruptsAction.ReadMemory(0x8000));
        assertThat(sys.readablePages())
                .extracting(InterruptsSystem.ReadablePage::page)
                .contains(GuestLayout.page(0x8000).number());

        NestedPageTable npt = sys.machine().defaultView();
        long frame = npt.leaf(new GuestPhysicalPage(ordinaryPage)).orElseThrow().hostFrame();
        long second = ordinaryPage + 1;
        assertThat(npt.map(new GuestPhysicalPage(second), frame, NestedPermissions.RX))
                .isTrue();
        InterruptsSystem.ReadablePage alias = page(sys, second);
        assertThat(alias.bytes()).isEqualTo(after.bytes());
        assertThat(page(sys, ordinaryPage).page()).isEqualTo(ordinaryPage);
    }

    private static InterruptsSystem.ReadablePage page(InterruptsSystem sys, long number) {
        return sys.readablePages().stream()
                .filter(p -> p.page() == number)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theGuestsCodeLivesOnTheRegionsFirstPageAndOrdinaryCodesPageOnTheSystemsHypervisor() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        assertThat(sys.codePages())
                .containsExactly(
                        XO_FIRST_PAGE,
                        GuestLayout.page(CodeLayout.ORDINARY_CODE).number());
        assertThat(sys.hypervisor().machine()).isSameAs(sys.machine());
    }

    @Test
    void theWindowStartsAtAddressZeroAndEndsBelowTheLimit() {
        assertThat(GuestLayout.slot(0)).isZero();
        assertThat(GuestLayout.slot(GuestLayout.ADDRESS_LIMIT - 1))
                .isEqualTo((GuestLayout.ADDRESS_LIMIT - 1) * GuestLayout.SLOT_SIZE);
        assertThatThrownBy(() -> GuestLayout.slot(GuestLayout.ADDRESS_LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuestLayout.slot(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(GuestLayout.inExecuteOnlyRegion(XO_FIRST_PAGE - 1)).isFalse();
        assertThat(GuestLayout.inExecuteOnlyRegion(XO_FIRST_PAGE)).isTrue();
        assertThat(GuestLayout.inExecuteOnlyRegion(XO_FIRST_PAGE + GuestLayout.PAGES_PER_MODEL_PAGE - 1))
                .isTrue();
        assertThat(GuestLayout.inExecuteOnlyRegion(XO_FIRST_PAGE + GuestLayout.PAGES_PER_MODEL_PAGE))
                .isFalse();
    }

    @Test
    void bytesNamingAFifthRegisterOrAnOperandTheOpcodeDoesNotUseDoNotDecode() {
        byte[] mov = InstructionCodec.encode(new Instruction.MovImm(Reg.R3, 7));
        assertThat(InstructionCodec.decode(mov)).contains(new Instruction.MovImm(Reg.R3, 7));
        for (int operand = 1; operand <= 3; operand++) {
            byte[] fifth = mov.clone();
            fifth[operand] = 4;
            assertThat(InstructionCodec.decode(fifth))
                    .as("register 4 in operand %d", operand)
                    .isEmpty();
        }
        for (int operand = 2; operand <= 3; operand++) {
            byte[] unused = mov.clone();
            unused[operand] = 1;
            assertThat(InstructionCodec.decode(unused))
                    .as("R1 in unused operand %d", operand)
                    .isEmpty();
        }
    }

    @Test
    void theGuestsLoadAndStoreOfAnUnmappedDataPageFaultAndLeaveTheRegisterAndPcAlone() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        List<List<InterruptsObservation>> seen = inLockstep(
                sys,
                new InterruptsAction.SetRegister(Reg.R0, 7),
                new InterruptsAction.SetPagePresent(0x8000, false),
                new InterruptsAction.JumpTo(CodeLayout.ORDINARY_CODE + 2),
                EXEC,
                RETURN,
                new InterruptsAction.JumpTo(CodeLayout.ORDINARY_CODE + 3),
                EXEC,
                RETURN);
        assertThat(seen.get(3).get(0)).isEqualTo(new Fault(FaultKind.PAGE_NOT_PRESENT, 0x8000));
        assertThat(seen.get(6).get(0)).isEqualTo(new Fault(FaultKind.PAGE_NOT_PRESENT, 0x8001));
        assertThat(sys.cpu().register(Reg.R0.ordinal())).isEqualTo(7);
        assertThat(sys.abstractState().pc()).isEqualTo(CodeLayout.ORDINARY_CODE + 3);
        // Mapped back, the store runs.
        inLockstep(sys, new InterruptsAction.SetPagePresent(0x8000, true), EXEC);
        assertThat(sys.abstractState().memory()).containsEntry(0x8001L, 7L);
        assertThat(sys.abstractState().pc()).isEqualTo(CodeLayout.ORDINARY_CODE + 4);
    }

    @Test
    void everyPlantedFlawNamesTheClaimThatMustCatchItAndTheCorrectMechanismNone() {
        for (InterruptsImplFlaw flaw : InterruptsImplFlaw.values()) {
            if (flaw == InterruptsImplFlaw.NONE) {
                assertThat(flaw.caughtBy()).isEmpty();
            } else {
                assertThat(flaw.caughtBy()).as("%s", flaw).isNotEmpty();
            }
        }
    }
}
