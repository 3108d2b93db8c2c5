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
 * the protection store, counting a page only while its write bit is cleared in the protected
 * view's nested page table, so a protection the hardware does not enforce is no protection.
 *
 * <p>Whether the integrity view monitors the right pages is not read here: the model states it
 * as behaviour (what a write from each view does), and the properties judge the writes.
 */
final class IntegrityAbstraction {
    private IntegrityAbstraction() {}

    static IntegrityState abstractState(Machine machine, TracingService tracing, IntegrityService integrity) {
        SortedMap<Integer, VcpuState> vcpus = new TreeMap<>();
        for (VirtualCpu cpu : machine.vcpus()) {
            int id = cpu.id().id();
            vcpus.put(id, new VcpuState(integrity.mode(id), view(cpu.view())));
        }
        SortedMap<Long, AlertAction> protections = new TreeMap<>();
        integrity.protections().snapshot().forEach((page, action) -> {
            if (tracing.isTraced(ViewId.DEFAULT, new GuestPhysicalPage(page))) {
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
