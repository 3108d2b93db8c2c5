package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hvproof.impl.migration.MigrationLockstep.run;

import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationAction.Doorbell;
import org.hvproof.model.migration.MigrationAction.GuestRead;
import org.hvproof.model.migration.MigrationAction.GuestWrite;
import org.hvproof.model.migration.MigrationAction.MigrationRound;
import org.hvproof.model.migration.MigrationAction.StartMigration;
import org.hvproof.model.migration.MigrationAction.Submit;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The processor's accessed/dirty updates of the guest's tables while dirty logging write-protects
 * them (EPT accessed/dirty flags on): each is an EPT violation on a page-table page during the
 * walk, which the tracing service notifies and completes, so the page is dirty and the access
 * goes on as if nothing happened. Runs are checked against the model step by step.
 */
class MigrationTableUpdatesTest {
    private static final MigrationConfig CONFIG = MigrationConfig.withDefaults(
            6, 2, MigrationEmbodiment.COPY_AS_DEVICE_BUFFER, MigrationStrategy.DOORBELL_AND_COMPLETION);

    /** The four table pages a walk of virtual page {@code v} uses, root first. */
    private static List<Long> tablesOf(MigrationConfig c, long v) {
        return List.of(c.tablePage(v, 4), c.tablePage(v, 3), c.tablePage(v, 2), c.tablePage(v, 1));
    }

    @Test
    void theTablePagesAreWhereTheConfigSaysTheGuestOsPutThem() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        // Every table page a first read of each page uses holds that page's accessed bit after it.
        for (long p = 0; p < CONFIG.dataPages(); p++) {
            List<Bytes> before = sys.poolPages();
            run(sys, new GuestRead(p, 0, 1));
            List<Bytes> after = sys.poolPages();
            for (long t : tablesOf(CONFIG, p)) {
                int i = (int) (t - CONFIG.dataPages());
                if (p == 0 || t == CONFIG.tablePage(p, 1)) {
                    assertThat(after.get(i)).as("page %d, table %d", p, t).isNotEqualTo(before.get(i));
                }
            }
        }
        assertThat(sys.abstractState().accessed()).hasSize(CONFIG.dataPages());
    }

    @Test
    void aFirstReadInPreCopyDirtiesTheTablePagesItsWalkUpdatedAndReadsTheValue() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        run(sys, new GuestWrite(3, 0, Bytes.ofInts(5)), new StartMigration(100), new MigrationRound());
        assertThat(sys.abstractState().dirty()).isEmpty();

        List<MigrationObservation> seen = run(sys, new GuestRead(4, 0, 1));

        assertThat(seen).containsExactly(new MigrationObservation.ValueRead(4, 0, Bytes.ofInts(0)));
        // The upper levels already had their accessed bit from page 3's walk: only the leaf table.
        assertThat(sys.abstractState().dirty()).containsExactly(CONFIG.tablePage(4, 1));
        assertThat(sys.tableUpdateExits()).isEqualTo(1);
        // The table page's trace is dropped with the notification: the next update needs no exit.
        run(sys, new GuestWrite(4, 0, Bytes.ofInts(6)));
        assertThat(sys.tableUpdateExits()).isEqualTo(1);
        assertThat(sys.abstractState().dirty()).containsExactly(4L, CONFIG.tablePage(4, 1));
        // The next round (it fits the downtime limit: the last) sends the table too: the VM resumes
        // on the destination with the bits its walks set on the source.
        List<Bytes> sourceTables = sys.poolPages();
        run(sys, new MigrationRound());
        assertThat(sys.migrated()).isTrue();
        assertThat(sys.poolPages()).isEqualTo(sourceTables);
    }

    @Test
    void theFirstWalkOfAllInPreCopyExitsOnEachOfItsFourTablesTheRootIncluded() {
        MigrationSystem sys = new MigrationSystem(CONFIG);
        run(sys, new StartMigration(100), new MigrationRound());
        run(sys, new GuestRead(3, 0, 1));
        assertThat(sys.tableUpdateExits()).isEqualTo(4);
        assertThat(sys.abstractState().dirty())
                .containsExactlyElementsOf(tablesOf(CONFIG, 3).stream().sorted().toList());
        assertThat(tablesOf(CONFIG, 3)).contains((long) CONFIG.dataPages());
    }

    @ParameterizedTest
    @EnumSource(MigrationEmbodiment.class)
    void aDoorbellStoreWhoseWalkExitsOnATableIsStillTheDoorbellExit(MigrationEmbodiment embodiment) {
        MigrationConfig c = MigrationConfig.withDefaults(6, 2, embodiment, MigrationStrategy.DOORBELL_AND_COMPLETION);
        MigrationSystem sys = new MigrationSystem(c);
        run(sys, new Submit(4096, 16, 0), new StartMigration(100), new MigrationRound());
        long exits = sys.tableUpdateExits();

        // The MMIO page's leaf has never been walked: the store's walk sets its accessed and dirty
        // bits (an exit on the traced table page, which the ring's leaf shares) before the store
        // itself exits on the MMIO page.
        List<MigrationObservation> seen = run(sys, new Doorbell(1));

        assertThat(seen).isEmpty();
        assertThat(sys.tableUpdateExits()).isGreaterThan(exits);
        assertThat(sys.doorbellExits()).isEqualTo(1);
        assertThat(sys.abstractState().inFlight()).hasSize(1);
        assertThat(sys.abstractState().dirty()).contains(c.tablePage(c.dataPages(), 1));
        assertThat(sys.abstractState().written()).contains((long) c.dataPages());
    }

    @ParameterizedTest
    @EnumSource(
            value = MigrationImplFlaw.class,
            names = {"TABLE_UPDATE_NOT_LOGGED", "ONLY_WRITES_LOGGED"})
    void dirtyLoggingThatSkipsTheTablePageLeavesTheDestinationsTableWithoutTheBits(MigrationImplFlaw flaw) {
        MigrationSystem sys = new MigrationSystem(CONFIG, flaw);
        for (MigrationAction a : List.of(new StartMigration(100), new MigrationRound(), new GuestRead(4, 0, 1))) {
            sys.apply(a);
        }
        assertThat(sys.tableUpdateExits()).isPositive();
        assertThat(sys.abstractState().dirty()).isEmpty();
        assertThat(sys.destinationPoolPages()).isNotEqualTo(sys.poolPages());
    }
}
