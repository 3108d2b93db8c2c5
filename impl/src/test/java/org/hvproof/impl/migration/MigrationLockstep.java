package org.hvproof.impl.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationModel;
import org.hvproof.model.migration.MigrationObservation;
import org.hvproof.model.migration.MigrationState;

/** Runs actions on a {@link MigrationSystem} and the model side by side, asserting they agree after each. */
final class MigrationLockstep {
    private MigrationLockstep() {}

    /** Runs {@code actions}, asserting observations and abstract state equal the model's after each; the last observations. */
    static List<MigrationObservation> run(MigrationSystem sys, MigrationAction... actions) {
        MigrationState model = sys.abstractState();
        List<MigrationObservation> last = new ArrayList<>();
        for (MigrationAction a : actions) {
            last = sys.apply(a);
            var step = MigrationModel.step(model, a);
            assertThat(last).as(a.toString()).isEqualTo(step.observations());
            assertThat(sys.abstractState()).as(a.toString()).isEqualTo(step.next());
            model = step.next();
        }
        return last;
    }
}
