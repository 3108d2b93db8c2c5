package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GeneralProtection;
import org.hvproof.model.common.GeneralProtectionCause;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.NptViolation;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.PageFault;
import org.hvproof.model.common.PageFaultCause;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuestPageWalkTest {
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x0000_1234_5678_9000L;
    private static final GuestPhysicalPage PAGE = new GuestPhysicalPage(42);

    private TracingSystem system;
    private VirtualCpu cpu;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(1, 1024));
        cpu = system.machine().vcpu(CPU).orElseThrow();
        system.guestOs().map(cpu.cr3(), VA, PAGE, PagePermissions.ALL);
    }

    private void clearBits(int level, long bits) {
        long at = system.guestOs().entryAddress(cpu.cr3(), VA, level).orElseThrow();
        system.guestOs().writeEntry(at, system.guestOs().readEntry(at) & ~bits);
    }

    private void setBits(int level, long bits) {
        long at = system.guestOs().entryAddress(cpu.cr3(), VA, level).orElseThrow();
        system.guestOs().writeEntry(at, system.guestOs().readEntry(at) | bits);
    }

    private List<Observation> write(long va) {
        return system.hypervisor().write(CPU, va, Bytes.ofInts(1));
    }

    @Test
    void mappedPageIsReadWritableAndExecutable() {
        assertThat(write(VA + 5)).containsExactly(new Completed(CPU, AccessKind.WRITE, VA + 5, 1));
        assertThat(system.hypervisor().read(CPU, VA + 5, 1))
                .containsExactly(new ValueRead(CPU, VA + 5, Bytes.ofInts(1)));
        assertThat(system.hypervisor().execute(CPU, VA)).containsExactly(new Completed(CPU, AccessKind.EXECUTE, VA, 1));
        assertThat(cpu.instructionPointer()).isEqualTo(VA);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void presentBitClearAtAnyLevelIsNotPresent(int level) {
        clearBits(level, GuestPageTableEntry.PRESENT);
        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(new PageFault(CPU, VA, AccessKind.READ, PageFaultCause.NOT_PRESENT));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void writeNeedsWritableAtEveryLevel(int level) {
        clearBits(level, GuestPageTableEntry.WRITABLE);
        assertThat(write(VA)).containsExactly(new PageFault(CPU, VA, AccessKind.WRITE, PageFaultCause.WRITE_PROTECT));
        assertThat(system.hypervisor().read(CPU, VA, 1)).hasOnlyElementsOfType(ValueRead.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void userAccessNeedsUserAtEveryLevelButKernelDoesNot(int level) {
        clearBits(level, GuestPageTableEntry.USER);
        assertThat(system.hypervisor().read(CPU, VA, 1)).hasOnlyElementsOfType(ValueRead.class);
        cpu.setPrivilege(Privilege.USER);
        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(new PageFault(CPU, VA, AccessKind.READ, PageFaultCause.USER_SUPERVISOR));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void noExecuteAtAnyLevelForbidsFetchOnly(int level) {
        setBits(level, GuestPageTableEntry.NO_EXECUTE);
        assertThat(system.hypervisor().execute(CPU, VA))
                .containsExactly(new PageFault(CPU, VA, AccessKind.EXECUTE, PageFaultCause.NO_EXECUTE));
        assertThat(write(VA)).hasSize(1).first().isInstanceOf(Completed.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void pageSizeBitAboveTheLeafIsReserved(int level) {
        setBits(level, GuestPageTableEntry.PAGE_SIZE);
        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(new PageFault(CPU, VA, AccessKind.READ, PageFaultCause.RESERVED_BIT));
    }

    @Test
    void kernelWriteToReadOnlyPageFaultsBecauseWriteProtectIsOn() {
        system.guestOs().map(cpu.cr3(), VA, PAGE, PagePermissions.KERNEL_CODE);
        assertThat(write(VA)).containsExactly(new PageFault(CPU, VA, AccessKind.WRITE, PageFaultCause.WRITE_PROTECT));
    }

    @Test
    void userToSupervisorIsReportedBeforeWriteProtect() {
        system.guestOs().map(cpu.cr3(), VA, PAGE, PagePermissions.KERNEL_CODE);
        cpu.setPrivilege(Privilege.USER);
        assertThat(write(VA)).containsExactly(new PageFault(CPU, VA, AccessKind.WRITE, PageFaultCause.USER_SUPERVISOR));
    }

    @Test
    void nonCanonicalAddressesGetGeneralProtection() {
        long hole = 0x0000_8000_0000_0000L;
        assertThat(write(hole)).containsExactly(new GeneralProtection(CPU, hole, GeneralProtectionCause.NON_CANONICAL));
        long lastLow = 0x0000_7FFF_FFFF_FFFCL;
        assertThat(system.hypervisor().write(CPU, lastLow, Bytes.zeros(8)))
                .containsExactly(new GeneralProtection(CPU, lastLow, GeneralProtectionCause.NON_CANONICAL));
        long top = 0xFFFF_FFFF_FFFF_FFFCL;
        assertThat(system.hypervisor().read(CPU, top, 8))
                .containsExactly(new GeneralProtection(CPU, top, GeneralProtectionCause.NON_CANONICAL));
    }

    @Test
    void upperHalfCanonicalAddressesTranslate() {
        long kernel = 0xFFFF_8000_0000_3000L;
        system.guestOs().map(cpu.cr3(), kernel, PAGE, PagePermissions.KERNEL_DATA);
        assertThat(system.hypervisor().write(CPU, kernel, Bytes.ofInts(7)))
                .containsExactly(new Completed(CPU, AccessKind.WRITE, kernel, 1));
        assertThat(system.hypervisor().read(CPU, VA, 1)).containsExactly(new ValueRead(CPU, VA, Bytes.ofInts(7)));
    }

    @Test
    void walkReadsAreGuestPhysicalAndCheckedByTheNestedTable() {
        long leafEntry = system.guestOs().entryAddress(cpu.cr3(), VA, 1).orElseThrow();
        GuestPhysicalPage leafTable = GuestPhysicalPage.containing(leafEntry);
        NestedPageTable npt = system.machine().defaultView();
        npt.setPermissions(leafTable, new NestedPermissions(false, false, true));
        assertThat(system.hypervisor().read(CPU, VA, 1))
                .containsExactly(new NptViolation(CPU, leafEntry, AccessKind.READ));
    }

    @Test
    void pageOutsideGuestRamIsAnNptViolation() {
        GuestPhysicalPage beyond = new GuestPhysicalPage(5000);
        system.guestOs().map(cpu.cr3(), VA, beyond, PagePermissions.ALL);
        assertThat(system.hypervisor().read(CPU, VA + 8, 4))
                .containsExactly(new NptViolation(CPU, beyond.base() + 8, AccessKind.READ));
    }

    @Test
    void hostileLengthsAreRefusedNotThrown() {
        assertThat(system.hypervisor().read(CPU, VA, 0))
                .containsExactly(new GeneralProtection(CPU, VA, GeneralProtectionCause.INVALID_LENGTH));
        assertThat(system.hypervisor().read(CPU, VA, Integer.MAX_VALUE))
                .containsExactly(new GeneralProtection(CPU, VA, GeneralProtectionCause.INVALID_LENGTH));
        assertThat(system.hypervisor().read(CPU, VA, -1))
                .containsExactly(new GeneralProtection(CPU, VA, GeneralProtectionCause.INVALID_LENGTH));
    }
}
