package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.tracing.TracingSystem;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.Completed;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.common.ValueRead;
import org.junit.jupiter.api.Test;

class HostMemoryTest {
    @Test
    void unwrittenFramesReadAsZeroAndCostNothing() {
        HostMemory memory = new HostMemory(1L << 40);
        long frame = memory.allocateFrame().orElseThrow();
        assertThat(memory.readLong(frame << 12)).isZero();
        assertThat(memory.materialisedFrames()).isZero();
        memory.writeLong((frame << 12) + 8, 0x1122334455667788L);
        assertThat(memory.readLong((frame << 12) + 8)).isEqualTo(0x1122334455667788L);
        assertThat(memory.materialisedFrames()).isEqualTo(1);
    }

    @Test
    void mappingAPageAtTwoToTheFortyIsCheap() {
        VCpu cpu = new VCpu(0);
        long pages = MachineShape.MAX_GUEST_PHYSICAL_PAGES;
        TracingSystem system = new TracingSystem(new MachineShape(1, pages, 0, 64));
        long cr3 = system.machine().vcpu(cpu).orElseThrow().cr3();
        GuestPhysicalPage high = GuestPhysicalPage.containing(1L << 40);
        long va = 0x7000_0000_0000L;
        system.guestOs().map(cr3, va, high, PagePermissions.KERNEL_DATA);
        assertThat(system.hypervisor().write(cpu, va + 3, Bytes.ofInts(9)))
                .containsExactly(new Completed(cpu, AccessKind.WRITE, va + 3, 1));
        assertThat(system.hypervisor().read(cpu, va + 3, 1))
                .containsExactly(new ValueRead(cpu, va + 3, Bytes.ofInts(9)));
        // Root + 3 guest tables + 4 nested levels for the tables + 3 nested levels and one frame for the page.
        assertThat(system.machine().memory().materialisedFrames()).isLessThan(20);
        assertThat(system.machine().memory().allocatedFrames()).isLessThan(20);
    }

    @Test
    void aWholeFrameReadAsLongsIsEveryLongReadOneByOne() {
        HostMemory memory = new HostMemory(1L << 40);
        long frame = memory.allocateFrame().orElseThrow();
        long[] longs = new long[HostMemory.FRAME_SIZE / 8];
        java.util.Arrays.fill(longs, 7);
        memory.readLongs(frame, longs);
        assertThat(longs).containsOnly(0L);
        memory.writeLong((frame << 12) + 8, 0x0102_0304_0506_0708L);
        memory.writeLong((frame << 12) + HostMemory.FRAME_SIZE - 8, -1L);
        memory.write((frame << 12) + 100, new byte[] {1, 2, 3}, 0, 3);
        memory.readLongs(frame, longs);
        for (int i = 0; i < longs.length; i++) {
            assertThat(longs[i]).as("long %d", i).isEqualTo(memory.readLong((frame << 12) + 8L * i));
        }
        assertThat(longs[1]).isEqualTo(0x0102_0304_0506_0708L);
    }
}
