package org.hvproof.impl.tracing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.hvproof.impl.machine.GuestOs;
import org.hvproof.impl.machine.GuestPageTableEntry;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.GuestVirtualPage;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.Mapping;
import org.hvproof.model.tracing.TracingState;

/**
 * The abstraction function from the machine to the model's {@link TracingState}, computed from
 * the real structures rather than from any bookkeeping kept for the purpose: mappings by walking
 * each vCPU's guest page tables, traced pages by the default view's cleared write bits (with
 * owners from the service's registry), memory from host frames, privileges from the vCPUs.
 *
 * <p>It reads the whole state the TRACE claims speak of, not a window: every present entry of
 * every level of every vCPU's guest page tables (an entry with the large-page bit maps nothing,
 * since the machine's walker faults on it), every present leaf of the default view's nested page
 * table, so every guest-physical page the guest has touched, and every vCPU. The page-table
 * pool's contents are read as the mappings they encode; the model keeps no bytes for them.
 */
final class TracingAbstraction {
    private TracingAbstraction() {}

    static TracingState abstractState(Machine machine, GuestOs guestOs, TracingService tracing) {
        Map<VCpu, Map<GuestVirtualPage, Mapping>> mappings = new HashMap<>();
        Map<VCpu, Privilege> privileges = new HashMap<>();
        for (VirtualCpu cpu : machine.vcpus()) {
            Map<GuestVirtualPage, Mapping> space = new HashMap<>();
            collect(machine, GuestPageTableEntry.address(cpu.cr3()), 4, 0L, true, true, false, space);
            mappings.put(cpu.id(), space);
            privileges.put(cpu.id(), cpu.privilege());
        }
        Map<GuestPhysicalPage, Set<Owner>> traces = new HashMap<>();
        Map<GuestPhysicalPage, Bytes> memory = new HashMap<>();
        machine.defaultView().forEachLeaf((page, entry) -> {
            if (!entry.permissions().write()) {
                // A cleared write bit is a trace; a stale one shows up with no owners.
                traces.put(page, tracing.owners(page));
            }
            if (!guestOs.isPool(page)) {
                Bytes contents = Bytes.of(machine.memory().frameContents(entry.hostFrame()));
                if (!contents.isAllZero()) {
                    memory.put(page, contents);
                }
            }
        });
        return new TracingState(machine.shape(), mappings, traces, memory, privileges);
    }

    /** Visits the present entries of one table, accumulating rights, down to the leaves. */
    private static void collect(
            Machine machine,
            long table,
            int level,
            long prefix,
            boolean writable,
            boolean user,
            boolean noExecute,
            Map<GuestVirtualPage, Mapping> out) {
        LongBuffer entries = ByteBuffer.wrap(machine.peekGuestPage(ViewId.DEFAULT, GuestPhysicalPage.containing(table)))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asLongBuffer();
        for (int i = 0; i < 512; i++) {
            long entry = entries.get(i);
            if (!GuestPageTableEntry.isPresent(entry) || (level > 1 && (entry & GuestPageTableEntry.PAGE_SIZE) != 0)) {
                continue;
            }
            long va = prefix | ((long) i << (12 + 9 * (level - 1)));
            boolean w = writable && (entry & GuestPageTableEntry.WRITABLE) != 0;
            boolean u = user && (entry & GuestPageTableEntry.USER) != 0;
            boolean nx = noExecute || (entry & GuestPageTableEntry.NO_EXECUTE) != 0;
            if (level == 1) {
                long canonical = (va << 16) >> 16;
                out.put(
                        new GuestVirtualPage(canonical),
                        new Mapping(
                                GuestPhysicalPage.containing(GuestPageTableEntry.address(entry)),
                                new PagePermissions(w, u, !nx)));
            } else {
                collect(machine, GuestPageTableEntry.address(entry), level - 1, va, w, u, nx, out);
            }
        }
    }
}
