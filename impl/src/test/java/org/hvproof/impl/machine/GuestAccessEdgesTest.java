package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GeneralProtection;
import org.hvproof.model.common.GeneralProtectionCause;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Refused;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A guest access at the hypervisor's limits: the longest access and one byte more, an access
 * that would wrap around the top of the address space, guest-physical page 0 backed on first
 * touch, and a service that never stops asking for a retry.
 */
class GuestAccessEdgesTest {
    private static final MachineShape SHAPE = MachineShape.of(1, 512);
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x4000_0000L;
    /** The last page of the address space: canonical, its last byte is address -1. */
    private static final long TOP = 0xffff_ffff_ffff_f000L;

    /** The last page below the non-canonical hole: canonical up to its last byte. */
    private static final long LOWER_HALF_LAST_PAGE = 0x0000_7fff_ffff_f000L;

    private Hypervisor hypervisor;

    @BeforeEach
    void boot() {
        Machine machine = new Machine(SHAPE);
        hypervisor = new Hypervisor(machine);
        GuestOs os = new GuestOs(hypervisor, ViewId.DEFAULT, SHAPE.pageTablePoolFirst(), SHAPE.pageTablePoolPages());
        long cr3 = os.newAddressSpace().orElseThrow();
        machine.vcpus().get(0).setCr3(cr3);
        os.map(cr3, VA, new GuestPhysicalPage(0), PagePermissions.ALL);
        os.map(cr3, VA + 0x1000, new GuestPhysicalPage(1), PagePermissions.ALL);
        os.map(cr3, TOP, new GuestPhysicalPage(2), PagePermissions.ALL);
        os.map(cr3, 0, new GuestPhysicalPage(3), PagePermissions.ALL);
        os.map(cr3, LOWER_HALF_LAST_PAGE, new GuestPhysicalPage(4), PagePermissions.ALL);
    }

    @Test
    void aWholePageIsTheLongestAccessAndOneByteMoreIsRefused() {
        Bytes page = Bytes.zeros(Hypervisor.MAX_ACCESS_LENGTH);
        assertThat(hypervisor.write(CPU, VA + 8, page))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA + 8, Hypervisor.MAX_ACCESS_LENGTH));
        assertThat(hypervisor.read(CPU, VA, Hypervisor.MAX_ACCESS_LENGTH))
                .singleElement()
                .isInstanceOf(ValueRead.class);
        assertThat(hypervisor.read(CPU, VA, Hypervisor.MAX_ACCESS_LENGTH + 1))
                .containsExactly(new GeneralProtection(CPU, VA, GeneralProtectionCause.INVALID_LENGTH));
        assertThat(hypervisor.fetch(CPU, VA, Hypervisor.MAX_ACCESS_LENGTH + 1))
                .containsExactly(new GeneralProtection(CPU, VA, GeneralProtectionCause.INVALID_LENGTH));
    }

    @Test
    void anAccessThatWouldWrapPastTheTopOfTheAddressSpaceIsAGeneralProtectionFault() {
        assertThat(hypervisor.write(CPU, TOP + 0xffe, Bytes.ofInts(1, 2)))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, TOP + 0xffe, 2));
        assertThat(hypervisor.read(CPU, -1, 1)).containsExactly(new ValueRead(CPU, -1, Bytes.ofInts(2)));
        assertThat(hypervisor.read(CPU, -1, 2))
                .containsExactly(new GeneralProtection(CPU, -1, GeneralProtectionCause.NON_CANONICAL));
        assertThat(hypervisor.write(CPU, -1, Bytes.ofInts(9, 9)))
                .containsExactly(new GeneralProtection(CPU, -1, GeneralProtectionCause.NON_CANONICAL));
        assertThat(hypervisor.read(CPU, 0, 1)).containsExactly(new ValueRead(CPU, 0, Bytes.ofInts(0)));
    }

    @Test
    void guestPhysicalPageZeroIsBackedOnItsFirstTouch() {
        assertThat(hypervisor.machine().defaultView().leaf(new GuestPhysicalPage(0)))
                .isEmpty();
        assertThat(hypervisor.write(CPU, VA + 0xff8, Bytes.ofInts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, VA + 0xff8, 10));
        assertThat(hypervisor.machine().peekGuestPhysicalLong(ViewId.DEFAULT, 0xff8))
                .isEqualTo(0x0807_0605_0403_0201L);
        assertThat(hypervisor.read(CPU, VA + 0xffe, 4))
                .containsExactly(new ValueRead(CPU, VA + 0xffe, Bytes.ofInts(7, 8, 9, 10)));
    }

    @Test
    void aServiceThatKeepsAskingForRetriesGetsTheViolationAfterEightExits() {
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(1)))
                .isTrue();
        assertThat(hypervisor.machine().defaultView().setPermissions(new GuestPhysicalPage(1), NestedPermissions.RX))
                .isTrue();
        AtomicInteger asked = new AtomicInteger();
        hypervisor.addExitHandler((cpu, exit, piece) -> {
            asked.incrementAndGet();
            return new ExitDecision.Retry();
        });
        assertThat(hypervisor.write(CPU, VA + 0x1010, Bytes.ofInts(1)))
                .containsExactly(new NptViolation(CPU, 0x1010, AccessKind.WRITE));
        assertThat(asked).hasValue(8);
    }

    @Test
    void aWholePageEndingAtTheLastCanonicalAddressOfTheLowerHalfIsAccessible() {
        assertThat(hypervisor.read(CPU, LOWER_HALF_LAST_PAGE, Hypervisor.MAX_ACCESS_LENGTH))
                .singleElement()
                .isInstanceOf(ValueRead.class);
        assertThat(hypervisor.read(CPU, LOWER_HALF_LAST_PAGE + 1, Hypervisor.MAX_ACCESS_LENGTH))
                .containsExactly(
                        new GeneralProtection(CPU, LOWER_HALF_LAST_PAGE + 1, GeneralProtectionCause.NON_CANONICAL));
    }

    @Test
    void aFetchReturnsTheBytesOfEveryPageItSpansAndLeavesTheInstructionPointer() {
        hypervisor.write(CPU, VA + 0xffe, Bytes.ofInts(0x90, 0x0f, 0x05));
        assertThat(hypervisor.fetch(CPU, VA + 0xffe, 3))
                .containsExactly(new ValueRead(CPU, VA + 0xffe, Bytes.ofInts(0x90, 0x0f, 0x05)));
        assertThat(hypervisor.machine().vcpus().get(0).instructionPointer()).isZero();
        assertThat(hypervisor.execute(CPU, VA + 0xffe))
                .containsExactly(new Completed(CPU, AccessKind.EXECUTE, VA + 0xffe, 1));
        assertThat(hypervisor.machine().vcpus().get(0).instructionPointer()).isEqualTo(VA + 0xffe);
    }

    @Test
    void eventsForAVcpuTheMachineDoesNotHaveAreRefused() {
        VCpu missing = new VCpu(SHAPE.vcpuCount());
        assertThat(hypervisor.exception(missing, Hypervisor.PAGE_FAULT_VECTOR))
                .containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(hypervisor.interrupt(missing, 32)).containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(hypervisor.exception(CPU, Hypervisor.PAGE_FAULT_VECTOR)).isEmpty();
        assertThat(hypervisor.read(missing, VA, 1)).containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(hypervisor.write(missing, VA, Bytes.ofInts(1))).containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
    }

    /**
     * A service that emulates an access to a page whose nested leaf is misconfigured (a large leaf
     * with a reserved address bit set): there is no host address to carry it out at, so the access
     * fails with the violation.
     */
    @Test
    void anEmulatedAccessToAMisconfiguredPageFailsWithTheViolation() {
        MachineShape shape = MachineShape.of(1, 2048);
        Machine machine = new Machine(shape);
        Hypervisor h = new Hypervisor(machine);
        GuestOs os = new GuestOs(h, ViewId.DEFAULT, shape.pageTablePoolFirst(), shape.pageTablePoolPages());
        long cr3 = os.newAddressSpace().orElseThrow();
        machine.vcpus().get(0).setCr3(cr3);
        os.map(cr3, VA, new GuestPhysicalPage(512), PagePermissions.ALL);
        assertThat(h.mapLarge(ViewId.DEFAULT, new GuestPhysicalPage(512), NestedPageTable.LEVEL_2M))
                .isTrue();
        HostMemory memory = machine.memory();
        long table = machine.defaultView().rootFrame();
        for (int level = 4; level > 2; level--) {
            table = (memory.readLong(table << 12) & NestedPageTable.ADDRESS_MASK) >>> 12;
        }
        long slot = (table << 12) + 8;
        memory.writeLong(slot, memory.readLong(slot) | (1L << 12));
        h.addExitHandler((cpu, exit, piece) -> new ExitDecision.Emulate(List.of(), true));

        assertThat(h.write(CPU, VA, Bytes.ofInts(1)))
                .containsExactly(new NptViolation(CPU, 512L << 12, AccessKind.WRITE));
    }

    @Test
    void eachServiceIsAskedOnceAboutAViolationItDeclines() {
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(1)))
                .isTrue();
        assertThat(hypervisor.machine().defaultView().setPermissions(new GuestPhysicalPage(1), NestedPermissions.RX))
                .isTrue();
        AtomicInteger asked = new AtomicInteger();
        hypervisor.addExitHandler((cpu, exit, piece) -> {
            asked.incrementAndGet();
            return new ExitDecision.Decline();
        });
        assertThat(hypervisor.write(CPU, VA + 0x1010, Bytes.ofInts(1)))
                .containsExactly(new NptViolation(CPU, 0x1010, AccessKind.WRITE));
        assertThat(asked).hasValue(1);
    }
}
