package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.TracingState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The abstraction keeps what it derived from host frames between calls; these tests change the
 * frames behind every API (straight into host memory, or by moving a nested leaf to another
 * frame) and check that the next abstraction sees the change and equals a fresh, cache-less one.
 * A cache keyed on anything but the frames and their write stamps would fail them.
 */
class TracingAbstractionTest {
    private static final VCpu CPU = new VCpu(0);
    private static final long VA = 0x4000_0000L;
    private static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    private static final GuestPhysicalPage Q = new GuestPhysicalPage(11);

    private TracingSystem system;
    private Machine machine;
    private HostMemory memory;

    @BeforeEach
    void boot() {
        system = new TracingSystem(MachineShape.of(2, 1024));
        machine = system.machine();
        memory = machine.memory();
        system.apply(new MapPage(CPU, VA, P, PagePermissions.USER_DATA));
        system.apply(new MapPage(new VCpu(1), VA, Q, PagePermissions.USER_DATA));
        system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(1, 2, 3)));
        system.abstractState();
    }

    @Test
    void aPageTableEntryWrittenStraightIntoHostMemoryIsSeen() {
        long leafGpa = system.guestOs().entryAddress(cpu().cr3(), VA, 1).orElseThrow();
        long host = hostAddress(leafGpa);
        long entry = memory.readLong(host);
        memory.writeLong(host, (entry & ~GuestPageTableEntry.ADDRESS_MASK) | Q.base());

        TracingState after = system.abstractState();
        assertThat(after.mappingOf(CPU, VA).orElseThrow().page()).isEqualTo(Q);
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void aTablePageMovedToAnotherFrameIsReadThere() {
        long leafGpa = system.guestOs().entryAddress(cpu().cr3(), VA, 1).orElseThrow();
        GuestPhysicalPage table = GuestPhysicalPage.containing(leafGpa);
        long moved = memory.allocateFrame().orElseThrow();
        // The new frame holds the same table with the mapping's write right taken away.
        for (int i = 0; i < 512; i++) {
            memory.writeLong((moved << 12) + 8L * i, memory.readLong(hostAddress(table.base() + 8L * i)));
        }
        long at = (moved << 12) + (leafGpa & 0xfff);
        memory.writeLong(at, memory.readLong(at) & ~GuestPageTableEntry.WRITABLE);
        machine.defaultView().map(table, moved, NestedPermissions.RWX);

        TracingState after = system.abstractState();
        assertThat(after.mappingOf(CPU, VA).orElseThrow().permissions().writable())
                .isFalse();
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void guestMemoryWrittenStraightIntoHostMemoryIsSeen() {
        memory.write(hostAddress(P.base() + 100), new byte[] {9, 9}, 0, 2);

        TracingState after = system.abstractState();
        assertThat(after.contentsOf(P).get(100)).isEqualTo((byte) 9);
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void aClearedFrameLeavesMemory() {
        memory.clearFrame(machine.defaultView().leaf(P).orElseThrow().hostFrame());

        TracingState after = system.abstractState();
        assertThat(after.memory()).doesNotContainKey(P);
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void aDataPageMovedToAnotherFrameIsReadThere() {
        long moved = memory.allocateFrame().orElseThrow();
        memory.write(moved << 12, new byte[] {7}, 0, 1);
        machine.defaultView().map(P, moved, NestedPermissions.RWX);

        TracingState after = system.abstractState();
        assertThat(after.contentsOf(P).get(0)).isEqualTo((byte) 7);
        assertThat(after.contentsOf(P).get(1)).isEqualTo((byte) 0);
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void aNewCr3IsWalkedAfresh() {
        VirtualCpu other = machine.vcpu(new VCpu(1)).orElseThrow();
        cpu().setCr3(other.cr3());

        TracingState after = system.abstractState();
        assertThat(after.mappings().get(CPU)).containsOnlyKeys(GuestVirtualPage.containing(VA));
        assertThat(after.mappingOf(CPU, VA).orElseThrow().page()).isEqualTo(Q);
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void aWriteBitClearedStraightInTheNestedTableIsAStaleTrace() {
        long at = nestedLeafAddress(P);
        memory.writeLong(at, memory.readLong(at) & ~2L);

        TracingState after = system.abstractState();
        assertThat(after.traces()).containsKey(P);
        assertThat(after.ownersOf(P)).isEmpty();
        assertThat(after).isEqualTo(fresh());

        memory.writeLong(at, memory.readLong(at) | 2L);
        assertThat(system.abstractState().traces()).isEmpty();
        assertThat(system.abstractState()).isEqualTo(fresh());
    }

    /** Removing one of two owners writes no nested entry: only the service's registry moves. */
    @Test
    void anOwnerRemovedWhileAnotherStaysIsSeenThoughNoTableMoved() {
        Owner a = new Owner("a");
        Owner b = new Owner("b");
        system.apply(new AddTrace(a, P));
        system.apply(new AddTrace(b, P));
        assertThat(system.abstractState().ownersOf(P)).containsExactlyInAnyOrder(a, b);
        long nestedVersion = machine.defaultView().version();

        system.apply(new RemoveTrace(a, P));
        assertThat(machine.defaultView().version()).isEqualTo(nestedVersion);
        TracingState after = system.abstractState();
        assertThat(after.ownersOf(P)).containsExactly(b);
        assertThat(after).isEqualTo(fresh());
    }

    @Test
    void aPrivilegeSetStraightOnTheVcpuIsSeen() {
        TracingState before = system.abstractState();
        assertThat(system.abstractState()).isSameAs(before);
        cpu().setPrivilege(Privilege.USER);

        TracingState after = system.abstractState();
        assertThat(after.privileges().get(CPU)).isEqualTo(Privilege.USER);
        assertThat(after).isEqualTo(fresh());
    }

    /**
     * Under 2 MiB nested leaves the leaf pass is skipped while the nested table's version stands
     * still: a data frame written straight into host memory, then the large leaf's write bit
     * cleared straight in its table, must each be seen, step after step.
     */
    @Test
    void underALargeLeafFramesAndTheLeafWrittenStraightAreSeen() {
        system = new TracingSystem(MachineShape.of(2, 1024), TracingImplFlaw.NONE, true);
        machine = system.machine();
        memory = machine.memory();
        system.apply(new MapPage(CPU, VA, P, PagePermissions.USER_DATA));
        system.apply(new GuestWrite(CPU, VA, Bytes.ofInts(1, 2, 3)));
        TracingState before = system.abstractState();
        assertThat(machine.defaultView().leafSize(P)).isEqualTo(1L << 21);
        assertThat(system.abstractState()).isSameAs(before);

        memory.write(hostAddress(Q.base() + 5), new byte[] {4}, 0, 1);
        TracingState written = system.abstractState();
        assertThat(written.contentsOf(Q).get(5)).isEqualTo((byte) 4);
        assertThat(written).isEqualTo(fresh());

        memory.write(hostAddress(P.base() + 1), new byte[] {0}, 0, 1);
        assertThat(system.abstractState().contentsOf(P).get(1)).isEqualTo((byte) 0);
        assertThat(system.abstractState()).isEqualTo(fresh());

        long large = largeLeafAddress(P);
        memory.writeLong(large, memory.readLong(large) & ~2L);
        TracingState traced = system.abstractState();
        assertThat(traced.traces()).containsKey(P).containsKey(Q);
        assertThat(traced).isEqualTo(fresh());
    }

    /** The host address of the 2 MiB leaf entry mapping {@code page} in the default view, walked by hand. */
    private long largeLeafAddress(GuestPhysicalPage page) {
        long table = machine.defaultView().rootFrame();
        for (int level = 4; level > 2; level--) {
            long index = (page.base() >>> (12 + 9 * (level - 1))) & 511;
            table = (memory.readLong((table << 12) + 8 * index) & 0x000F_FFFF_FFFF_F000L) >>> 12;
        }
        return (table << 12) + 8 * ((page.base() >>> 21) & 511);
    }

    private VirtualCpu cpu() {
        return machine.vcpu(CPU).orElseThrow();
    }

    /** The host address the default view maps guest-physical {@code gpa} to. */
    private long hostAddress(long gpa) {
        long frame = machine.defaultView()
                .leaf(GuestPhysicalPage.containing(gpa))
                .orElseThrow()
                .hostFrame();
        return (frame << 12) | (gpa & 0xfff);
    }

    /** The host address of {@code page}'s leaf entry in the default view's nested table, walked by hand. */
    private long nestedLeafAddress(GuestPhysicalPage page) {
        long table = machine.defaultView().rootFrame();
        for (int level = 4; level > 1; level--) {
            long index = (page.base() >>> (12 + 9 * (level - 1))) & 511;
            table = (memory.readLong((table << 12) + 8 * index) & 0x000F_FFFF_FFFF_F000L) >>> 12;
        }
        return (table << 12) + 8 * ((page.base() >>> 12) & 511);
    }

    /** The abstraction of the machine as it is now, by an abstraction that has kept nothing. */
    private TracingState fresh() {
        return new TracingAbstraction(
                        machine, system.guestOs(), system.tracing(), ViewId.DEFAULT, machine.vcpus(), machine.shape())
                .abstractState();
    }
}
