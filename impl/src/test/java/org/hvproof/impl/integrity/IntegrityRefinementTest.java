package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hvproof.model.common.ClaimCheck;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.integrity.IntegrityModel;
import org.hvproof.model.integrity.IntegrityState;
import org.hvproof.model.integrity.IntegrityStep;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/** On a fixed trace, the machine refines the model step by step and every GI invariant holds. */
class IntegrityRefinementTest {
    private static final long PAGE = 4096;

    @Test
    void aDriversWorkdayRefinesTheModel() {
        Writer driver = new Writer(0, 16 * PAGE + 0x40, 0);
        Writer other = new Writer(1, 0x7000, 3);
        List<IntegrityAction> trace = List.of(
                new IntegrityAction.Enter(other),
                new IntegrityAction.Register(driver, 16 * PAGE, 2 * PAGE, 18 * PAGE, PAGE, 16 * PAGE + 0x40),
                new IntegrityAction.GuestWrite(other, 17 * PAGE),
                new IntegrityAction.Enter(new Writer(1, 16 * PAGE, 0)),
                new IntegrityAction.Enter(driver),
                new IntegrityAction.GuestWrite(driver, 18 * PAGE + 16),
                new IntegrityAction.Protect(driver, 40 * PAGE, 3 * PAGE, AlertAction.BLOCK.requestCode()),
                new IntegrityAction.Protect(other, 50 * PAGE, PAGE, AlertAction.BLOCK.requestCode()),
                new IntegrityAction.GuestWrite(driver, 41 * PAGE),
                new IntegrityAction.Interrupt(0, 32),
                new IntegrityAction.GuestWrite(driver, 18 * PAGE),
                new IntegrityAction.Unprotect(other, 40 * PAGE, PAGE),
                new IntegrityAction.Enter(driver),
                new IntegrityAction.Unprotect(driver, 40 * PAGE, PAGE),
                new IntegrityAction.Fault(0, 14),
                new IntegrityAction.GuestWrite(other, 40 * PAGE),
                new IntegrityAction.GuestWrite(other, 42 * PAGE),
                new IntegrityAction.Register(other, 60 * PAGE, PAGE, 61 * PAGE, PAGE, 60 * PAGE));
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        IntegrityState model = IntegrityState.initial(IntegrityConfig.small());
        assertThat(system.abstractState()).isEqualTo(model);
        for (IntegrityAction a : trace) {
            IntegrityState before = system.abstractState();
            List<?> seen = system.apply(a);
            IntegrityStep expected = IntegrityModel.step(model, a);
            assertThat(seen).as("observations of %s", a).isEqualTo(expected.observations());
            assertThat(system.abstractState()).as("state after %s", a).isEqualTo(expected.next());
            IntegrityInvariants.ALL.checkStep(expected.from(before, a)).forEach(ClaimCheck::orThrow);
            model = expected.next();
        }
    }
}
