package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Transition;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.ContinueTrace;
import org.hvproof.model.tracing.DeviceWrite;
import org.hvproof.model.tracing.GuestExecute;
import org.hvproof.model.tracing.GuestRead;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.SetPrivilege;
import org.hvproof.model.tracing.StartRemoveTrace;
import org.hvproof.model.tracing.StartTrace;
import org.hvproof.model.tracing.Stutter;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingInvariants;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.model.tracing.TracingState;
import org.hvproof.model.tracing.TracingStep;
import org.hvproof.model.tracing.UnmapPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A fixed trace run on machine and model: equal observations and abstraction(machine) == model after every step. */
class RefinementTest {
    static final MachineShape SHAPE = MachineShape.of(2, 1024);
    static final VCpu A = new VCpu(0);
    static final VCpu B = new VCpu(1);
    static final Owner ALICE = new Owner("alice");
    static final Owner BOB = new Owner("bob");
    static final GuestPhysicalPage P = new GuestPhysicalPage(10);
    static final GuestPhysicalPage Q = new GuestPhysicalPage(11);
    static final long VA = 0x7fff_0000_0000L;
    static final long KVA = 0xffff_8000_0000_0000L;

    /** A trace touching every action, traced and untraced pages, crossing writes, faults and hostile inputs. */
    static List<TracingAction> scenario() {
        return List.of(
                new MapPage(A, VA, P, PagePermissions.USER_DATA),
                new MapPage(A, VA + 4096, Q, PagePermissions.USER_DATA),
                new MapPage(B, KVA, Q, PagePermissions.KERNEL_DATA),
                new MapPage(B, KVA + 4096, new GuestPhysicalPage(900), PagePermissions.ALL),
                new MapPage(B, KVA + 4096, new GuestPhysicalPage(300), PagePermissions.KERNEL_CODE),
                new MapPage(A, 0x0000_8000_0000_0000L, P, PagePermissions.ALL),
                new MapPage(new VCpu(7), VA, P, PagePermissions.ALL),
                new MapPage(A, VA + 8192, new GuestPhysicalPage(5000), PagePermissions.ALL),
                new GuestWrite(A, VA + 10, Bytes.ofInts(1, 2, 3)),
                new AddTrace(ALICE, P),
                new GuestWrite(A, VA + 10, Bytes.ofInts(4, 5)),
                new AddTrace(BOB, P),
                new AddTrace(BOB, Q),
                new GuestWrite(A, VA + 4090, Bytes.ofInts(9, 9, 9, 9, 9, 9, 9, 9, 9, 9)),
                new GuestWrite(B, KVA + 4095, Bytes.ofInts(7, 7)),
                // A long write to a traced page: its notification's length needs more than one byte.
                new GuestWrite(A, VA + 16, Bytes.zeros(300)),
                new GuestRead(B, KVA, 16),
                new RemoveTrace(ALICE, P),
                new GuestWrite(A, VA, Bytes.ofInts(0xff)),
                new RemoveTrace(ALICE, P),
                new RemoveTrace(BOB, P),
                new GuestWrite(A, VA, Bytes.ofInts(0xfe)),
                new GuestExecute(A, VA),
                new GuestExecute(B, KVA + 4096),
                new SetPrivilege(B, Privilege.USER),
                new GuestWrite(B, KVA, Bytes.ofInts(1)),
                new GuestRead(A, VA + 8192, 4),
                new GuestWrite(A, VA + 4095, Bytes.ofInts(1, 2)),
                new UnmapPage(A, VA + 4096),
                new GuestWrite(A, VA + 4095, Bytes.ofInts(3, 4)),
                new GuestRead(A, VA, 0),
                new GuestRead(A, VA, 5000),
                new GuestWrite(A, 0x0000_7fff_ffff_fffeL, Bytes.zeros(4)),
                new AddTrace(ALICE, new GuestPhysicalPage(4096)),
                new GuestWrite(A, VA + 1, Bytes.zeros(1)),
                new MapPage(B, KVA + 8192, new GuestPhysicalPage(12), PagePermissions.KERNEL_DATA),
                new SetPrivilege(B, Privilege.KERNEL),
                new GuestWrite(B, KVA + 8200, Bytes.ofInts(0x55)),
                new GuestWrite(B, KVA + 8200, Bytes.zeros(1)),
                new RemoveTrace(BOB, Q),
                // B still caches its writable translation of page 12 when the trace is added on
                // vCPU 0: only a shootdown on every vCPU makes B's next write notify.
                new AddTrace(ALICE, new GuestPhysicalPage(12)),
                new GuestWrite(B, KVA + 8200, Bytes.ofInts(0x66)),
                // The device writes page 13 (its I/O page table and IOTLB now map it writable),
                // then the page is traced: the device's next write must be refused.
                new DeviceWrite(TracingModel.DEVICE, 13L * 4096 + 8, Bytes.ofInts(1, 2)),
                new AddTrace(BOB, new GuestPhysicalPage(13)),
                new DeviceWrite(TracingModel.DEVICE, 13L * 4096 + 8, Bytes.ofInts(3, 4)),
                // A trace request in micro-steps while both vCPUs write the page: B through the
                // writable translation it caches, A (which never cached it) through an exit, in the
                // window between the third micro-step (the clear) and the last (the shoot-down and
                // the publication); then both again once the trace counts.
                new MapPage(B, KVA + 12288, new GuestPhysicalPage(14), PagePermissions.KERNEL_DATA),
                new MapPage(A, VA + 12288, new GuestPhysicalPage(14), PagePermissions.USER_DATA),
                new GuestWrite(B, KVA + 12288, Bytes.ofInts(1)),
                new StartTrace(ALICE, new GuestPhysicalPage(14)),
                new AddTrace(BOB, new GuestPhysicalPage(14)),
                new ContinueTrace(),
                new ContinueTrace(),
                new ContinueTrace(),
                new GuestWrite(B, KVA + 12288, Bytes.ofInts(2)),
                new GuestWrite(A, VA + 12288, Bytes.ofInts(3)),
                new ContinueTrace(),
                new GuestWrite(B, KVA + 12288, Bytes.ofInts(4)),
                new GuestWrite(A, VA + 12289, Bytes.ofInts(5)),
                new ContinueTrace(),
                // A page under the 2 MiB nested leaf that also maps the guest's page tables: the
                // request splits it in two micro-steps, table first, then the pointer.
                new StartTrace(BOB, new GuestPhysicalPage(600)),
                new ContinueTrace(),
                new ContinueTrace(),
                new GuestRead(A, VA + 10, 2),
                new ContinueTrace(),
                new ContinueTrace(),
                // Removals in micro-steps: BOB's leaves ALICE's trace of page 14 (nothing to
                // restore, writes still notified); ALICE's is the last, and between its start and
                // the restore of the write bit both vCPUs' writes exit on the cleared bit and land
                // unnotified, the device's is refused until it gets the right back, then lands.
                new StartRemoveTrace(BOB, new GuestPhysicalPage(14)),
                new GuestWrite(A, VA + 12290, Bytes.ofInts(6)),
                new ContinueTrace(),
                new ContinueTrace(),
                new StartRemoveTrace(ALICE, new GuestPhysicalPage(14)),
                new RemoveTrace(ALICE, new GuestPhysicalPage(12)),
                new GuestWrite(B, KVA + 12288, Bytes.ofInts(7)),
                new DeviceWrite(TracingModel.DEVICE, 14L * 4096 + 8, Bytes.ofInts(1)),
                new ContinueTrace(),
                new DeviceWrite(TracingModel.DEVICE, 14L * 4096 + 8, Bytes.ofInts(2)),
                new GuestWrite(A, VA + 12291, Bytes.ofInts(8)),
                new ContinueTrace(),
                new GuestWrite(B, KVA + 12288, Bytes.ofInts(9)),
                new ContinueTrace(),
                new Stutter());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void machineRefinesModelStepByStep(boolean largePages) {
        TracingSystem machine = new TracingSystem(SHAPE, TracingImplFlaw.NONE, largePages);
        TracingState model = TracingState.initial(SHAPE);
        assertThat(machine.abstractState()).isEqualTo(model);
        int step = 0;
        for (TracingAction action : scenario()) {
            TracingStep expected = TracingModel.step(model, action);
            TracingState before = machine.abstractState();
            List<Observation> seen = machine.apply(action);
            assertThat(seen).as("observations of step %d: %s", step, action).isEqualTo(expected.observations());
            assertThat(machine.abstractState())
                    .as("state after step %d: %s", step, action)
                    .isEqualTo(expected.next());
            TracingInvariants.check(new Transition<>(before, action, machine.abstractState(), seen));
            model = expected.next();
            step++;
        }
    }

    @Test
    void sameActionsGiveSameObservations() {
        assertThat(run(TracingImplFlaw.NONE)).isEqualTo(run(TracingImplFlaw.NONE));
    }

    @ParameterizedTest
    @EnumSource(value = TracingImplFlaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyFlawIsCaughtByRefinementAndByAnInvariant(TracingImplFlaw flaw) {
        // Guest RAM mapped by large nested leaves, as the generated traces boot it, so that the
        // scenario's first trace splits one.
        TracingSystem machine = new TracingSystem(SHAPE, flaw, true);
        TracingState model = TracingState.initial(SHAPE);
        boolean refinementBroke = false;
        boolean invariantBroke = false;
        for (TracingAction action : scenario()) {
            TracingStep expected = TracingModel.step(model, action);
            TracingState before = machine.abstractState();
            List<Observation> seen = machine.apply(action);
            TracingState after = machine.abstractState();
            refinementBroke |= !seen.equals(expected.observations()) || !after.equals(expected.next());
            invariantBroke |= TracingInvariants.checkAll(new Transition<>(before, action, after, seen)).stream()
                    .anyMatch(r -> !r.holds());
            model = expected.next();
        }
        assertThat(refinementBroke).as("refinement catches " + flaw).isTrue();
        // A flaw that declares refinement its catch (the machine stops representing any model
        // state, as when guest memory vanishes) need not break a claim's invariant on the way.
        boolean refinementOnly =
                flaw.caughtBy().stream().allMatch(c -> c.check().equals("refinement"));
        assertThat(invariantBroke || refinementOnly)
                .as("an invariant catches " + flaw)
                .isTrue();
    }

    private static List<List<Observation>> run(TracingImplFlaw flaw) {
        TracingSystem machine = new TracingSystem(SHAPE, flaw);
        List<List<Observation>> all = new ArrayList<>();
        scenario().forEach(a -> all.add(machine.apply(a)));
        return all;
    }
}
