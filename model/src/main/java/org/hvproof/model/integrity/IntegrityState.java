package org.hvproof.model.integrity;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.model.tree.AlertAction;

/**
 * The hypervisor's integrity state: the registered driver (if any), each vCPU's mode and view,
 * and the protections requested (page to action; driver pages are not in it, registration
 * protects them). Immutable.
 */
public record IntegrityState(
        IntegrityConfig config,
        Optional<Driver> driver,
        SortedMap<Integer, VcpuState> vcpus,
        SortedMap<Long, AlertAction> protections) {

    public IntegrityState {
        vcpus = Collections.unmodifiableSortedMap(new TreeMap<>(vcpus));
        protections = Collections.unmodifiableSortedMap(new TreeMap<>(protections));
    }

    /** Nothing registered, every vCPU in normal mode on the protected view, nothing protected. */
    public static IntegrityState initial(IntegrityConfig config) {
        SortedMap<Integer, VcpuState> v = new TreeMap<>();
        for (int i = 0; i < config.vcpuCount(); i++) {
            v.put(i, VcpuState.NORMAL);
        }
        return new IntegrityState(config, Optional.empty(), v, new TreeMap<>());
    }

    /** What a write to {@code page} from a vCPU on {@code view} triggers, if anything. */
    public Optional<Monitor> monitor(View view, long page) {
        if (driver.isPresent()) {
            Driver d = driver.get();
            if (d.code().contains(page)) {
                return Optional.of(new Monitor(IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK));
            }
            if (d.data().contains(page)) {
                return view == View.PROTECTED
                        ? Optional.of(new Monitor(IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK))
                        : Optional.empty();
            }
        }
        return Optional.ofNullable(protections.get(page)).map(a -> new Monitor(IntegrityAlertCause.PROTECTED_PAGE, a));
    }

    /** A monitored page's cause and action. */
    public record Monitor(IntegrityAlertCause cause, AlertAction action) {}

    IntegrityState withVcpu(int id, VcpuState s) {
        SortedMap<Integer, VcpuState> v = new TreeMap<>(vcpus);
        v.put(id, s);
        return new IntegrityState(config, driver, v, protections);
    }
}
