/*
 * migration: live migration of a VM with a passthrough device (US10198299B1). Claims MIG-1..MIG-5.
 *
 * What it models. A VM's pages hold values; some are DMA buffer pages. A passthrough device takes
 * requests at the doorbell, receives (Recv: it writes the request's pages by DMA, which the
 * hypervisor's dirty logging never sees) and transmits (Send: it reads them), each on the buffer
 * pages its descriptor covers, moving a request's data in as many DMA pieces as it likes and
 * posting its completion with the last. When migration starts the hypervisor copies the buffer
 * pages (the copy) and gives one copy to the VM's translations (the vCPU buffer) and the other to
 * the device's IOMMU translations (the device buffer), which one per embodiment; it keeps them in
 * sync per strategy. DoorbellAndCompletion: at the trapped doorbell a transmit's data goes from
 * the vCPU buffer to the device buffer, and at the intercepted completion a receive's output is
 * copied back into the vCPU buffer, the pages it changed marked dirty, before the VM sees the
 * completion. TrapVcpuAccess: every VM access to a copied buffer page exits; the device buffer's
 * page is copied into the vCPU buffer first (dirty if that changed it) and a write goes to both.
 * The VM's writes mark their page dirty. The guest's page-table pages (Table) hold the accessed
 * and dirty bits the processor's walks set: with EPT accessed/dirty flags each such update is a
 * write dirty logging sees (an EPT violation during the walk, notified and completed), so in
 * pre-copy a table page may become dirty (tableUpdate, the walk before a VM access; here at any
 * step of pre-copy); start marks them all dirty and a round sends and clears them. Their contents
 * are left out: only how many are dirty matters, to the downtime limit. A round sends the dirty
 * pages to the destination; the round after one in which the dirty set (data and table pages)
 * fits the downtime limit, or at the round limit, stops the
 * VM, runs the final sync (the owned receives' output, or every buffer page under TrapVcpuAccess),
 * sends what is dirty and switches over with the requests the device owns.
 *
 * One value per page. The Java model has bytes, so a DMA piece, a doorbell's copy of a transmit's
 * range and a copy-back of a receive's range change part of a page: here each changes the pages
 * of its request to some value, and a copy between two pages that are equal changes nothing.
 * The trapping strategy's syncs copy whole pages and are exact.
 *
 * Left out on purpose: bytes within a page (above), what a transmit sends (Java's
 * requestDataInDeviceBuffer), descriptors and their bad input (a rejected descriptor is no
 * request here), the page-table pages' contents (only whether they are dirty is kept), the two-run
 * form of MIG-1 (Java's destinationMatchesUnmigrated), simulated time and the report (Java's
 * reportAccurate).
 *
 * Java names (org.hvproof.model.migration unless said otherwise):
 *   sig Page, Buf, Val, Zero     data pages, DMA buffer pages, page contents, a zeroed page
 *   sig Req (at), Recv, Send     WorkRequest (the pages of its buffer), of direction FROM_DEVICE, TO_DEVICE
 *   sig Phase: Running, PreCopy, Migrated          MigrationPhase
 *   sig Frame: Original, Copy    BufferFrame
 *   sig Embodiment: CopyAsVcpuBuffer, CopyAsDeviceBuffer   MigrationEmbodiment
 *   sig Strategy: DoorbellAndCompletion, TrapVcpuAccess    MigrationStrategy
 *   Sys.mem, Sys.dev, Sys.dst    MigrationState.memory, deviceBuffer, destination
 *   Sys.dirty                    MigrationState.dirty (its data pages)
 *   sig Table, Sys.tables        the guest's page-table pool; MigrationState.dirty's pool pages
 *   Sys.vcpuReach, Sys.devReach  MigrationState.vcpuReach, deviceReach
 *   Sys.taken, inFlight, posted, delivered   ring indices taken (deviceHead), inFlight, posted, delivered
 *   Sys.rounds, Figures.limit, Figures.fit   pagesPerRound's size, MigrationConfig.roundLimit, pages
 *                                the downtime limit fits
 *   pred vmWrite, vmRead, take, devWrite, devRead, complete, start, round, tableUpdate
 *                                MigrationAction.GuestWrite (and Submit, a write to the ring page),
 *                                GuestRead, Doorbell (one accepted descriptor), DeviceStep (a
 *                                receive's, a transmit's), CompletionInterrupt, StartMigration,
 *                                MigrationRound, the walk's accessed/dirty updates (MigrationModel.walk)
 *   pred start_NO_BUFFER_COPY, start_IOMMU_LEFT_ON_VCPU_BUFFER, complete_COPY_BACK_NOT_DIRTY,
 *        round_REQUEST_REPLAYED_AT_SWITCH_OVER, round_ROUND_LIMIT_IGNORED
 *                                the MigrationImplFlaw constants of those names
 *   assert MIG_n_<name>          MigrationInvariants' invariant of that claim and name
 */
module migration

sig Val {}
one sig Zero extends Val {}
sig Page {}
sig Table {}
sig Buf in Page {}
abstract sig Req { at: some Buf }
sig Recv, Send extends Req {}

abstract sig Phase {}
one sig Running, PreCopy, Migrated extends Phase {}
abstract sig Frame {}
one sig Original, Copy extends Frame {}
abstract sig Embodiment {}
one sig CopyAsVcpuBuffer, CopyAsDeviceBuffer extends Embodiment {}
abstract sig Strategy {}
one sig DoorbellAndCompletion, TrapVcpuAccess extends Strategy {}

-- The flaws a build may have; the correct build has none.
abstract sig Flaw {}
one sig NO_BUFFER_COPY, IOMMU_LEFT_ON_VCPU_BUFFER, COPY_BACK_NOT_DIRTY, REQUEST_REPLAYED_AT_SWITCH_OVER,
  ROUND_LIMIT_IGNORED extends Flaw {}
one sig Build { flaws: set Flaw, embodiment: one Embodiment, strategy: one Strategy }

-- The round limit, and how many pages the downtime limit lets stop-and-copy send.
one sig Figures { limit, fit: Int } { limit >= 1 and limit <= 2 and fit >= 0 and fit <= 1 }

one sig Sys {
  var phase: one Phase,
  var mem: Page -> one Val,
  var dev: Buf -> lone Val,
  var dst: Page -> one Val,
  var dirty: set Page,
  var tables: set Table,
  var vcpuReach, devReach: Buf -> one Frame,
  var taken, inFlight, posted, delivered: set Req,
  var rounds: one Int
}

let unchanged[x] { (x)' = (x) }

pred ringFrame { unchanged[Sys.taken] and unchanged[Sys.inFlight] and unchanged[Sys.posted] and unchanged[Sys.delivered] }
pred migrationFrame {
  unchanged[Sys.dst] and unchanged[Sys.vcpuReach] and unchanged[Sys.devReach]
  unchanged[Sys.rounds] and unchanged[Sys.phase]
}
pred copyFrame { unchanged[Sys.dev] and migrationFrame }
-- The reach each side's translations have in pre-copy, as the embodiment names them.
fun vcpuFrame: one Frame { Build.embodiment = CopyAsVcpuBuffer => Copy else Original }
fun devFrame: one Frame { Build.embodiment = CopyAsVcpuBuffer => Original else Copy }
-- The buffer pages whose VM accesses exit to the trapping strategy's sync: every copied one.
fun trapped: set Buf { Build.strategy = TrapVcpuAccess => Sys.dev.Val else none }
-- Whether the hypervisor syncs at the doorbell and the completion: the copy exists under that strategy.
pred syncsAtDoorbell { some Sys.dev and Build.strategy = DoorbellAndCompletion }

-- A copy of part of each page in ps from src into frames holding was before and now after it:
-- only those pages change, and one whose source already equals it does not.
pred partCopy[ps: set Page, src: Page -> lone Val, was, now: Page -> lone Val] {
  (Page - ps) <: now = (Page - ps) <: was
  all p: ps | src[p] = was[p] implies now[p] = was[p]
}

fact init {
  Sys.phase = Running and Sys.mem = Page -> Zero and no Sys.dev and Sys.dst = Page -> Zero
  no Sys.dirty and Sys.vcpuReach = Buf -> Original and Sys.devReach = Buf -> Original
  no Sys.taken and no Sys.inFlight and no Sys.posted and no Sys.delivered and Sys.rounds = 0
  no Sys.tables
}

-- vmWrite: the VM writes v to page p (through its translation: the vCPU buffer); traced, so dirty
-- in pre-copy; a trapped page's write goes to the device buffer too.
pred vmWrite[p: Page, v: Val] {
  Sys.mem' = Sys.mem ++ p -> v
  Sys.dirty' = (Sys.phase = PreCopy => Sys.dirty + p else Sys.dirty)
  p in trapped implies Sys.dev' = Sys.dev ++ p -> v else unchanged[Sys.dev]
  ringFrame and migrationFrame
}

-- vmRead: the VM reads page p; a trapped page is first synced from the device buffer, dirty if that changed it.
pred vmRead[p: Page] {
  p in trapped implies {
    Sys.mem' = Sys.mem ++ p -> Sys.dev[p]
    Sys.dirty' = Sys.dirty + (Sys.dev[p] != Sys.mem[p] => p else none)
  } else { unchanged[Sys.mem] and unchanged[Sys.dirty] }
  ringFrame and copyFrame
}

-- take: the device takes request r at the doorbell; a transmit's data is copied into the device
-- buffer first when the hypervisor syncs at the doorbell.
pred take[r: Req] {
  r not in Sys.taken
  Sys.taken' = Sys.taken + r and Sys.inFlight' = Sys.inFlight + r
  unchanged[Sys.posted] and unchanged[Sys.delivered]
  (r in Send and syncsAtDoorbell) implies partCopy[r.at, Sys.mem, Sys.dev, Sys.dev'] else unchanged[Sys.dev]
  unchanged[Sys.mem] and unchanged[Sys.dirty] and migrationFrame
}

-- The device's progress on r: done and posted with this piece, or still in flight.
pred progress[r: Req] {
  r in Sys.inFlight
  (Sys.inFlight' = Sys.inFlight - r and Sys.posted' = Sys.posted + r)
    or (unchanged[Sys.inFlight] and unchanged[Sys.posted])
  unchanged[Sys.taken] and unchanged[Sys.delivered]
}

-- devWrite: the device writes a piece of receive r's output by DMA into the frames its IOMMU
-- reaches (the device buffer while the copy exists, else the VM's pages), only r's pages.
pred devWrite[r: Recv] {
  progress[r]
  some Sys.dev implies { (Buf - r.at) <: Sys.dev' = (Buf - r.at) <: Sys.dev and Sys.dev'.Val = Sys.dev.Val
      and unchanged[Sys.mem] }
    else { (Page - r.at) <: Sys.mem' = (Page - r.at) <: Sys.mem and unchanged[Sys.dev] }
  unchanged[Sys.dirty] and migrationFrame
}

-- devRead: the device reads a piece of transmit r's data by DMA; no memory changes.
pred devRead[r: Send] {
  progress[r]
  unchanged[Sys.mem] and unchanged[Sys.dirty] and copyFrame
}

-- The completion of r reaches the VM; a receive's, when the hypervisor syncs at the completion,
-- after its output is copied back (the pages it changed dirty per markDirty).
pred completeWith[r: Req, markDirty: Int] {
  r in Sys.posted
  Sys.posted' = Sys.posted - r and Sys.delivered' = Sys.delivered + r
  (r in Recv and syncsAtDoorbell) implies {
    partCopy[r.at, Sys.dev, Sys.mem, Sys.mem']
    Sys.dirty' = Sys.dirty + { p: r.at | markDirty = 1 and Sys.mem'[p] != Sys.mem[p] }
  } else { unchanged[Sys.mem] and unchanged[Sys.dirty] }
  unchanged[Sys.taken] and unchanged[Sys.inFlight] and copyFrame
}
pred complete[r: Req] { completeWith[r, 1] }
-- The completion under COPY_BACK_NOT_DIRTY: the copy-back marks nothing dirty.
pred complete_COPY_BACK_NOT_DIRTY[r: Req] { COPY_BACK_NOT_DIRTY in Build.flaws and completeWith[r, 0] }

-- start: the copy of the buffer pages, each side's translations redirected, every page dirty.
pred startWith[copied: Int, deviceRedirected: Int] {
  Sys.phase = Running
  Sys.phase' = PreCopy
  Sys.dev' = (copied = 1 => Buf <: Sys.mem else none -> none)
  Sys.vcpuReach' = Buf -> (copied = 1 => vcpuFrame else Original)
  Sys.devReach' = Buf -> (copied = 1 and (deviceRedirected = 1 or devFrame = Original) => devFrame else Original)
  Sys.dirty' = Page and Sys.tables' = Table
  unchanged[Sys.mem] and unchanged[Sys.dst] and unchanged[Sys.rounds] and ringFrame
}
pred start { startWith[1, 1] }
-- start under NO_BUFFER_COPY: no copy; the device keeps writing the VM's frames.
pred start_NO_BUFFER_COPY { NO_BUFFER_COPY in Build.flaws and startWith[0, 1] }
-- start under IOMMU_LEFT_ON_VCPU_BUFFER: the copy meant for the device is never given to it.
pred start_IOMMU_LEFT_ON_VCPU_BUFFER { IOMMU_LEFT_ON_VCPU_BUFFER in Build.flaws and startWith[1, 0] }

pred fits { #(Sys.dirty + Sys.tables) <= Figures.fit }
pred due { Sys.rounds >= 1 and (fits or Sys.rounds >= Figures.limit) }

-- A pre-copy round: the dirty pages to the destination, the set cleared.
pred preCopy[next: Int] {
  Sys.dst' = Sys.dst ++ (Sys.dirty <: Sys.mem)
  no Sys.dirty' and no Sys.tables'
  Sys.rounds' = next
  unchanged[Sys.mem] and unchanged[Sys.dev] and unchanged[Sys.vcpuReach] and unchanged[Sys.devReach]
  unchanged[Sys.phase] and ringFrame
}

-- The buffer pages the final sync copies from the device buffer: the pages of the receives the
-- device owns, or every buffer page under the trapping strategy.
fun finalSync: set Buf {
  Sys.dev.Val & (Build.strategy = TrapVcpuAccess => Buf else (Recv & (Sys.inFlight + Sys.posted)).at)
}

-- Stop-and-copy: the final sync (a page it changes is dirty), the dirty pages sent; the VM resumes
-- on the destination: each page as sent, else as the destination had it.
pred stopAndCopy[replay: Int] {
  all p: Page | let kept = (p in Sys.dirty => Sys.mem[p] else Sys.dst[p]) {
    p not in finalSync implies Sys.mem'[p] = kept
    else (Build.strategy = TrapVcpuAccess implies Sys.mem'[p] = (Sys.dev[p] = Sys.mem[p] => kept else Sys.dev[p])
      else (Sys.mem'[p] = kept or (Sys.mem'[p] != Sys.mem[p] and Sys.dev[p] != Sys.mem[p])))
  }
  Sys.phase' = Migrated
  no Sys.dev' and no Sys.dirty' and no Sys.tables'
  Sys.vcpuReach' = Buf -> Original and Sys.devReach' = Buf -> Original
  Sys.inFlight' = (replay = 1 => Sys.inFlight + Sys.posted else Sys.inFlight)
  unchanged[Sys.taken] and unchanged[Sys.posted] and unchanged[Sys.delivered]
  unchanged[Sys.dst] and unchanged[Sys.rounds]
}

-- round: stop-and-copy when due, else a pre-copy round.
pred round {
  Sys.phase = PreCopy
  due => stopAndCopy[0] else preCopy[add[Sys.rounds, 1]]
}
-- round under REQUEST_REPLAYED_AT_SWITCH_OVER: the posted completions handed to the device again.
pred round_REQUEST_REPLAYED_AT_SWITCH_OVER {
  REQUEST_REPLAYED_AT_SWITCH_OVER in Build.flaws
  Sys.phase = PreCopy
  due => stopAndCopy[1] else preCopy[add[Sys.rounds, 1]]
}
-- round under ROUND_LIMIT_IGNORED: past the limit it keeps pre-copying while the dirty set does not fit.
pred round_ROUND_LIMIT_IGNORED {
  ROUND_LIMIT_IGNORED in Build.flaws
  Sys.phase = PreCopy
  (Sys.rounds >= 1 and fits) => stopAndCopy[0]
    else preCopy[Sys.rounds >= Figures.limit => Sys.rounds else add[Sys.rounds, 1]]
}

pred stutter { unchanged[Sys.mem] and unchanged[Sys.dirty] and unchanged[Sys.tables] and ringFrame and copyFrame }

-- tableUpdate: in pre-copy the processor's walk sets accessed/dirty bits in table pages, each a
-- write dirty logging sees: those pages become dirty; nothing else changes.
pred tableUpdate {
  Sys.phase = PreCopy
  Sys.tables in Sys.tables' and Sys.tables' != Sys.tables
  unchanged[Sys.mem] and unchanged[Sys.dirty] and ringFrame and copyFrame
}

fact traces {
  always (
    (((some p: Page, v: Val | vmWrite[p, v]) or (some p: Page | vmRead[p])
      or (some r: Req | take[r] or complete[r] or complete_COPY_BACK_NOT_DIRTY[r])
      or (some r: Recv | devWrite[r]) or (some r: Send | devRead[r])) and unchanged[Sys.tables])
    or tableUpdate or start or start_NO_BUFFER_COPY or start_IOMMU_LEFT_ON_VCPU_BUFFER
    or round or round_REQUEST_REPLAYED_AT_SWITCH_OVER or round_ROUND_LIMIT_IGNORED
    or stutter)
}

pred correctBuild { no Build.flaws }
pred anyRound { round or round_REQUEST_REPLAYED_AT_SWITCH_OVER or round_ROUND_LIMIT_IGNORED }

pred cleanPagesAtDestination { Sys.phase = PreCopy implies all p: Page - Sys.dirty | Sys.dst[p] = Sys.mem[p] }
pred translationsReachTheirBuffer {
  Sys.phase = PreCopy implies (Sys.vcpuReach = Buf -> vcpuFrame and Sys.devReach = Buf -> devFrame)
    else (Sys.vcpuReach = Buf -> Original and Sys.devReach = Buf -> Original)
}
pred changedPagesDirty {
  (Sys.phase = PreCopy and Sys.phase' = PreCopy) implies
    all p: Page | Sys.mem'[p] != Sys.mem[p] implies p in Sys.dirty'
}
pred everyRequestAccountedOnce {
  Sys.taken = Sys.inFlight + Sys.posted + Sys.delivered
  no Sys.inFlight & Sys.posted and no (Sys.inFlight + Sys.posted) & Sys.delivered
}
pred reachesSwitchOver {
  ((eventually Sys.phase = PreCopy) and always (Sys.phase = PreCopy implies eventually anyRound))
    implies eventually Sys.phase = Migrated
}

-- MIG-1: While pre-copy runs, every page not marked dirty holds at the destination what the VM's translation reaches.
assert MIG_1_cleanPagesAtDestination { correctBuild implies always cleanPagesAtDestination }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps; one value per page.
check MIG_1_cleanPagesAtDestination for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 0

-- MIG-1: Clean pages at the destination, under NO_BUFFER_COPY.
-- Must fail, because without the copy (NO_BUFFER_COPY) the device's DMA changes a page already
-- sent and nothing marks it dirty.
assert MIG_1_wrong_cleanPagesAtDestination {
  Build.flaws = NO_BUFFER_COPY implies always cleanPagesAtDestination
}
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps; expect 1
check MIG_1_wrong_cleanPagesAtDestination for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-1 A receive completes during pre-copy, its copy-back changing a page already sent.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_1_copyBackDuringPreCopy {
  correctBuild and eventually (Sys.phase = PreCopy and Sys.rounds > 0
    and (some r: Req | complete[r]) and Sys.mem' != Sys.mem)
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-1 Under the trapping strategy a VM read during pre-copy pulls the device's output into the
-- vCPU buffer, changing a page a round had sent.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_1_trappedReadDuringPreCopy {
  correctBuild and Build.strategy = TrapVcpuAccess and eventually (Sys.phase = PreCopy and Sys.rounds > 0
    and (some p: Page | vmRead[p]) and Sys.mem' != Sys.mem)
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-2: While the copy exists the VM's translations reach the vCPU buffer and the device's the device buffer, else both the original.
assert MIG_2_translationsReachTheirBuffer { correctBuild implies always translationsReachTheirBuffer }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
check MIG_2_translationsReachTheirBuffer for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 0

-- MIG-2: Translations reach their buffer, under IOMMU_LEFT_ON_VCPU_BUFFER.
-- Must fail, because with the copy as the device buffer an IOMMU left on the VM's frames
-- (IOMMU_LEFT_ON_VCPU_BUFFER) makes the device reach the vCPU buffer.
assert MIG_2_wrong_translationsReachTheirBuffer {
  Build.flaws = IOMMU_LEFT_ON_VCPU_BUFFER implies always translationsReachTheirBuffer
}
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps; expect 1
check MIG_2_wrong_translationsReachTheirBuffer for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-2 Pre-copy with the copy as the device buffer, the device writing it.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_2_deviceWritesTheCopy {
  correctBuild and Build.embodiment = CopyAsDeviceBuffer
    and eventually (Sys.phase = PreCopy and (some r: Req | devWrite[r]))
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-3: While pre-copy runs, every page whose contents a step changes is in the dirty set after it.
assert MIG_3_changedPagesDirty { correctBuild implies always changedPagesDirty }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
check MIG_3_changedPagesDirty for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 0

-- MIG-3: Changed pages dirty, under COPY_BACK_NOT_DIRTY.
-- Must fail, because a copy-back that marks nothing dirty (COPY_BACK_NOT_DIRTY) changes a page
-- after a round cleared it.
assert MIG_3_wrong_changedPagesDirty { Build.flaws = COPY_BACK_NOT_DIRTY implies always changedPagesDirty }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps; expect 1
check MIG_3_wrong_changedPagesDirty for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-3 A copy-back changes a page after a round cleared the dirty set, and marks it.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_3_copyBackMarksDirty {
  correctBuild and eventually (Sys.phase = PreCopy and Sys.rounds > 0 and (some r: Req | complete[r])
    and Sys.mem' != Sys.mem and Sys.dirty' != Sys.dirty)
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-3 Under the trapping strategy a VM write to a copied buffer page goes to both buffers and
-- marks the page dirty.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_3_trappedWriteMarksDirty {
  correctBuild and Build.strategy = TrapVcpuAccess and eventually (Sys.phase = PreCopy and Sys.rounds > 0
    and (some p: Buf, v: Val | vmWrite[p, v] and Sys.dev'[p] = v) and Sys.dirty' != Sys.dirty)
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-3 A transmit taken at the trapped doorbell during pre-copy gets the VM's data in the device buffer.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_3_transmitSyncedAtDoorbell {
  correctBuild and Build.strategy = DoorbellAndCompletion and eventually (Sys.phase = PreCopy
    and (some r: Send | take[r]) and Sys.dev' != Sys.dev)
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-4: Every request the device took is in flight, posted or delivered, and in one of them only.
assert MIG_4_everyRequestAccountedOnce { correctBuild implies always everyRequestAccountedOnce }
-- Scope: 3 pages, 2 values (zero and one other), 2 requests, 4-bit Int, 7 steps
check MIG_4_everyRequestAccountedOnce for 3 but 2 Val, 2 Req, 4 Int, 7 steps expect 0

-- MIG-4: Every request accounted once, under REQUEST_REPLAYED_AT_SWITCH_OVER.
-- Must fail, because handing posted completions to the destination's device again
-- (REQUEST_REPLAYED_AT_SWITCH_OVER) puts a request in flight and posted at once.
assert MIG_4_wrong_everyRequestAccountedOnce {
  Build.flaws = REQUEST_REPLAYED_AT_SWITCH_OVER implies always everyRequestAccountedOnce
}
-- Scope: 3 pages, 2 values (zero and one other), 2 requests, 4-bit Int, 7 steps; expect 1
check MIG_4_wrong_everyRequestAccountedOnce for 3 but 2 Val, 2 Req, 4 Int, 7 steps expect 1

-- MIG-4 A completion is posted and not delivered when the VM switches over, and delivered after.
-- Scope: 3 pages, 2 values (zero and one other), 2 requests, 4-bit Int, 7 steps
run MIG_4_completionAcrossSwitchOver {
  correctBuild and eventually (some Sys.posted and Sys.phase = PreCopy and Sys.phase' = Migrated
    and eventually (some r: Req | complete[r]))
} for 3 but 2 Val, 2 Req, 4 Int, 7 steps expect 1

-- MIG-5: Pre-copy never runs more rounds than the round limit.
assert MIG_5_roundsBounded { correctBuild implies always Sys.rounds <= Figures.limit }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
check MIG_5_roundsBounded for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 0

-- MIG-5: A started migration whose rounds keep coming eventually switches over (bounded liveness).
assert MIG_5_reachesSwitchOver { correctBuild implies reachesSwitchOver }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps: lassos of up to 7 states, enough
-- for a start, a round, a write and the forced round at a limit of 1 (the run shows it).
check MIG_5_reachesSwitchOver for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 0

-- MIG-5: Reaches switch-over, under ROUND_LIMIT_IGNORED.
-- Must fail, because pre-copy that ignores the round limit (ROUND_LIMIT_IGNORED) goes round
-- forever while the VM dirties more than the downtime limit fits between rounds.
assert MIG_5_wrong_reachesSwitchOver { Build.flaws = ROUND_LIMIT_IGNORED implies reachesSwitchOver }
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps; expect 1
check MIG_5_wrong_reachesSwitchOver for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1

-- MIG-5 A migration that never fits the downtime limit is forced at the round limit.
-- Scope: 3 pages, 2 values (zero and one other), 1 request, 4-bit Int, 7 steps
run MIG_5_forcedAtRoundLimit {
  correctBuild and eventually (Sys.phase = PreCopy and not fits and Sys.phase' = Migrated)
} for 3 but 2 Val, 1 Req, 4 Int, 7 steps expect 1
