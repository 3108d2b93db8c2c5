package org.hvproof.impl.interrupts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;
import org.junit.jupiter.api.Test;

/**
 * The abstraction's caches are never stale: changes made behind the mechanism's back (straight
 * into host memory, or into the nested page table without the hypervisor) are seen by the next
 * {@link InterruptsSystem#abstractState()}, exactly as a reading from scratch sees them.
 */
class InterruptsAbstractionTest {
    private static final long SECRET = 0x5EC2E7_0000_1234L;

    @Test
    void aDataWordWrittenStraightIntoHostMemoryIsSeen() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        assertThat(sys.abstractState().memory()).isEmpty();
        long address = CodeLayout.ORDINARY_CODE + 40;
        sys.machine().memory().writeLong(hostAddress(sys, GuestLayout.slot(address)), 0x1234);
        assertThat(sys.abstractState().memory()).containsEntry(address, 0x1234L);
        sys.machine().memory().writeLong(hostAddress(sys, GuestLayout.slot(address)), 0);
        assertThat(sys.abstractState().memory()).isEmpty();
    }

    @Test
    void anInstructionOverwrittenStraightInHostMemoryIsSeen() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long nop = CodeLayout.ORDINARY_CODE + 4;
        assertThat(sys.abstractState().code()).containsEntry(nop, new Instruction.Nop());
        byte[] mov = InstructionCodec.encode(new Instruction.MovImm(Reg.R2, 99));
        sys.machine()
                .memory()
                .write(hostAddress(sys, GuestLayout.slot(nop) + GuestLayout.INSTRUCTION_OFFSET), mov, 0, mov.length);
        assertThat(sys.abstractState().code()).containsEntry(nop, new Instruction.MovImm(Reg.R2, 99));
        // The execute-only region, never written by the guest, is read again when written behind its back.
        long inXo = GuestLayout.slot(CodeLayout.SEQUENCE_START + 200);
        sys.machine().memory().writeLong(hostAddress(sys, inXo), 7);
        assertThat(sys.abstractState().memory()).containsEntry(CodeLayout.SEQUENCE_START + 200, 7L);
    }

    @Test
    void aLeafRemappedOrUnmappedInTheNestedPageTableIsSeen() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        NestedPageTable npt = sys.machine().defaultView();
        HostMemory memory = sys.machine().memory();
        GuestPhysicalPage ordinary = GuestLayout.page(CodeLayout.ORDINARY_CODE);
        assertThat(sys.abstractState().code()).containsKey(CodeLayout.ORDINARY_CODE);

        // Remapped to a fresh frame holding one data word: the old code is gone, the word appears.
        long fresh = memory.allocateFrame().orElseThrow();
        memory.writeLong(fresh << 12, 42);
        npt.map(ordinary, fresh, NestedPermissions.RX);
        assertThat(sys.abstractState().code()).doesNotContainKey(CodeLayout.ORDINARY_CODE);
        assertThat(sys.abstractState().memory()).containsEntry((ordinary.number() << 12) / GuestLayout.SLOT_SIZE, 42L);

        // The leaf entry cleared by a raw write into the table frame: the page no longer counts.
        memory.writeLong(leafEntryAddress(sys, ordinary.base()), 0);
        assertThat(sys.abstractState().memory()).isEmpty();
    }

    @Test
    void randomWritesBehindTheMechanismsBackReadAsAFreshReadingDoes() {
        Random random = new Random(11);
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        long[] addresses = {0x8000, 0x8001, 0x2003, 0x2fff, 0x1001, 0x1fff, 0x5000, 0xFFFF_FFFFL};
        for (int i = 0; i < 400; i++) {
            long address = addresses[random.nextInt(addresses.length)];
            switch (random.nextInt(4)) {
                case 0 -> sys.apply(new InterruptsAction.WriteMemory(address, random.nextInt(3)));
                case 1 -> sys.apply(new InterruptsAction.Execute());
                default -> {
                    long gpa = GuestLayout.slot(address) + 8L * random.nextInt(4);
                    if (sys.machine()
                            .defaultView()
                            .leaf(GuestPhysicalPage.containing(gpa))
                            .isPresent()) {
                        sys.machine().memory().writeLong(hostAddress(sys, gpa), random.nextInt(5));
                    }
                }
            }
            InterruptsAbstraction.BackedPages fresh = new InterruptsAbstraction.BackedPages();
            fresh.refresh(sys.machine(), sys.view(), Map.of());
            var cached = sys.abstractState();
            assertThat(cached.memory()).as("memory after %d changes", i).isEqualTo(fresh.memory());
            assertThat(cached.code()).as("code after %d changes", i).isEqualTo(fresh.code());
        }
    }

    @Test
    void aRegisterSetStraightOnTheVcpuIsSeen() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        assertThat(sys.abstractState().reg(Reg.R2)).isZero();
        sys.cpu().setRegister(Reg.R2.ordinal(), 5);
        assertThat(sys.abstractState().reg(Reg.R2)).isEqualTo(5);
        sys.cpu().setRegister(Reg.R2.ordinal(), 0);
        assertThat(sys.abstractState().reg(Reg.R2)).isZero();
    }

    @Test
    void codeEqualToTheBootedGuestsIsTheModelsOwnMapAndAnyOtherCodeIsNot() {
        InterruptsSystem sys = new InterruptsSystem(SECRET);
        assertThat(sys.abstractState().code()).isSameAs(CodeLayout.sharedCode(SECRET, InterruptsState.DEFAULT_ERASURE));
        sys.machine().memory().writeLong(hostAddress(sys, GuestLayout.slot(CodeLayout.ORDINARY_CODE + 4) + 8), 0);
        assertThat(sys.abstractState().code())
                .doesNotContainKey(CodeLayout.ORDINARY_CODE + 4)
                .isNotEqualTo(CodeLayout.sharedCode(SECRET, InterruptsState.DEFAULT_ERASURE));
    }

    /** The host address behind a guest-physical address, through the nested page table's leaf. */
    private static long hostAddress(InterruptsSystem sys, long gpa) {
        long frame = sys.machine()
                .defaultView()
                .leaf(GuestPhysicalPage.containing(gpa))
                .orElseThrow()
                .hostFrame();
        return (frame << 12) | (gpa & 0xfff);
    }

    /** The host address of the level-1 entry for {@code gpa}, walked by hand from the root. */
    private static long leafEntryAddress(InterruptsSystem sys, long gpa) {
        HostMemory memory = sys.machine().memory();
        long table = sys.machine().defaultView().rootFrame();
        for (int level = 4; level > 1; level--) {
            long entry = memory.readLong((table << 12) + 8 * ((gpa >>> (12 + 9 * (level - 1))) & 511));
            table = (entry & 0x000F_FFFF_FFFF_F000L) >>> 12;
        }
        return (table << 12) + 8 * ((gpa >>> 12) & 511);
    }
}
