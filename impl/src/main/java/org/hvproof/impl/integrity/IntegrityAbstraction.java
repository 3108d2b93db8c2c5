package org.hvproof.impl.integrity;

import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.VcpuState;
import org.hvproof.model.integrity.View;
import org.hvproof.model.tree.AlertAction;

/**
 * The abstraction function from the machine to the model's {@link IntegrityState}, read off the
 * real structures: the driver from the service's registry; each vCPU's mode from the service and
 * its view from the vCPU's register file (the nested page table it runs on); the protections from
 * the whole protection store, counting a page only while its write bit is cleared in the leaves of
 * both views' nested page tables (a protection holds in normal and in integrity mode alike, GI-6
 * and GI-7), so a protection the hardware does not enforce in either view is no protection.
 *
 * <p>The driver's pages have no place in the model's state beyond the driver itself: whether each
 * view monitors them (code in both, data in the protected view only) the model states as behaviour
 * (what a write from each view does), and the properties judge the writes, which reach every
 * driver page from both views.
 */
final class IntegrityAbstraction {
    private IntegrityAbstraction() {}

    static IntegrityState abstractState(Machine machine, TracingService tracing, IntegrityService integrity) {
        SortedMap<Integer, VcpuState> vcpus = new TreeMap<>();
        // The service's vCPUs are the machine's first ones; a shared machine's others are not its.
        for (VirtualCpu cpu : machine.vcpus().subList(0, integrity.config().vcpuCount())) {
            int id = cpu.id().id();
            vcpus.put(id, new VcpuState(integrity.mode(id), view(cpu.view())));
        }
        SortedMap<Long, AlertAction> protections = new TreeMap<>();
        integrity.protections().snapshot().forEach((page, action) -> {
            GuestPhysicalPage p = new GuestPhysicalPage(page);
            if (tracing.isTraced(ViewId.DEFAULT, p) && tracing.isTraced(IntegrityService.INTEGRITY_VIEW, p)) {
                protections.put(page, action);
            }
        });
        return new IntegrityState(integrity.config(), integrity.driver(), vcpus, protections);
    }

    private static View view(ViewId id) {
        if (id.equals(ViewId.DEFAULT)) {
            return View.PROTECTED;
        }
        if (id.equals(IntegrityService.INTEGRITY_VIEW)) {
            return View.INTEGRITY;
        }
        throw new IllegalStateException("a vCPU runs on a view the integrity mechanism does not know: " + id);
    }
}
