package org.hvproof.impl.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.Owner;
import org.junit.jupiter.api.Test;

/**
 * The tracing service's bookkeeping that other code reads rather than the claims judge: the pages
 * an owner traces, the owners' version a cache keys on, the flaw it runs with, and the first
 * owner the second-owner flaw still keeps.
 */
class TracingServiceBookkeepingTest {
    private static final Owner ALICE = new Owner("alice");
    private static final Owner BOB = new Owner("bob");

    private final TracingSystem system = new TracingSystem(MachineShape.of(2, 1024));
    private final TracingService tracing = system.tracing();

    @Test
    void theTracedPagesOfAnOwnerAreItsOwnInPageOrder() {
        tracing.addTrace(ALICE, new GuestPhysicalPage(30));
        tracing.addTrace(BOB, new GuestPhysicalPage(20));
        tracing.addTrace(ALICE, new GuestPhysicalPage(10));
        assertThat(tracing.pagesTracedBy(ALICE)).containsExactly(new GuestPhysicalPage(10), new GuestPhysicalPage(30));
        assertThat(tracing.pagesTracedBy(BOB)).containsExactly(new GuestPhysicalPage(20));
        assertThat(tracing.pagesTracedBy(new Owner("carol"))).isEmpty();
    }

    @Test
    void everyAddAndRemoveMovesTheOwnersVersionForward() {
        long booted = tracing.ownersVersion();
        tracing.addTrace(ALICE, new GuestPhysicalPage(10));
        long added = tracing.ownersVersion();
        tracing.removeTrace(ALICE, new GuestPhysicalPage(10));
        assertThat(added).isGreaterThan(booted);
        assertThat(tracing.ownersVersion()).isGreaterThan(added);
    }

    @Test
    void theServiceRunsWithTheFlawItWasBuiltWith() {
        assertThat(tracing.flaw()).isEqualTo(TracingImplFlaw.NONE);
        TracingSystem flawed = new TracingSystem(MachineShape.of(2, 1024), TracingImplFlaw.NOTIFY_TWICE);
        assertThat(flawed.tracing().flaw()).isEqualTo(TracingImplFlaw.NOTIFY_TWICE);
    }

    @Test
    void theSecondOwnerFlawStillKeepsTheFirstOwner() {
        TracingService flawed =
                new TracingSystem(MachineShape.of(2, 1024), TracingImplFlaw.FORGET_SECOND_OWNER).tracing();
        GuestPhysicalPage page = new GuestPhysicalPage(10);
        flawed.addTrace(ALICE, page);
        flawed.addTrace(BOB, page);
        assertThat(flawed.owners(page)).containsExactly(ALICE);
    }

    @Test
    void anAllowingVerdictAddsNothingAndLetsTheWriteComplete() {
        TraceListener.Verdict allow = TraceListener.Verdict.allow();
        assertThat(allow.seen()).isEmpty();
        assertThat(allow.complete()).isTrue();
    }

    @Test
    void everyFlawButNoneNamesWhatCatchesIt() {
        for (TracingImplFlaw flaw : TracingImplFlaw.values()) {
            assertThat(flaw.caughtBy().isEmpty()).as("%s", flaw).isEqualTo(flaw == TracingImplFlaw.NONE);
        }
    }
}
