package org.hvproof.properties.composed;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.impl.composed.ComposedSystem;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.properties.domains.DomainsTwoRuns;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A secure frame handed out twice ({@link ComposedImplFlaw#SECURE_FRAME_GIVEN_BACK}) leaks a
 * secure domain's memory to another guest and not to the domains' root: the half of the composed
 * PD-1 pair that reads the other guests sees it, the root's half cannot, so this flaw shows the
 * other-guest half can fail on its own ({@code EveryFlawIsCaughtTest} holds that the pair property
 * catches it with {@code otherGuestsSeeNothingSecure}, in one action).
 */
class SecureFrameGivenBackTest {
    /** A data address of the interrupts guest next to its ordinary code, on a page no frame backs at boot. */
    private static final long FRESH_DATA = CodeLayout.ORDINARY_CODE + CodeLayout.PAGE_SIZE;

    @Test
    @DisplayName("PD-1 another guest reads the secure frame handed out twice, the root does not")
    void anotherGuestReadsTheSecureFrameTheRootDoesNot() {
        ComposedSystem a = new ComposedSystem(ComposedImplFlaw.SECURE_FRAME_GIVEN_BACK, DomainsTwoRuns.SECRET_A);
        ComposedSystem b = new ComposedSystem(ComposedImplFlaw.SECURE_FRAME_GIVEN_BACK, DomainsTwoRuns.SECRET_B);
        assertThat(a.abstractState().interrupts()).isEqualTo(b.abstractState().interrupts());

        ComposedSystemAction read = new ComposedSystemAction.Interrupts(new InterruptsAction.ReadMemory(FRESH_DATA));
        a.apply(read);
        b.apply(read);

        assertThat(a.abstractState().interrupts())
                .as("the interrupts guest's memory, backed by secure domain 1's data frame, differs with the secret")
                .isNotEqualTo(b.abstractState().interrupts());
        assertThat(DomainsTwoRuns.rootViewDifference(a.domains(), b.domains(), read))
                .as("the domains' root sees nothing of it")
                .isEmpty();
    }

    @Test
    @DisplayName("PD-1 the correct composition backs another guest's fresh page with a fresh frame")
    void theCorrectCompositionBacksAFreshFrame() {
        ComposedSystem a = new ComposedSystem(ComposedImplFlaw.NONE, DomainsTwoRuns.SECRET_A);
        ComposedSystem b = new ComposedSystem(ComposedImplFlaw.NONE, DomainsTwoRuns.SECRET_B);
        ComposedSystemAction read = new ComposedSystemAction.Interrupts(new InterruptsAction.ReadMemory(FRESH_DATA));
        a.apply(read);
        b.apply(read);
        assertThat(a.abstractState().interrupts()).isEqualTo(b.abstractState().interrupts());
    }
}
