package org.hvproof.properties.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.tracing.AddTrace;
import org.hvproof.model.tracing.GuestWrite;
import org.hvproof.model.tracing.MapPage;
import org.hvproof.model.tracing.RemoveTrace;
import org.hvproof.model.tracing.TracingAction;
import org.hvproof.model.tracing.TracingModel;
import org.hvproof.specs.TraceValidator;
import org.junit.jupiter.api.Test;

/** What the abstraction from model runs to tracing.als formulas writes, without a solver. */
class TracingSpecAbstractionTest {

    private static final VCpu V0 = new VCpu(0);
    private static final Owner INTEGRITY = new Owner("integrity");
    private static final Owner MIGRATION = new Owner("migration");
    private static final GuestPhysicalPage P0 = TracingSpecConformance.PAGES.get(0);
    private static final GuestPhysicalPage P1 = TracingSpecConformance.PAGES.get(1);
    private static final long VA = TracingSpecConformance.VIRTUAL_BASE;

    private static TracingModelRun run(TracingAction... actions) {
        return TracingModelRun.of(
                TracingSpecConformance.setUp(TracingModel::step), List.of(actions), TracingModel::step);
    }

    @Test
    void offsetsMapToFirstLastOrTheOneInsideAtom() {
        assertThat(TracingSpecAbstraction.offset(0, 4096)).isEqualTo("FirstOffset");
        assertThat(TracingSpecAbstraction.offset(0, 1)).isEqualTo("FirstOffset");
        assertThat(TracingSpecAbstraction.offset(4095, 1)).isEqualTo("LastOffset");
        assertThat(TracingSpecAbstraction.offset(4000, 96)).isEqualTo("LastOffset");
        assertThat(TracingSpecAbstraction.offset(1, 4094)).isEqualTo(TracingSpecAbstraction.MID_OFFSET);
    }

    @Test
    void statesPinTracesDerivedWriteBitsAndEveryNotification() {
        TraceValidator.Trace t = TracingSpecAbstraction.of(run(
                new AddTrace(INTEGRITY, P0),
                new AddTrace(MIGRATION, P0),
                new GuestWrite(V0, VA + 4094, Bytes.ofInts(1, 2, 3, 4)),
                new RemoveTrace(INTEGRITY, P0)));

        assertThat(t.atoms()).isEqualTo("disj gpp16, gpp17: Page, disj o_integrity, o_migration: Owner, vcpu0: VCpu");
        assertThat(t.states().get(0))
                .isEqualTo("no Hypervisor.flaw and no traces and NestedPageTable.writable = Page"
                        + " and no Hypervisor.notified");
        assertThat(t.states().get(2))
                .isEqualTo("traces = gpp16 -> o_integrity + gpp16 -> o_migration"
                        + " and NestedPageTable.writable = Page - (gpp16) and no Hypervisor.notified");
        assertThat(t.states().get(3))
                .endsWith("(some n0: Notification | Hypervisor.notified = n0"
                        + " and n0.vcpu = vcpu0 and n0.page = gpp16 and n0.offset = LastOffset)");
        assertThat(t.steps())
                .containsExactly(
                        "addTrace[o_integrity, gpp16]",
                        "addTrace[o_migration, gpp16]",
                        "guestWriteCrossing[vcpu0, gpp16, gpp17]",
                        "removeTrace[o_integrity, gpp16]");
        assertThat(t.scopes()).isEmpty();
    }

    @Test
    void requestsTheSpecRefusesAndActionsItDoesNotModelAreStutters() {
        TraceValidator.Trace t = TracingSpecAbstraction.of(run(
                new AddTrace(INTEGRITY, P1),
                new AddTrace(INTEGRITY, P1),
                new RemoveTrace(TracingSpecConformance.STRANGER, P1),
                new MapPage(V0, VA, P0, new PagePermissions(false, true, false)),
                new GuestWrite(V0, VA + 8, Bytes.ofInts(9))));

        assertThat(t.steps())
                .containsExactly("addTrace[o_integrity, gpp17]", "stutter", "stutter", "stutter", "stutter");
    }

    @Test
    void aCrossingWriteIntoAnAliasOfItsOwnPageIsOutsideTheSpec() {
        TracingModelRun aliased = run(
                new MapPage(V0, VA + 4096, P0, PagePermissions.USER_DATA),
                new GuestWrite(V0, VA + 4095, Bytes.ofInts(1, 2)));

        assertThatThrownBy(() -> TracingSpecAbstraction.of(aliased))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the spec")
                .hasMessageContaining("guestWriteCrossing needs two pages");
    }

    @Test
    void aRunNamingMoreAtomsThanTheScopeIsRefused() {
        TracingModelRun four = run(
                new AddTrace(INTEGRITY, P0), new AddTrace(MIGRATION, P0),
                new AddTrace(new Owner("tree"), P0), new AddTrace(new Owner("failover"), P0));

        assertThatThrownBy(() -> TracingSpecAbstraction.of(four))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the spec's scope of 3: the run names 4 owners");
    }
}
