/*
 * integrity: the guest integrity driver and integrity mode (US11379385B2, US10430223B2;
 * seed abstracts 4 and 7). Claims GI-1..GI-7.
 *
 * What it models. A guest integrity driver with code pages, data pages and one entry point
 * (an address: page plus offset) registers once with the hypervisor. vCPUs run in normal or
 * integrity mode, on one of two views (sets of nested page tables): the protected view
 * monitors every protected page and every driver page; the integrity view monitors the same
 * pages except the driver's own data pages. Integrity mode is entered only by a call from the
 * registered entry point and is left by exit, an interrupt or a fault, each restoring the
 * protected view. Protection requests (page -> alert action) take effect only from integrity
 * mode; from normal mode they are refused and alerted. A guest write to a page its vCPU's
 * current view monitors alerts with that page's action.
 *
 * Left out on purpose: the tree that stores protections (tree.als), page ranges and raw
 * argument decoding (a request names one page here; the Java model decodes raw ranges and
 * returns an IntegrityCode), instruction-level execution (an entry names the caller's
 * address), privilege levels (no claim depends on them), what a blocked write would have
 * written, and unknown vCPUs.
 *
 * Java names (org.hvproof.model.integrity unless said otherwise):
 *   sig Hv                       IntegrityState: code, data and entry are its Driver
 *                                (code, data, entryPoint), prot its protections
 *   sig Vcpu (mode, view)        IntegrityState.vcpus, one VcpuState (mode, view) each
 *   sig Mode: Normal, Integrity  Mode.NORMAL, Mode.INTEGRITY
 *   sig View: ProtectedView, IntegrityView   View.PROTECTED, View.INTEGRITY
 *   sig AlertAction: RecordAndAllow, Block   model.tree.AlertAction.RECORD_AND_ALLOW, BLOCK
 *   sig IntegrityAlertCause: WrongEntry, RefusedRequest, SecondRegistration, ProtectedPage,
 *                                DriverPage   IntegrityAlertCause.WRONG_ENTRY, REFUSED_REQUEST,
 *                                SECOND_REGISTRATION, PROTECTED_PAGE, DRIVER_PAGE
 *   sig Last                     IntegrityObservation of the last step (PolicyAlert,
 *                                WriteAlert; ok is RequestResult(OK) of a request)
 *   pred register, enter, exit, interrupt, fault, protect, unprotect, guestWrite
 *                                IntegrityAction.Register, Enter, Exit, Interrupt, Fault,
 *                                Protect, Unprotect, GuestWrite
 *   pred enter_ENTRY_CHECKS_PAGE_ONLY   the entry guard under IntegrityImplFlaw and
 *                                IntegrityModelFlaw ENTRY_CHECKS_PAGE_ONLY
 *   assert GI_n_<name>           IntegrityInvariants' invariant of that claim and name
 */
module integrity

abstract sig AlertAction {}
one sig RecordAndAllow, Block extends AlertAction {}

abstract sig IntegrityAlertCause {}
one sig WrongEntry, RefusedRequest, SecondRegistration, ProtectedPage, DriverPage extends IntegrityAlertCause {}

abstract sig Mode {}
one sig Normal, Integrity extends Mode {}

abstract sig View {}
one sig ProtectedView, IntegrityView extends View {}

sig Page {}
sig Offset {}
sig Address { page: one Page, offset: one Offset }
fact addressesDistinct { all disj a, b: Address | a.page != b.page or a.offset != b.offset }

sig Vcpu { var mode: one Mode, var view: one View }

-- Hypervisor state: the registration and the protections requested so far.
one sig Hv {
  var code: set Page,
  var data: set Page,
  var entry: lone Address,
  var prot: Page -> lone AlertAction
}

-- Register's choice of layout; free in every state (a set-valued argument cannot be
-- quantified inside `always`).
one sig Choice { var code, data: set Page }

-- What the last step showed an observer.
one sig Last {
  var actor: lone Vcpu,
  var cause: lone IntegrityAlertCause,
  var alertPage: lone Page,
  var alertAction: lone AlertAction,
  var ok: lone Vcpu   -- the request of this vCPU succeeded
}

fun driverPages: set Page { Hv.code + Hv.data }
fun registered: set Hv { { h: Hv | some h.entry } }
-- What the view a vCPU runs on monitors, and with which action.
fun monitored[v: Vcpu]: Page -> AlertAction {
  v.view = IntegrityView => (Hv.prot + (Hv.code -> Block) - (Hv.data -> AlertAction))
                       else (Hv.prot + (driverPages -> Block))
}

let unchanged[x] { (x)' = (x) }

pred hvFrame { unchanged[Hv.code] and unchanged[Hv.data] and unchanged[Hv.entry] and unchanged[Hv.prot] }
pred vcpusFrame { unchanged[mode] and unchanged[view] }
pred noAlert { no Last.cause' and no Last.alertPage' and no Last.alertAction' }
pred alert[v: Vcpu, c: IntegrityAlertCause] { Last.actor' = v and Last.cause' = c and no Last.alertPage' and no Last.alertAction' }

fact init {
  no Hv.code and no Hv.data and no Hv.entry and no Hv.prot
  Vcpu.mode = Normal and Vcpu.view = ProtectedView
  no Last.actor and no Last.cause and no Last.alertPage and no Last.alertAction and no Last.ok
}

-- register: the driver announces its code and data pages and its entry point, once.
pred register[v: Vcpu, e: Address] {
  v.mode = Normal
  no Last.ok'
  no Hv.entry implies {
    -- guard: a sane layout (malformed ones are refused without effect)
    some Choice.code and some Choice.data and no Choice.code & Choice.data and e.page in Choice.code
    -- effect
    Hv.code' = Choice.code and Hv.data' = Choice.data and Hv.entry' = e
    unchanged[Hv.prot]
    Last.actor' = v and noAlert
  } else {
    -- a second registration is refused and alerted
    hvFrame
    alert[v, SecondRegistration]
  }
  vcpusFrame
}

-- enter: a call into integrity mode from address a; only the registered entry point works.
pred enter[v: Vcpu, a: Address] {
  v.mode = Normal
  no Last.ok'
  (some Hv.entry and a = Hv.entry) implies {
    mode' = mode ++ v -> Integrity
    view' = view ++ v -> IntegrityView
    Last.actor' = v and noAlert
  } else {
    vcpusFrame
    alert[v, WrongEntry]
  }
  hvFrame
}

-- Every way out of integrity mode restores the protected view.
pred leaveIntegrity[v: Vcpu] {
  v.mode = Integrity
  mode' = mode ++ v -> Normal
  view' = view ++ v -> ProtectedView
  hvFrame
  Last.actor' = v and noAlert and no Last.ok'
}
pred exit[v: Vcpu] { leaveIntegrity[v] }
pred interrupt[v: Vcpu] { leaveIntegrity[v] }
pred fault[v: Vcpu] { leaveIntegrity[v] }

-- protect: map page p to action a. Honoured only from integrity mode.
pred protect[v: Vcpu, p: Page, a: AlertAction] {
  v.mode = Integrity implies {
    -- guards: not protected yet, not a driver page (those are protected by registration)
    (no Hv.prot[p] and p not in driverPages) implies {
      Hv.prot' = Hv.prot + p -> a
      Last.ok' = v
    } else {
      unchanged[Hv.prot]
      no Last.ok'
    }
    Last.actor' = v and noAlert
  } else {
    unchanged[Hv.prot]
    no Last.ok'
    alert[v, RefusedRequest]
  }
  unchanged[Hv.code] and unchanged[Hv.data] and unchanged[Hv.entry]
  vcpusFrame
}

-- unprotect: remove page p's protection. Honoured only from integrity mode.
pred unprotect[v: Vcpu, p: Page] {
  v.mode = Integrity implies {
    some Hv.prot[p] implies {
      Hv.prot' = Hv.prot - p -> AlertAction
      Last.ok' = v
    } else {
      unchanged[Hv.prot]
      no Last.ok'
    }
    Last.actor' = v and noAlert
  } else {
    unchanged[Hv.prot]
    no Last.ok'
    alert[v, RefusedRequest]
  }
  unchanged[Hv.code] and unchanged[Hv.data] and unchanged[Hv.entry]
  vcpusFrame
}

-- guestWrite: a guest write by v to page p, judged by the view v runs on.
pred guestWrite[v: Vcpu, p: Page] {
  Last.actor' = v
  no Last.ok'
  some monitored[v][p] implies {
    Last.cause' = (p in driverPages => DriverPage else ProtectedPage)
    Last.alertPage' = p
    Last.alertAction' = monitored[v][p]
  } else noAlert
  hvFrame
  vcpusFrame
}

pred stutter {
  hvFrame and vcpusFrame
  no Last.actor' and noAlert and no Last.ok'
}

fact traces {
  always (
    (some v: Vcpu, a: Address | register[v, a] or enter[v, a])
    or (some v: Vcpu | exit[v] or interrupt[v] or fault[v])
    or (some v: Vcpu, p: Page, a: AlertAction | protect[v, p, a])
    or (some v: Vcpu, p: Page | unprotect[v, p] or guestWrite[v, p])
    or stutter)
}

-- GI-1: Integrity mode is entered only at the registered entry point; any other address alerts.
assert GI_1_entryOnlyAtEntryPoint {
  always all v: Vcpu | {
    (v.mode = Normal and v.mode' = Integrity) implies some Hv.entry and enter[v, Hv.entry]
    all a: Address | (enter[v, a] and a != Hv.entry) implies
      (v.mode' = Normal and Last.cause' = WrongEntry)
  }
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_1_entryOnlyAtEntryPoint for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-2: Outside integrity mode, every write to the driver's code or data pages alerts.
assert GI_2_driverPagesAlertOutsideIntegrityMode {
  always all v: Vcpu, p: driverPages | (guestWrite[v, p] and v.mode = Normal) implies
    (Last.cause' = DriverPage and Last.alertPage' = p)
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_2_driverPagesAlertOutsideIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-3: Inside integrity mode, the driver's writes to its own data pages never alert.
assert GI_3_ownDataQuietInIntegrityMode {
  always all v: Vcpu, p: Hv.data | (guestWrite[v, p] and v.mode = Integrity) implies no Last.cause'
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_3_ownDataQuietInIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-4: A vCPU runs on the integrity view if and only if it is in integrity mode.
assert GI_4_viewFollowsMode { always all v: Vcpu | v.view = IntegrityView iff v.mode = Integrity }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_4_viewFollowsMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-4: Every way out of integrity mode (exit, interrupt, fault) restores the protected view.
assert GI_4_exitsRestoreProtectedView {
  always all v: Vcpu | (v.mode = Integrity and v.mode' = Normal) implies
    (v.view' = ProtectedView and (exit[v] or interrupt[v] or fault[v]))
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_4_exitsRestoreProtectedView for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-4: Views follow modes in the initial state (the base case of the induction below).
assert GI_4_viewFollowsMode_init { all v: Vcpu | v.view = IntegrityView iff v.mode = Integrity }
-- Scope: 3 pages, 2 offsets, 4 addresses, 3 vCPUs, 1 step
check GI_4_viewFollowsMode_init for 3 but 2 Offset, 4 Address, 3 Vcpu, 1 steps expect 0

-- GI-4: Step preservation of viewFollowsMode: a state where views follow modes keeps that after
-- any one step. Not a full induction (init is a fact, so pre-states are reachable ones); cheap
-- at 3 vCPUs.
assert GI_4_viewFollowsMode_step {
  always ((all v: Vcpu | v.view = IntegrityView iff v.mode = Integrity) implies
          after (all v: Vcpu | v.view = IntegrityView iff v.mode = Integrity))
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 3 vCPUs, 2 steps
check GI_4_viewFollowsMode_step for 3 but 2 Offset, 4 Address, 3 Vcpu, 2 steps expect 0

-- GI-5: Protection requests take effect only from integrity mode; from elsewhere they change nothing and alert.
assert GI_5_requestsOnlyFromIntegrityMode {
  always {
    Hv.prot' != Hv.prot implies
      (some v: Vcpu | v.mode = Integrity and ((some p: Page, a: AlertAction | protect[v, p, a]) or (some p: Page | unprotect[v, p])))
    all v: Vcpu | (v.mode = Normal and ((some p: Page, a: AlertAction | protect[v, p, a]) or (some p: Page | unprotect[v, p])))
      implies (Hv.prot' = Hv.prot and Last.cause' = RefusedRequest)
  }
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_5_requestsOnlyFromIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-6: A protected page stays protected until removed by a request from integrity mode.
assert GI_6_protectionsPersist {
  always all p: Page, a: AlertAction | p -> a in Hv.prot implies
    (p -> a in Hv.prot' or some v: Vcpu | v.mode = Integrity and unprotect[v, p])
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_6_protectionsPersist for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-7: Inside integrity mode, a write to a protected page that is not the driver's own data still alerts with its action.
assert GI_7_otherProtectedPagesAlertInIntegrityMode {
  always all v: Vcpu, p: Page | (guestWrite[v, p] and v.mode = Integrity and p not in Hv.data) implies {
    some Hv.prot[p] implies Last.alertAction' = Hv.prot[p]
    p in Hv.code implies Last.alertAction' = Block
  }
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
check GI_7_otherProtectedPagesAlertInIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- The entry guard under the flaw ENTRY_CHECKS_PAGE_ONLY (IntegrityImplFlaw, IntegrityModelFlaw):
-- it compares only the caller's page with the entry point's page.
pred enter_ENTRY_CHECKS_PAGE_ONLY[a: Address] { some Hv.entry and a.page = Hv.entry.page }
-- GI-1: A page-only entry check would admit only the registered entry point (false: kept to show the claim has teeth).
assert GI_1_wrong_pageOnlyEntryCheckAdmitsOnlyEntryPoint {
  always all a: Address | enter_ENTRY_CHECKS_PAGE_ONLY[a] implies a = Hv.entry
}
-- Must fail, because a page-only entry check admits a call from another offset of the entry
-- page, so "only at the registered entry point" breaks under ENTRY_CHECKS_PAGE_ONLY.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 4 steps; expect 1
check GI_1_wrong_pageOnlyEntryCheckAdmitsOnlyEntryPoint for 3 but 2 Offset, 4 Address, 2 Vcpu, 4 steps expect 1

-- GI-5 A protect request from normal mode is refused with an alert.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 4 steps
run GI_5_refusedProtect {
  eventually some v: Vcpu, p: Page, a: AlertAction | protect[v, p, a] and v.mode = Normal and some Hv.entry
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 4 steps expect 1

-- GI-3 Integrity-mode work without an alert: the driver protects a page, then writes its own data.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
run GI_3_quietOwnDataWrite {
  eventually some v: Vcpu, p: Page | guestWrite[v, p] and v.mode = Integrity and p in Hv.data and some Hv.prot
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-1 A call from a wrong address alerts, while another vCPU is in integrity mode.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 5 steps
run GI_1_wrongOffsetEntryAlert {
  eventually some v: Vcpu, a: Address | enter[v, a] and a.page = Hv.entry.page and a != Hv.entry
    and some (Vcpu - v) & mode.Integrity
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 5 steps expect 1

-- GI-7 In integrity mode a write to a requested protection still alerts.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
run GI_7_protectedPageAlertInIntegrityMode {
  eventually some v: Vcpu, p: Page | guestWrite[v, p] and v.mode = Integrity and Last.cause' = ProtectedPage
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-4 An interrupt takes a vCPU out of integrity mode.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 4 steps
run GI_4_interruptLeavesIntegrity { eventually some v: Vcpu | interrupt[v] } for 3 but 2 Offset, 4 Address, 2 Vcpu, 4 steps expect 1

-- GI-6 A protection is removed from integrity mode.
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps
run GI_6_honouredUnprotect { eventually some v: Vcpu, p: Page | unprotect[v, p] and Last.ok' = v } for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1
