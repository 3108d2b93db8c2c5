/*
 * tracing: the write-tracing service every other hvproof mechanism builds on.
 *
 * What it models. A write trace on a guest-physical page is a cleared write bit in the
 * nested page table plus a handler: a guest write to a page whose bit is clear faults to
 * the hypervisor, whose handler raises one notification (naming the vCPU, the page and
 * the offset) and then completes the write. Traces have owners (the mechanisms that asked
 * for them): a page may be traced by several owners at once, and its write bit is set
 * again only when the last owner removes its trace. A write that crosses a page boundary
 * touches the last offset of one page and the first offset of the next, and is handled
 * page by page.
 *
 * What it leaves out. Byte contents and what a completed write stores (so TRACE-1's
 * notifyThenComplete and faultedAccessChangesNothing, and the model's memoryCanonical, are
 * Java-only); guest page-table walks (accesses arrive already translated to guest-physical
 * pages), hence mapping and unmapping (MapPage, UnmapPage), privilege changes (SetPrivilege)
 * and instruction fetches (GuestExecute), which change no trace and raise no notification:
 * to this spec they are stutters; page adjacency (a crossing write touches any two distinct
 * pages); timing, and concurrency inside one step (steps interleave: one operation per
 * step); read/execute bits, which tracing never changes.
 *
 * Observations. Hypervisor.notified holds exactly the notifications raised by the step
 * that led to the current state; it is empty initially and after every step that raises
 * none. Notifications are atoms rather than tuples, so a duplicated notification (two
 * atoms naming the same vCPU, page and offset) is expressible, and "exactly one" in
 * TRACE-1 is a real constraint. The pool is static (an atom's vCPU, page and offset never
 * change), so within a scope of 3 a trace raises notifications with at most 3 distinct
 * contents; every claim here is refuted by a single faulty step, which fits.
 *
 * Flaws these checks catch, named as the Java flaw constants (org.hvproof.impl.tracing;
 * each was run by hand as a mutant of this spec when it was written): RESTORE_ON_FIRST_REMOVE,
 * removeTrace setting the write bit although another owner remains (model_writeBitMatchesTraces,
 * TRACE-1 and TRACE-3 checks fail); STALE_TRACE_AFTER_REMOVE, removeTrace never setting the
 * bit again (model_writeBitMatchesTraces, TRACE-2 and TRACE-3 checks fail). Two handler flaws
 * stay in the spec, selected by Hypervisor.flaw for the must-fail twins (the correct service,
 * correctHandler, has none; every assert and run below is about it): NOTIFY_TWICE, the handler
 * raising two notifications for a page (TRACE_1_wrong_notifyTwice), and NOTIFY_NEXT_PAGE, the
 * handler naming the next guest-physical page instead of the faulting one (Page.next, a static
 * chain the correct handler never reads; TRACE_2_wrong_notifyNextPage). The Java spec
 * conformance pins Hypervisor.flaw to none (TracingSpecAbstraction's initial state).
 *
 * Claim ids (read by org.hvproof.specs.AlloyRunner, held by SpecLint). A command's name
 * carries its claim: TRACE_1_... speaks for TRACE-1, TRACE_3_wrong_... is a negative control
 * of TRACE-3; model_... commands check the spec's own invariant and name the claims they
 * support in a "Supports" tag. Every command states its expected outcome: expect 0 for a
 * check that must hold, expect 1 for a run that must have an instance or a negative control
 * that must fail.
 *
 * Java names (org.hvproof.model.tracing and model.common). Sigs: VCpu is VCpu, Page is
 * GuestPhysicalPage, Owner is Owner, Notification is Notification. Operations, one per
 * TracingAction: addTrace is AddTrace, removeTrace is RemoveTrace, guestWrite is a GuestWrite
 * inside one page, guestWriteCrossing a GuestWrite across a page boundary, guestRead is
 * GuestRead, stutter is Stutter (and every action left out above). Flaw's atoms are the
 * TracingImplFlaw constants of the same names. p.traces is
 * TracingState.ownersOf(p), writeTraced[p] is TracingState.isTraced(p). Asserts are named as
 * the TracingInvariants that state the same predicate: TRACE_1_oneNotificationPerTracedPage,
 * TRACE_2_noNotificationWithoutTrace, TRACE_3_ownersAddAndRemoveOnlyThemselves.
 */
module tracing

sig VCpu {}

/* A guest-physical page. traces: the owners that currently trace it. next: the next
   guest-physical page, read only by the NOTIFY_NEXT_PAGE handler (the last page has none). */
sig Page {
  var traces: set Owner,
  next: lone Page
}
fact pagesChain { no p: Page | p in p.^next }

/* Whoever asked for a trace: another mechanism (tree, integrity, migration, ...). */
sig Owner {}

/* An offset inside a page. A crossing write touches LastOffset of its first page and
   FirstOffset of its second. */
sig Offset {}
one sig FirstOffset, LastOffset extends Offset {}

/* The nested page table's write bits: a page is in writable when its bit is set. */
one sig NestedPageTable {
  var writable: set Page
}

/* A notification to the hypervisor. A static pool of atoms; a step raises some of them. */
sig Notification {
  vcpu: one VCpu,
  page: one Page,
  offset: one Offset
}

/* Deliberately broken handlers, for the must-fail twins (TracingImplFlaw constants). */
abstract sig Flaw {}
one sig NOTIFY_TWICE, NOTIFY_NEXT_PAGE extends Flaw {}

one sig Hypervisor {
  flaw: lone Flaw,                 -- the handler's bug; none in the correct service
  var notified: set Notification   -- raised by the step that led to this state
}

/* The service as specified: its handler has no flaw. */
pred correctHandler { no Hypervisor.flaw }

let unchanged[r] { r' = r }

/* A page is write-traced when some owner traces it. */
pred writeTraced[p: Page] { some p.traces }

fun tracedPages: set Page { traces.Owner }

fact init {
  no traces
  NestedPageTable.writable = Page
  no Hypervisor.notified
}

/*
 * The pages and offsets the handler names for the faulting ones: the same, or under
 * NOTIFY_NEXT_PAGE each faulting page's next page (none for the last page).
 */
fun named[faulting: Page -> Offset]: Page -> Offset {
  Hypervisor.flaw = NOTIFY_NEXT_PAGE => ~next.faulting else faulting
}

/*
 * The write-trace handler for one guest access of v that touches the pages and offsets
 * in `touched` (a function from page to offset). The hardware consults each touched
 * page's write bit; every page whose bit is clear faults, and the handler raises exactly
 * one notification for it, naming v, the page and the offset, before completing the write
 * (NOTIFY_TWICE: two notifications with the same contents).
 * Pages whose bit is set are written without the hypervisor seeing anything.
 */
pred handled[v: VCpu, touched: Page -> Offset] {
  let faulting = (Page - NestedPageTable.writable) <: touched, reported = named[faulting] {
    all n: Hypervisor.notified' | n.vcpu = v and n.page -> n.offset in reported
    all p: reported.Offset |
      Hypervisor.flaw = NOTIFY_TWICE
        => (some disj n1, n2: Hypervisor.notified' | Hypervisor.notified' & page.p = n1 + n2)
        else one n: Hypervisor.notified' | n.page = p
  }
}

/* Owner o starts tracing page p: the write bit is cleared (it may be clear already). */
pred addTrace[o: Owner, p: Page] {
  -- guard: o does not trace p yet (a second request by the same owner is refused)
  o not in p.traces
  -- effect
  traces' = traces + p -> o
  NestedPageTable.writable' = NestedPageTable.writable - p
  no Hypervisor.notified'
}

/* Owner o stops tracing p: the bit is set again only if no other owner still traces p. */
pred removeTrace[o: Owner, p: Page] {
  -- guard: o traces p
  o in p.traces
  -- effect
  traces' = traces - p -> o
  no p.traces' implies NestedPageTable.writable' = NestedPageTable.writable + p
               else unchanged[NestedPageTable.writable]
  no Hypervisor.notified'
}

/* A guest write by v to page p at offset off. */
pred guestWrite[v: VCpu, p: Page, off: Offset] {
  handled[v, p -> off]
  unchanged[traces]
  unchanged[NestedPageTable.writable]
}

/* A guest write by v crossing from the end of p1 into the start of p2. */
pred guestWriteCrossing[v: VCpu, p1, p2: Page] {
  -- guard: two distinct pages (adjacency is not modelled)
  p1 != p2
  handled[v, p1 -> LastOffset + p2 -> FirstOffset]
  unchanged[traces]
  unchanged[NestedPageTable.writable]
}

/* A guest read: read bits are never cleared, so a read never reaches the handler. */
pred guestRead[v: VCpu, p: Page] {
  unchanged[traces]
  unchanged[NestedPageTable.writable]
  no Hypervisor.notified'
}

pred stutter {
  unchanged[traces]
  unchanged[NestedPageTable.writable]
  no Hypervisor.notified'
}

fact operations {
  always (
    (some o: Owner, p: Page | addTrace[o, p] or removeTrace[o, p])
    or (some v: VCpu, p: Page, off: Offset | guestWrite[v, p, off])
    or (some v: VCpu, disj p1, p2: Page | guestWriteCrossing[v, p1, p2])
    or (some v: VCpu, p: Page | guestRead[v, p])
    or stutter
  )
}

----------------------------------------------------------------------------------------
-- The mechanism's invariant: a page's write bit is clear exactly when it is traced.
-- It is what connects the owners' bookkeeping (traces) to what the hardware does.

pred writeBitMatchesTraces { NestedPageTable.writable = Page - tracedPages }

-- Supports TRACE-1, TRACE-2: holds in every reachable state.
assert model_writeBitMatchesTraces { always writeBitMatchesTraces }
check model_writeBitMatchesTraces for 3 but 8 steps expect 0

-- Supports TRACE-1, TRACE-2: the invariant in inductive style, base case.
check model_writeBitMatchesTraces_init { writeBitMatchesTraces } for 3 but 1 steps expect 0

-- Supports TRACE-1, TRACE-2: the invariant in inductive style, one step from a state
-- that satisfies it. fact init pins state 0, so this is the base-plus-one-step half of
-- induction; model_writeBitMatchesTraces above covers longer runs.
check model_writeBitMatchesTraces_step {
  writeBitMatchesTraces implies after writeBitMatchesTraces
} for 3 but 2 steps expect 0

----------------------------------------------------------------------------------------
-- The TRACE-1 and TRACE-2 properties, each stated once: the asserts check them for the
-- correct handler, the twins (TRACE_n_wrong_<flaw>) for one flawed handler.

pred oneNotificationPerTracedPage {
  always all v: VCpu, p: Page, off: Offset |
    (guestWrite[v, p, off] and writeTraced[p]) implies {
      one Hypervisor.notified'
      Hypervisor.notified'.vcpu = v
      Hypervisor.notified'.page = p
      Hypervisor.notified'.offset = off
    }
}

pred crossingWriteNotifiesPerTracedPage {
  always all v: VCpu, disj p1, p2: Page | guestWriteCrossing[v, p1, p2] implies {
    #Hypervisor.notified' = #((p1 + p2) & tracedPages)
    all p: (p1 + p2) & tracedPages | one n: Hypervisor.notified' {
      n.vcpu = v
      n.page = p
      n.offset = (p = p1 implies LastOffset else FirstOffset)
    }
  }
}

pred untracedWriteIsSilent {
  always all v: VCpu, p: Page, off: Offset |
    (guestWrite[v, p, off] and not writeTraced[p]) implies no Hypervisor.notified'
}

pred noNotificationWithoutTrace {
  always all n: Hypervisor.notified' | writeTraced[n.page]
}

-- Scope of the TRACE-1 and TRACE-2 commands: 3 pages, owners, vCPUs, offsets and
-- notification atoms, 8 steps: a trace added by two owners on two pages, writes inside a page
-- and crossing two traced pages, removals. Not covered: more than 3 notifications of distinct
-- contents in one run (the pool is static), runs longer than 8 steps.

-- TRACE-1: every guest write to a traced page produces exactly one notification naming
-- the vCPU, the guest-physical page and the offset, and nothing else.
assert TRACE_1_oneNotificationPerTracedPage { correctHandler implies oneNotificationPerTracedPage }
check TRACE_1_oneNotificationPerTracedPage for 3 but 8 steps expect 0

-- TRACE-1: a write crossing two pages yields one notification per traced page it
-- touches (at the offset it touches there), and none for an untraced one.
assert TRACE_1_crossingWriteNotifiesPerTracedPage { correctHandler implies crossingWriteNotifiesPerTracedPage }
check TRACE_1_crossingWriteNotifiesPerTracedPage for 3 but 8 steps expect 0

-- TRACE-1: a write to a traced page that notifies can happen.
run TRACE_1_notifiedWrite {
  correctHandler
  eventually some v: VCpu, p: Page, off: Offset | writeTraced[p] and guestWrite[v, p, off]
} for 3 but 8 steps expect 1

-- TRACE-1: a crossing write over two traced pages, notifying twice, can happen.
run TRACE_1_crossingWriteOverTwoTracedPages {
  correctHandler
  eventually some v: VCpu, disj p1, p2: Page |
    writeTraced[p1] and writeTraced[p2] and guestWriteCrossing[v, p1, p2]
} for 3 but 8 steps expect 1

-- TRACE-1 Under NOTIFY_TWICE every write to a traced page notifies exactly once.
-- Must fail, because the handler raises two notifications with the same vCPU, page and
-- offset for the traced page (the counterexample: addTrace, then a write to that page).
check TRACE_1_wrong_notifyTwice {
  Hypervisor.flaw = NOTIFY_TWICE implies oneNotificationPerTracedPage
} for 3 but 8 steps expect 1

-- TRACE-1 Under NOTIFY_TWICE a crossing write still notifies once per traced page.
-- Must fail, because each traced page the write touches is notified twice (the
-- counterexample: addTrace, then a crossing write over that page and an untraced one).
check TRACE_1_wrong_crossingNotifyTwice {
  Hypervisor.flaw = NOTIFY_TWICE implies crossingWriteNotifiesPerTracedPage
} for 3 but 8 steps expect 1

----------------------------------------------------------------------------------------
-- TRACE-2: a write to a page with no trace produces no notification.
assert TRACE_2_untracedWriteIsSilent { correctHandler implies untracedWriteIsSilent }
check TRACE_2_untracedWriteIsSilent for 3 but 8 steps expect 0

-- TRACE-2: more generally, every notification any step raises names a page that was
-- traced when the step began.
assert TRACE_2_noNotificationWithoutTrace { correctHandler implies noNotificationWithoutTrace }
check TRACE_2_noNotificationWithoutTrace for 3 but 8 steps expect 0

-- TRACE-2: an untraced write while another page is traced can happen.
run TRACE_2_silentWriteBesideATrace {
  correctHandler
  eventually some v: VCpu, disj p, q: Page, off: Offset |
    writeTraced[q] and not writeTraced[p] and guestWrite[v, p, off]
} for 3 but 8 steps expect 1

-- TRACE-2 Under NOTIFY_NEXT_PAGE every notification names a traced page.
-- Must fail, because the handler names the page after the faulting one, which nobody
-- traces (the counterexample: addTrace on p, then a write to p notifies p.next). Under this
-- flaw TRACE_2_untracedWriteIsSilent still holds (a write to an untraced page never
-- reaches the handler); the Java property catches the flaw by the same predicate.
check TRACE_2_wrong_notifyNextPage {
  Hypervisor.flaw = NOTIFY_NEXT_PAGE implies noNotificationWithoutTrace
} for 3 but 8 steps expect 1

----------------------------------------------------------------------------------------
-- TRACE-3: traces have owners. While any owner still traces a page its write bit stays
-- clear (so writes to it keep notifying), and it stops being traced only in a step that
-- removes its last owner's trace: a page traced by two owners stays traced until both
-- have removed theirs.
assert TRACE_3_tracedUntilLastOwnerRemoves {
  correctHandler implies always all p: Page {
    writeTraced[p] implies p not in NestedPageTable.writable
    (writeTraced[p] and after not writeTraced[p]) implies
      some o: Owner | p.traces = o and removeTrace[o, p]
  }
}
check TRACE_3_tracedUntilLastOwnerRemoves for 3 but 8 steps expect 0

-- TRACE-3: adding a trace adds exactly the named owner to the named page, removing one
-- removes exactly that owner (who must have held it), and no other step changes traces.
assert TRACE_3_ownersAddAndRemoveOnlyThemselves {
  correctHandler implies always {
    all o: Owner, p: Page | addTrace[o, p] implies traces' = traces + p -> o
    all o: Owner, p: Page | removeTrace[o, p] implies (o in p.traces and traces' = traces - p -> o)
    (no o: Owner, p: Page | addTrace[o, p] or removeTrace[o, p]) implies traces' = traces
  }
}
check TRACE_3_ownersAddAndRemoveOnlyThemselves for 3 but 8 steps expect 0

-- TRACE-3: the behaviour seen from outside: when one of several owners removes its
-- trace, the next write to the page still notifies (the true twin of the deliberately
-- wrong check at the end).
assert TRACE_3_remainingOwnerKeepsNotifying {
  correctHandler implies always all o: Owner, p: Page | (removeTrace[o, p] and some p.traces - o) implies
    after (all v: VCpu, off: Offset | guestWrite[v, p, off] implies
             some n: Hypervisor.notified' | n.page = p)
}
check TRACE_3_remainingOwnerKeepsNotifying for 3 but 8 steps expect 0

-- TRACE-3: removing the last trace on a page stops notifications for that page from
-- the next step on, until some owner traces it again.
assert TRACE_3_lastRemovalSilencesPage {
  correctHandler implies always all o: Owner, p: Page | (removeTrace[o, p] and p.traces = o) implies
    after ((some o2: Owner | addTrace[o2, p])
           releases (no n: Hypervisor.notified' | n.page = p))
}
check TRACE_3_lastRemovalSilencesPage for 3 but 8 steps expect 0

-- TRACE-3: a doubly traced page loses one owner and still notifies on the next write.
run TRACE_3_doublyTracedPageKeepsNotifying {
  correctHandler
  some disj o1, o2: Owner, p: Page | eventually {
    o1 + o2 in p.traces
    removeTrace[o1, p]
    after (some v: VCpu, off: Offset | guestWrite[v, p, off] and after some Hypervisor.notified)
  }
} for 3 but 8 steps expect 1

-- TRACE-3: removing the last trace, then a write to that page that is silent.
run TRACE_3_removalThenSilentWrite {
  correctHandler
  some o: Owner, p: Page | eventually {
    p.traces = o
    removeTrace[o, p]
    after (some v: VCpu, off: Offset | guestWrite[v, p, off] and after no Hypervisor.notified)
  }
} for 3 but 8 steps expect 1

-- TRACE-3, negative control: this claim is WRONG and the check must fail (expect 1).
-- "Removing a trace stops notifications" is false for an owner that is not the last:
-- the other owner's trace keeps the write bit clear, so the next write still notifies.
-- If this check ever holds, the model has stopped distinguishing owners.
check TRACE_3_wrong_anyRemovalSilencesPage {
  correctHandler implies always all o: Owner, p: Page | removeTrace[o, p] implies
    after (all v: VCpu, off: Offset | guestWrite[v, p, off] implies no Hypervisor.notified')
} for 3 but 8 steps expect 1

----------------------------------------------------------------------------------------
-- Translation caches (TRACE-5). This section is appended by the machine work (issue 10)
-- and stands on its own: it adds state beside the operations above and constrains it in
-- its own fact, without changing any of them.
--
-- What it models. Each vCPU's TLB as the pages it caches a writable translation of
-- (Tlb.cachedWritable, the Java Tlb.writableGuestPhysicalPages): a write or read the nested
-- page table let through may fill it, any step may drop entries (eviction, INVLPG, MOV
-- CR3), and adding a trace invalidates as the hypervisor does (invalidateOnTrace: a
-- shootdown on every vCPU, TracingService.setWritable). A write served from a cached
-- writable translation (cachedWrite) never reaches the nested page table: nobody is
-- notified and, to the operations above, the step is a stutter. What it leaves out:
-- address spaces and views (an entry is just vCPU -> page), read-only entries (they
-- cannot serve a write), and the hardware's choice of when to cache (any allowed access
-- may fill). Flawed invalidations, named as the Java flaw constants:
-- invalidateOnTrace_NO_SHOOTDOWN_AFTER_TRACE (none at all) and
-- invalidateOnTrace_INVALIDATE_LOCAL_VCPU_ONLY (one vCPU's entries only); which one runs is
-- the static TraceInvalidation.kind, which every correct check pins to EveryVcpu.

one sig Tlb {
  var cachedWritable: VCpu -> Page,   -- the writable translations each vCPU caches
  var wroteThroughCache: VCpu -> Page -- the cached write of the step that led here, if any
}

/* Which invalidation adding a trace performs: the correct one or a flawed one. */
abstract sig Invalidation {}
one sig EveryVcpu, NoVcpu, OneVcpu extends Invalidation {}
one sig TraceInvalidation { kind: one Invalidation }

/* The hypervisor's shootdown: no vCPU keeps a writable translation of p. */
pred invalidateOnTrace[p: Page] {
  no Tlb.cachedWritable' & VCpu -> p
}

/* NO_SHOOTDOWN_AFTER_TRACE: the write bit is cleared and no vCPU's cache is invalidated. */
pred invalidateOnTrace_NO_SHOOTDOWN_AFTER_TRACE[p: Page] {
  Tlb.cachedWritable' = Tlb.cachedWritable
}

/* INVALIDATE_LOCAL_VCPU_ONLY: only the vCPU the request runs on drops its entries of p. */
pred invalidateOnTrace_INVALIDATE_LOCAL_VCPU_ONLY[p: Page] {
  some v: VCpu | Tlb.cachedWritable' = Tlb.cachedWritable - v -> p
}

pred invalidation[p: Page] {
  TraceInvalidation.kind = EveryVcpu implies invalidateOnTrace[p]
  TraceInvalidation.kind = NoVcpu implies invalidateOnTrace_NO_SHOOTDOWN_AFTER_TRACE[p]
  TraceInvalidation.kind = OneVcpu implies invalidateOnTrace_INVALIDATE_LOCAL_VCPU_ONLY[p]
}

/* The translations a step's walked accesses may cache writable: pages the NPT lets write. */
fun filled: VCpu -> Page {
  { v: VCpu, p: NestedPageTable.writable |
      (some off: Offset | guestWrite[v, p, off])
      or (some q: Page | guestWriteCrossing[v, p, q] or guestWriteCrossing[v, q, p])
      or guestRead[v, p] }
}

/* A write by v to p served from v's cached writable translation: no nested walk, so no
   notification; no trace changes (a stutter to the operations above). */
pred cachedWrite[v: VCpu, p: Page] {
  -- guard: v caches a writable translation of p
  v -> p in Tlb.cachedWritable
  -- effect
  Tlb.wroteThroughCache' = v -> p
  -- frame
  unchanged[Tlb.cachedWritable]
  stutter
}

fact translationCaches {
  no Tlb.cachedWritable
  no Tlb.wroteThroughCache
  always (
    (some v: VCpu, p: Page | cachedWrite[v, p])
    or {
      no Tlb.wroteThroughCache'
      Tlb.cachedWritable' in Tlb.cachedWritable + filled
      all o: Owner, p: Page | addTrace[o, p] implies invalidation[p]
    }
  )
}

pred shootdownsCorrect { TraceInvalidation.kind = EveryVcpu }

pred noStaleWritableTranslation { always no Tlb.cachedWritable & VCpu -> tracedPages }

pred noSilentWriteToTracedPage {
  always all v: VCpu, p: Page | v -> p in Tlb.wroteThroughCache' implies not writeTraced[p]
}

-- TRACE-5: adding a trace takes effect on every vCPU: no vCPU ever caches a writable
-- translation of a traced page. Scope: 3 vCPUs, pages and owners, 5 steps: enough for two
-- vCPUs to cache a page, a trace to be added and a write after it; not longer runs.
assert TRACE_5_noStaleWritableTranslation { shootdownsCorrect implies noStaleWritableTranslation }
check TRACE_5_noStaleWritableTranslation for 3 but 5 steps expect 0

-- TRACE-5: no write reaches a traced page through a cached translation: every write to
-- a traced page walks the nested table, so it is notified.
assert TRACE_5_noSilentWriteToTracedPage { shootdownsCorrect implies noSilentWriteToTracedPage }
check TRACE_5_noSilentWriteToTracedPage for 3 but 5 steps expect 0

-- TRACE-5: a trace added while another vCPU caches the page writable, then that vCPU
-- writes the page and the write is notified (the situation both checks are about).
run TRACE_5_traceOverCachedWritableTranslation {
  shootdownsCorrect
  some o: Owner, p: Page, v: VCpu | eventually {
    v -> p in Tlb.cachedWritable
    addTrace[o, p]
    after (some off: Offset | guestWrite[v, p, off] and after some Hypervisor.notified)
  }
} for 3 but 5 steps expect 1

-- TRACE-5, negative control: it must fail because without a shootdown the vCPU that
-- cached the page writable keeps writing it through its stale entry, unseen.
check TRACE_5_wrong_noSilentWriteToTracedPage {
  TraceInvalidation.kind = NoVcpu implies noSilentWriteToTracedPage
} for 3 but 5 steps expect 1

-- TRACE-5, negative control: it must fail because invalidating on one vCPU leaves another
-- vCPU's writable entry of the newly traced page behind.
check TRACE_5_wrong_noStaleWritableTranslation {
  TraceInvalidation.kind = OneVcpu implies noStaleWritableTranslation
} for 3 but 5 steps expect 1

----------------------------------------------------------------------------------------
-- A device behind the IOMMU (TRACE-4). Appended by the machine work (issue 10), on its
-- own like the section above: new state beside the operations, constrained in its own fact.
--
-- What it models. The guest's one DMA-capable device (TracingModel.DEVICE): the pages its
-- I/O page table maps writable (Iommu.deviceWritable, the Java Iommu.table's write bits),
-- the pages its IOTLB caches writable (Iommu.iotlbWritable, Iommu.cachedWritablePages), and
-- its DMA writes (dmaWrite, the Java DeviceWrite within one page): a write lands when the
-- IOTLB or the table allows it (and may be cached), and is otherwise refused and reported
-- (Iommu.dmaRefused, the Java DmaRefused). To the operations above a DMA write is a stutter:
-- it changes no trace and raises no notification. Adding a trace write-protects the page
-- in the device's table and invalidates its IOTLB entry (iommuOnTrace, in
-- TracingService.setWritable); removing the last trace gives the write right back. What it
-- leaves out: bytes, several devices, read DMA, page requests (a page is mapped from the
-- start, as the first request maps it), transfers across pages (each piece is one dmaWrite).
-- Flawed updates, named as the Java flaw constants: iommuOnTrace_NO_IOMMU_UPDATE_ON_TRACE
-- and iommuOnTrace_NO_IOTLB_INVALIDATION_ON_TRACE; which runs is the static
-- DeviceUpdate.kind, which every correct check pins to TableAndIotlb.

one sig Iommu {
  var deviceWritable: set Page, -- pages the device's I/O page table maps writable
  var iotlbWritable: set Page,  -- pages the IOTLB caches a writable translation of
  var dmaLanded: set Page,      -- the page the DMA write of the step that led here landed on
  var dmaRefused: set Page      -- the page it was refused and reported at
}

/* Which IOMMU update adding a trace performs: the correct one or a flawed one. */
abstract sig IommuUpdate {}
one sig TableAndIotlb, IotlbOnly, TableOnly extends IommuUpdate {}
one sig DeviceUpdate { kind: one IommuUpdate }

/* The hypervisor's update: the table maps p read-only and the IOTLB forgets p. */
pred iommuOnTrace[p: Page] {
  Iommu.deviceWritable' = Iommu.deviceWritable - p
  Iommu.iotlbWritable' = Iommu.iotlbWritable - p
}

/* NO_IOMMU_UPDATE_ON_TRACE: the device's table keeps the write right. */
pred iommuOnTrace_NO_IOMMU_UPDATE_ON_TRACE[p: Page] {
  Iommu.deviceWritable' = Iommu.deviceWritable
  Iommu.iotlbWritable' = Iommu.iotlbWritable - p
}

/* NO_IOTLB_INVALIDATION_ON_TRACE: the table is updated, the IOTLB keeps its entry. */
pred iommuOnTrace_NO_IOTLB_INVALIDATION_ON_TRACE[p: Page] {
  Iommu.deviceWritable' = Iommu.deviceWritable - p
  Iommu.iotlbWritable' = Iommu.iotlbWritable
}

pred iommuUpdate[p: Page] {
  DeviceUpdate.kind = TableAndIotlb implies iommuOnTrace[p]
  DeviceUpdate.kind = IotlbOnly implies iommuOnTrace_NO_IOMMU_UPDATE_ON_TRACE[p]
  DeviceUpdate.kind = TableOnly implies iommuOnTrace_NO_IOTLB_INVALIDATION_ON_TRACE[p]
}

/* The device writes page p by DMA: through the IOTLB or the table if either allows it. */
pred dmaWrite[p: Page] {
  p in Iommu.iotlbWritable + Iommu.deviceWritable implies {
    Iommu.dmaLanded' = p
    no Iommu.dmaRefused'
    Iommu.iotlbWritable' in Iommu.iotlbWritable + p
  } else {
    no Iommu.dmaLanded'
    Iommu.dmaRefused' = p
    Iommu.iotlbWritable' in Iommu.iotlbWritable
  }
  unchanged[Iommu.deviceWritable]
  stutter
}

fact devices {
  Iommu.deviceWritable = Page
  no Iommu.iotlbWritable
  no Iommu.dmaLanded
  no Iommu.dmaRefused
  always (
    (some p: Page | dmaWrite[p])
    or {
      no Iommu.dmaLanded'
      no Iommu.dmaRefused'
      (some o: Owner, p: Page | addTrace[o, p]) implies {
        all o: Owner, p: Page | addTrace[o, p] implies iommuUpdate[p]
      } else {
        -- the write right comes back with the last trace; the IOTLB may drop entries
        Iommu.deviceWritable' = Iommu.deviceWritable + (NestedPageTable.writable' - NestedPageTable.writable)
        Iommu.iotlbWritable' in Iommu.iotlbWritable
      }
    }
  )
}

pred iommuCorrect { DeviceUpdate.kind = TableAndIotlb }

pred noDeviceWritableTracedPage {
  always no (Iommu.deviceWritable + Iommu.iotlbWritable) & tracedPages
}

pred deviceWriteNeverLandsUnseen {
  always all p: Iommu.dmaLanded' | not writeTraced[p] or some n: Hypervisor.notified' | n.page = p
}

-- TRACE-4: neither the device's I/O page table nor its IOTLB lets it write a traced page.
-- Scope: 3 pages and owners, 5 steps: enough for a DMA write, a trace and a second DMA
-- write to the page; not longer runs.
assert TRACE_4_noDeviceWritableTracedPage { iommuCorrect implies noDeviceWritableTracedPage }
check TRACE_4_noDeviceWritableTracedPage for 3 but 5 steps expect 0

-- TRACE-4: a device's DMA write to a traced page never lands unseen: it is refused and
-- reported (or, were the design to allow it, notified).
assert TRACE_4_deviceWriteNeverLandsUnseen { iommuCorrect implies deviceWriteNeverLandsUnseen }
check TRACE_4_deviceWriteNeverLandsUnseen for 3 but 5 steps expect 0

-- TRACE-4: the device writes a page, the page is traced, and the device's next write to it
-- is refused and reported (the situation both checks are about).
run TRACE_4_dmaRefusedAtTracedPage {
  iommuCorrect
  some o: Owner, p: Page | eventually {
    dmaWrite[p] and p in Iommu.dmaLanded'
    after (addTrace[o, p] and after (dmaWrite[p] and p in Iommu.dmaRefused'))
  }
} for 3 but 5 steps expect 1

-- TRACE-4, negative control: it must fail because a device table that keeps the write
-- right lets the device's next write land on the traced page, unseen.
check TRACE_4_wrong_deviceWriteNeverLandsUnseen {
  DeviceUpdate.kind = IotlbOnly implies deviceWriteNeverLandsUnseen
} for 3 but 5 steps expect 1

-- TRACE-4, negative control: it must fail because an IOTLB that is not invalidated keeps
-- the writable translation the device cached before the trace.
check TRACE_4_wrong_noDeviceWritableTracedPage {
  DeviceUpdate.kind = TableOnly implies noDeviceWritableTracedPage
} for 3 but 5 steps expect 1
