package org.hvproof.impl.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.HostMemory;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.domains.DomainsState;
import org.hvproof.model.domains.Ids.Frame;
import org.hvproof.model.domains.Ids.GuestPage;
import org.junit.jupiter.api.Test;

/**
 * The system's abstraction keeps what it derived between reads (frame contents by write stamp,
 * each domain by its NPT's version): it must still see every change, including writes to host
 * memory that go around the hypervisor and the NPT's own API, and always equal a read from scratch.
 */
class DomainsAbstractionTest {
    private static final long SECRET = 0x5EC12E7L;
    private static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;

    private final DomainsSystem system = new DomainsSystem(DomainLayout.standard(), SECRET);

    private long frameOf(int domain, long page) {
        ViewId view = domain == 0 ? ViewId.DEFAULT : new ViewId("secure-" + domain);
        return system.machine()
                .view(view)
                .orElseThrow()
                .leaf(new GuestPhysicalPage(page))
                .orElseThrow()
                .hostFrame();
    }

    @Test
    void aDataWordPokedIntoHostMemoryIsSeen() {
        DomainsState before = system.abstractState();
        long frame = frameOf(1, DomainLayout.dataPage(1));
        system.machine().memory().writeLong((frame << 12) + DomainLayout.VALUE_OFFSET, 99);

        DomainsState after = system.abstractState();
        assertThat(after.frames().get(new Frame(frame)).value()).isEqualTo(99);
        assertThat(after).isNotEqualTo(before).isEqualTo(DomainsAbstraction.abstractState(system));
    }

    @Test
    void aPageTableEntryPokedIntoHostMemoryIsSeen() {
        system.abstractState();
        long table = frameOf(0, DomainLayout.tablePage(0));
        system.machine()
                .memory()
                .writeLong(
                        (table << 12) + 8L * 9,
                        GuestPageTableEntry.leaf(new GuestPhysicalPage(DomainLayout.dataPage(2)), PagePermissions.ALL));

        DomainsState after = system.abstractState();
        assertThat(after.frames().get(new Frame(table)).entries())
                .containsEntry(
                        new org.hvproof.model.domains.Ids.VirtualPage(9), new GuestPage(DomainLayout.dataPage(2)));
        assertThat(after).isEqualTo(DomainsAbstraction.abstractState(system));
    }

    @Test
    void aNestedLeafWrittenAroundTheNptApiIsSeen() {
        DomainsState before = system.abstractState();
        NestedPageTable root = system.machine().defaultView();
        HostMemory memory = system.machine().memory();
        long table = root.rootFrame();
        for (int level = 4; level > 1; level--) {
            table = (memory.readLong(table << 12) & ADDRESS_MASK) >>> 12;
        }
        long secure = frameOf(1, DomainLayout.dataPage(1));
        memory.writeLong((table << 12) + 8L * DomainLayout.LEAKED_PAGE, (secure << 12) | 7);

        DomainsState after = system.abstractState();
        assertThat(after.root().npt()).containsEntry(new GuestPage(DomainLayout.LEAKED_PAGE), new Frame(secure));
        assertThat(after).isNotEqualTo(before).isEqualTo(DomainsAbstraction.abstractState(system));
    }

    @Test
    void theRootViewSeesBytesPokedIntoARootFrame() {
        long frame = frameOf(0, 2);
        var before = system.rootView();
        system.machine().memory().writeLong((frame << 12) + 8L * 300, 0x1234);

        var after = system.rootView();
        assertThat(after.memory().get(2L).getLong(8 * 300)).isEqualTo(Long.reverseBytes(0x1234L));
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void theKeptAbstractionEqualsAFreshOneAfterEveryRandomActionAndPoke() {
        Random random = new Random(7);
        HostMemory memory = system.machine().memory();
        int changes = 0;
        DomainsState last = system.abstractState();
        for (int i = 0; i < 3000; i++) {
            int v = random.nextInt(2);
            int d = random.nextInt(3);
            long page = DomainLayout.regionFirst(d) + random.nextInt(DomainLayout.PAGES_PER_REGION);
            switch (random.nextInt(9)) {
                case 0 ->
                    system.apply(new DomainsSystemAction.Transfer(v, DomainLayout.gateAddress(1 + random.nextInt(2))));
                case 1 -> system.apply(new DomainsSystemAction.ExitGate(v));
                case 2 -> system.apply(new DomainsSystemAction.Read(v, random.nextInt(4)));
                case 3 ->
                    system.apply(new DomainsSystemAction.Write(
                            v, random.nextInt(4), Map.of(random.nextInt(4), page, 511, DomainLayout.regionFirst(d))));
                case 4 -> system.apply(new DomainsSystemAction.SetRegister(v, random.nextLong()));
                case 5 -> system.apply(new DomainsSystemAction.Event(v, random.nextInt(256), random.nextBoolean()));
                case 6 -> memory.writeLong((frameOf(d, page) << 12) + DomainLayout.VALUE_OFFSET, random.nextLong());
                case 7 ->
                    memory.writeLong(
                            (frameOf(d, page) << 12) + 8L * random.nextInt(4),
                            random.nextBoolean()
                                    ? 0
                                    : GuestPageTableEntry.leaf(
                                            new GuestPhysicalPage(random.nextInt(48)), PagePermissions.ALL));
                default ->
                    system.machine()
                            .defaultView()
                            .map(
                                    new GuestPhysicalPage(4 + random.nextInt(1 << 20)),
                                    frameOf(d, page),
                                    NestedPermissions.RWX);
            }
            DomainsState now = system.abstractState();
            assertThat(now).as("after change %d", i).isEqualTo(DomainsAbstraction.abstractState(system));
            if (!now.equals(last)) {
                changes++;
            }
            last = now;
        }
        assertThat(changes).as("the abstract state moved often").isGreaterThan(1000);
    }

    /**
     * Large guest leaves: root pages 1, 2 and 3 become the window's PML4, PDPT and PD, and a
     * page-size bit is poked into page 3's window entry (a 2 MiB leaf) or page 1's (reserved at
     * level 4); the abstraction reads the bit, and the model's walk gives what the machine's does
     * for reads of window pages inside and outside what the leaf maps.
     */
    @Test
    void theModelWalksLargeGuestLeavesAsTheMachineDoes() {
        for (long pd511 : new long[] {0, 1, 2}) {
            for (boolean psInPml4 : new boolean[] {false, true}) {
                DomainsSystem sys = new DomainsSystem(DomainLayout.standard(), SECRET);
                sys.apply(new DomainsSystemAction.Write(0, 1, Map.of(DomainLayout.SELF_SLOT, 2L)));
                sys.apply(new DomainsSystemAction.Write(0, 2, Map.of(DomainLayout.SELF_SLOT, 3L)));
                sys.apply(new DomainsSystemAction.LoadCr3(0, 1));
                HostMemory memory = sys.machine().memory();
                long pd = sys.machine()
                        .defaultView()
                        .leaf(new GuestPhysicalPage(3))
                        .orElseThrow()
                        .hostFrame();
                memory.writeLong(
                        (pd << 12) + 8L * DomainLayout.SELF_SLOT,
                        GuestPageTableEntry.table(new GuestPhysicalPage(pd511)) | GuestPageTableEntry.PAGE_SIZE);
                if (psInPml4) {
                    long pml4 = sys.machine()
                            .defaultView()
                            .leaf(new GuestPhysicalPage(1))
                            .orElseThrow()
                            .hostFrame();
                    memory.writeLong(
                            (pml4 << 12) + 8L * DomainLayout.SELF_SLOT,
                            GuestPageTableEntry.table(new GuestPhysicalPage(2)) | GuestPageTableEntry.PAGE_SIZE);
                }
                DomainsState before = sys.abstractState();
                assertThat(before.frames().get(new Frame(pd)).large())
                        .containsExactly(new org.hvproof.model.domains.Ids.VirtualPage(DomainLayout.SELF_SLOT));
                for (int v : new int[] {0, 2, 3, 5}) {
                    DomainsSystemAction read = new DomainsSystemAction.Read(0, v);
                    DomainsState s = sys.abstractState();
                    var expected = org.hvproof.model.domains.DomainsModel.step(
                            s, DomainsAbstraction.modelAction(read, DomainLayout.standard()));
                    assertThat(sys.apply(read))
                            .as("read of window page %d, PD entry page %d, PS in PML4 %s", v, pd511, psInPml4)
                            .isEqualTo(expected.observations());
                    assertThat(sys.abstractState()).isEqualTo(expected.next());
                    boolean throughTheLeaf = pd511 != 2 && !psInPml4 && v < DomainLayout.PAGES_PER_REGION;
                    assertThat(expected.observations().get(0))
                            .as("window page %d is read through the 2 MiB leaf", v)
                            .matches(o -> (o instanceof org.hvproof.model.domains.DomainsObservation.ReadValue)
                                    == throughTheLeaf);
                }
            }
        }
    }
}
