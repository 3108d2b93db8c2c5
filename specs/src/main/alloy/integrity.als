/*
 * integrity: the guest integrity driver and integrity mode (US11379385B2, US10430223B2;
 * seed abstracts 4 and 7). Claims GI-1..GI-8.
 *
 * What it models. A guest integrity driver with code pages, data pages and one entry point
 * (an address: page plus offset) registers once with the hypervisor. vCPUs run in normal or
 * integrity mode, on one of two views (sets of nested page tables): the protected view
 * monitors every protected page and every driver page; the integrity view monitors the same
 * pages except the driver's own data pages. Integrity mode is entered only by a call from the
 * registered entry point and is left by exit, an interrupt or a fault, each restoring the
 * protected view; a fault in integrity mode alerts. Registration makes the driver's code (and only
 * it) executable in the integrity view (Hv.exec); an instruction a vCPU in integrity mode runs
 * (fetch) from a page the integrity view does not execute, or in user mode, faults: integrity mode
 * ends with an alert (GI-8). Protection requests (page -> alert action) take effect only from integrity
 * mode; from normal mode they are refused and alerted. A guest write to a page its vCPU's
 * current view monitors alerts with that page's action.
 *
 * Left out on purpose: the tree that stores protections (tree.als), page ranges and raw
 * argument decoding (a request names one page here; the Java model decodes raw ranges and
 * returns an IntegrityCode), what an instruction does beyond its fetch (an entry names the
 * caller's address; fetch is the fetch of any other instruction in integrity mode, the operation it
 * performs is the next step), privilege levels except for a fetch (Ring), what a blocked write would have
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
 *                                DriverPage, FaultInIntegrityMode   IntegrityAlertCause.WRONG_ENTRY,
 *                                REFUSED_REQUEST, SECOND_REGISTRATION, PROTECTED_PAGE, DRIVER_PAGE,
 *                                FAULT_IN_INTEGRITY_MODE
 *   Hv.exec                      the pages the integrity view's nested page table executes
 *   sig Ring: Kernel, User       Writer.privilege 0 and 3
 *   pred fetch                   an action's instruction fetched in integrity mode
 *                                (IntegrityModel.fetchFaults decides whether it faults)
 *   sig Last                     IntegrityObservation of the last step (PolicyAlert,
 *                                WriteAlert, FaultAlert; ok is RequestResult(OK) of a request)
 *   pred register, enter, exit, interrupt, fault, protect, unprotect, guestWrite
 *                                IntegrityAction.Register, Enter, Exit, Interrupt, Fault,
 *                                Protect, Unprotect, GuestWrite
 *   sig Flaw                     the IntegrityImplFlaw (and IntegrityModelFlaw) constants
 *                                of the same names; Hv.flaw selects one for a must-fail twin
 *   assert GI_n_<name>           IntegrityInvariants' invariant of that claim and name
 *
 * Flaws. Every operation sets a vCPU's mode and its view as two separate updates, and the
 * views' monitored pages are built from the registration page by page kind, so a broken
 * hypervisor can change one without the other. Each claim's property is a pred stated once;
 * its assert checks it for the correct hypervisor (correctHv) and its twin,
 * GI_n_wrong_<name>, under one flaw. ROLLBACK_DROPS_EXISTING is modelled for one-page
 * requests: the refused protect of an already protected page "rolls back" by removing it.
 */
module integrity

abstract sig AlertAction {}
one sig RecordAndAllow, Block extends AlertAction {}

abstract sig IntegrityAlertCause {}
one sig WrongEntry, RefusedRequest, SecondRegistration, ProtectedPage, DriverPage, FaultInIntegrityMode
  extends IntegrityAlertCause {}

abstract sig Ring {}
one sig Kernel, User extends Ring {}

abstract sig Mode {}
one sig Normal, Integrity extends Mode {}

abstract sig View {}
one sig ProtectedView, IntegrityView extends View {}

sig Page {}
sig Offset {}
sig Address { page: one Page, offset: one Offset }
fact addressesDistinct { all disj a, b: Address | a.page != b.page or a.offset != b.offset }

sig Vcpu { var mode: one Mode, var view: one View }

-- Deliberately broken hypervisors, for the must-fail twins (IntegrityImplFlaw constants).
abstract sig Flaw {}
one sig ENTRY_CHECKS_PAGE_ONLY, DRIVER_DATA_UNTRACED, OWN_DATA_MONITORED_IN_INTEGRITY_VIEW,
  EXIT_KEEPS_INTEGRITY_VIEW, INTERRUPT_KEEPS_INTEGRITY_VIEW, REQUESTS_IGNORE_MODE,
  REFUSED_UNPROTECT_SILENT, ROLLBACK_DROPS_EXISTING, DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW,
  INTEGRITY_VIEW_EXECUTES_ALL, DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW, FAULT_LEAVES_SILENTLY extends Flaw {}

-- Hypervisor state: the registration and the protections requested so far.
one sig Hv {
  flaw: lone Flaw,
  var code: set Page,
  var data: set Page,
  var entry: lone Address,
  var prot: Page -> lone AlertAction,
  var exec: set Page   -- what the integrity view executes
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

pred correctHv { no Hv.flaw }

fun driverPages: set Page { Hv.code + Hv.data }
fun registered: set Hv { { h: Hv | some h.entry } }
-- The driver pages each view monitors (with Block), as registration sets up its traces.
fun protectedViewDriverPages: set Page {
  Hv.flaw = DRIVER_DATA_UNTRACED => Hv.code else Hv.code + Hv.data
}
fun integrityViewDriverPages: set Page {
  (Hv.flaw = DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW => none else Hv.code)
  + (Hv.flaw = OWN_DATA_MONITORED_IN_INTEGRITY_VIEW => Hv.data else none)
}
-- What the view a vCPU runs on monitors, and with which action.
fun monitored[v: Vcpu]: Page -> AlertAction {
  v.view = IntegrityView => ((Hv.prot - (Hv.data -> AlertAction)) ++ (integrityViewDriverPages -> Block))
                       else (Hv.prot ++ (protectedViewDriverPages -> Block))
}

let unchanged[x] { (x)' = (x) }

pred hvFrame {
  unchanged[Hv.code] and unchanged[Hv.data] and unchanged[Hv.entry] and unchanged[Hv.prot] and unchanged[Hv.exec]
}
pred vcpusFrame { unchanged[mode] and unchanged[view] }
pred noAlert { no Last.cause' and no Last.alertPage' and no Last.alertAction' }
pred alert[v: Vcpu, c: IntegrityAlertCause] { Last.actor' = v and Last.cause' = c and no Last.alertPage' and no Last.alertAction' }

fact init {
  no Hv.code and no Hv.data and no Hv.entry and no Hv.prot and no Hv.exec
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
    -- the integrity view executes the code only (as the flaws build it: everything, or data too)
    Hv.exec' = (Hv.flaw = INTEGRITY_VIEW_EXECUTES_ALL => Page
      else Hv.flaw = DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW => Choice.code + Choice.data else Choice.code)
    unchanged[Hv.prot]
    Last.actor' = v and noAlert
  } else {
    -- a second registration is refused and alerted
    hvFrame
    alert[v, SecondRegistration]
  }
  vcpusFrame
}

-- The entry guard under ENTRY_CHECKS_PAGE_ONLY: it compares only the caller's page with the
-- entry point's page.
pred enter_ENTRY_CHECKS_PAGE_ONLY[a: Address] { some Hv.entry and a.page = Hv.entry.page }
-- The entry guard: exactly the registered entry point.
pred admits[a: Address] {
  Hv.flaw = ENTRY_CHECKS_PAGE_ONLY => enter_ENTRY_CHECKS_PAGE_ONLY[a] else (some Hv.entry and a = Hv.entry)
}

-- enter: a call into integrity mode from address a; only the registered entry point works.
-- The mode and the view are two updates.
pred enter[v: Vcpu, a: Address] {
  v.mode = Normal
  no Last.ok'
  admits[a] implies {
    mode' = mode ++ v -> Integrity
    view' = view ++ v -> IntegrityView
    Last.actor' = v and noAlert
  } else {
    vcpusFrame
    alert[v, WrongEntry]
  }
  hvFrame
}

-- Every way out of integrity mode ends the mode and, as a separate update, restores the
-- protected view (unless the flaw keeps the view: EXIT_KEEPS_INTEGRITY_VIEW for exit,
-- INTERRUPT_KEEPS_INTEGRITY_VIEW for an interrupt).
pred leaveIntegrity[v: Vcpu, keepsView: lone Flaw] {
  v.mode = Integrity
  mode' = mode ++ v -> Normal
  (some keepsView and Hv.flaw = keepsView) => unchanged[view] else view' = view ++ v -> ProtectedView
  hvFrame
  no Last.ok'
}
pred exit[v: Vcpu] { leaveIntegrity[v, EXIT_KEEPS_INTEGRITY_VIEW] and Last.actor' = v and noAlert }
pred interrupt[v: Vcpu] { leaveIntegrity[v, INTERRUPT_KEEPS_INTEGRITY_VIEW] and Last.actor' = v and noAlert }
-- A fault in integrity mode ends it with an alert (FAULT_LEAVES_SILENTLY: without).
pred fault[v: Vcpu] {
  leaveIntegrity[v, none]
  Hv.flaw = FAULT_LEAVES_SILENTLY => (Last.actor' = v and noAlert) else alert[v, FaultInIntegrityMode]
}

-- fetch: a vCPU in integrity mode fetches an instruction at address a in ring k through the
-- integrity view. The hardware faults a fetch from a page the view does not execute, or in user
-- mode (the driver's code is kernel code): that is a fault. Otherwise the instruction runs; what it
-- does (a request, a write, an exit) is the next step.
pred fetch[v: Vcpu, a: Address, k: Ring] {
  v.mode = Integrity
  (k = User or a.page not in Hv.exec) implies fault[v] else {
    hvFrame and vcpusFrame
    Last.actor' = v and noAlert and no Last.ok'
  }
}

-- Whether the hypervisor honours v's protection request: from integrity mode, or from any
-- mode under REQUESTS_IGNORE_MODE.
pred honours[v: Vcpu] { v.mode = Integrity or Hv.flaw = REQUESTS_IGNORE_MODE }

-- protect: map page p to action a. Honoured only from integrity mode.
pred protect[v: Vcpu, p: Page, a: AlertAction] {
  honours[v] implies {
    -- guards: not protected yet, not a driver page (those are protected by registration)
    (no Hv.prot[p] and p not in driverPages) implies {
      Hv.prot' = Hv.prot + p -> a
      Last.ok' = v
    } else {
      -- refused; under ROLLBACK_DROPS_EXISTING the "roll back" unprotects the page
      Hv.flaw = ROLLBACK_DROPS_EXISTING => Hv.prot' = Hv.prot - p -> AlertAction else unchanged[Hv.prot]
      no Last.ok'
    }
    Last.actor' = v and noAlert
  } else {
    unchanged[Hv.prot]
    no Last.ok'
    alert[v, RefusedRequest]
  }
  unchanged[Hv.code] and unchanged[Hv.data] and unchanged[Hv.entry] and unchanged[Hv.exec]
  vcpusFrame
}

-- unprotect: remove page p's protection. Honoured only from integrity mode.
pred unprotect[v: Vcpu, p: Page] {
  honours[v] implies {
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
    -- REFUSED_UNPROTECT_SILENT: the refusal raises no alert
    Hv.flaw = REFUSED_UNPROTECT_SILENT => (Last.actor' = v and noAlert) else alert[v, RefusedRequest]
  }
  unchanged[Hv.code] and unchanged[Hv.data] and unchanged[Hv.entry] and unchanged[Hv.exec]
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

-- The claims' properties, each stated once: the asserts check them for the correct
-- hypervisor, the twins under one flaw.
pred entryOnlyAtEntryPoint {
  always all v: Vcpu | {
    (v.mode = Normal and v.mode' = Integrity) implies some Hv.entry and enter[v, Hv.entry]
    all a: Address | (enter[v, a] and a != Hv.entry) implies
      (v.mode' = Normal and Last.cause' = WrongEntry)
  }
}
pred driverPagesAlertOutsideIntegrityMode {
  always all v: Vcpu, p: driverPages | (guestWrite[v, p] and v.mode = Normal) implies
    (Last.cause' = DriverPage and Last.alertPage' = p)
}
pred ownDataQuietInIntegrityMode {
  always all v: Vcpu, p: Hv.data | (guestWrite[v, p] and v.mode = Integrity) implies no Last.cause'
}
pred viewFollowsMode { all v: Vcpu | v.view = IntegrityView iff v.mode = Integrity }
pred exitsRestoreProtectedView {
  always all v: Vcpu | (v.mode = Integrity and v.mode' = Normal) implies
    (v.view' = ProtectedView and (exit[v] or interrupt[v] or fault[v]))
}
pred requestsOnlyFromIntegrityMode {
  always {
    Hv.prot' != Hv.prot implies
      (some v: Vcpu | v.mode = Integrity and ((some p: Page, a: AlertAction | protect[v, p, a]) or (some p: Page | unprotect[v, p])))
    all v: Vcpu | (v.mode = Normal and ((some p: Page, a: AlertAction | protect[v, p, a]) or (some p: Page | unprotect[v, p])))
      implies (Hv.prot' = Hv.prot and Last.cause' = RefusedRequest)
  }
}
pred protectionsPersist {
  always all p: Page, a: AlertAction | p -> a in Hv.prot implies
    (p -> a in Hv.prot' or some v: Vcpu | v.mode = Integrity and unprotect[v, p])
}
pred otherProtectedPagesAlertInIntegrityMode {
  always all v: Vcpu, p: Page | (guestWrite[v, p] and v.mode = Integrity and p not in Hv.data) implies {
    some Hv.prot[p] implies Last.alertAction' = Hv.prot[p]
    p in Hv.code implies Last.alertAction' = Block
  }
}

pred onlyDriverCodeRunsInIntegrityMode {
  always all v: Vcpu | v.mode = Integrity implies {
    all a: Address, k: Ring | fetch[v, a, k] implies
      ((k = Kernel and a.page in Hv.code and v.mode' = Integrity)
        or (v.mode' = Normal and v.view' = ProtectedView and Last.cause' = FaultInIntegrityMode))
    fault[v] implies Last.cause' = FaultInIntegrityMode
  }
}

-- GI-1: Integrity mode is entered only at the registered entry point; any other address alerts.
assert GI_1_entryOnlyAtEntryPoint { correctHv => entryOnlyAtEntryPoint }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps: registration, entries from the
-- entry point and from other offsets of its page, exits, with the second vCPU in either mode.
check GI_1_entryOnlyAtEntryPoint for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-1 A call from a wrong address alerts, while another vCPU is in integrity mode.
run GI_1_wrongOffsetEntryAlert {
  correctHv
  eventually some v: Vcpu, a: Address | enter[v, a] and a.page = Hv.entry.page and a != Hv.entry
    and some (Vcpu - v) & mode.Integrity
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-1 Under ENTRY_CHECKS_PAGE_ONLY integrity mode is entered only at the entry point.
-- Must fail, because a page-only entry check admits a call from another offset of the entry
-- page (the counterexample: register, then enter from the entry page's other offset, which
-- takes the vCPU into integrity mode).
check GI_1_wrong_pageOnlyEntryCheckAdmitsOnlyEntryPoint {
  Hv.flaw = ENTRY_CHECKS_PAGE_ONLY => entryOnlyAtEntryPoint
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-2: Outside integrity mode, every write to the driver's code or data pages alerts.
assert GI_2_driverPagesAlertOutsideIntegrityMode { correctHv => driverPagesAlertOutsideIntegrityMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps: writes to code and data pages
-- before any entry and after a return from integrity mode by exit, interrupt or fault.
check GI_2_driverPagesAlertOutsideIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-2 A normal-mode write to the driver's data page alerts after the vCPU left integrity mode.
run GI_2_dataWriteAfterExit {
  correctHv
  eventually some v: Vcpu | {
    exit[v] or interrupt[v] or fault[v]
    eventually some p: Hv.data | guestWrite[v, p] and v.mode = Normal
  }
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-2 Under DRIVER_DATA_UNTRACED every driver-page write outside integrity mode alerts.
-- Must fail, because registration leaves the data pages out of the protected view, so a
-- normal-mode write to a data page raises no alert (the counterexample: register, write).
check GI_2_wrong_driverDataUntraced {
  Hv.flaw = DRIVER_DATA_UNTRACED => driverPagesAlertOutsideIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-2 Under EXIT_KEEPS_INTEGRITY_VIEW every driver-page write outside integrity mode alerts.
-- Must fail, because exit ends the mode but leaves the vCPU on the integrity view, which does
-- not monitor the data pages (the counterexample: register, enter, exit, write to data).
check GI_2_wrong_exitKeepsIntegrityView {
  Hv.flaw = EXIT_KEEPS_INTEGRITY_VIEW => driverPagesAlertOutsideIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-3: Inside integrity mode, the driver's writes to its own data pages never alert.
assert GI_3_ownDataQuietInIntegrityMode { correctHv => ownDataQuietInIntegrityMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps.
check GI_3_ownDataQuietInIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-3 Integrity-mode work without an alert: the driver protects a page, then writes its own data.
run GI_3_quietOwnDataWrite {
  correctHv
  eventually some v: Vcpu, p: Page | guestWrite[v, p] and v.mode = Integrity and p in Hv.data and some Hv.prot
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-3 Under OWN_DATA_MONITORED_IN_INTEGRITY_VIEW the driver's own data writes stay quiet.
-- Must fail, because the integrity view monitors the data pages too, so the driver's own
-- write in integrity mode alerts (the counterexample: register, enter, write to data).
check GI_3_wrong_ownDataMonitoredInIntegrityView {
  Hv.flaw = OWN_DATA_MONITORED_IN_INTEGRITY_VIEW => ownDataQuietInIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-4: A vCPU runs on the integrity view if and only if it is in integrity mode.
assert GI_4_viewFollowsMode { correctHv => always viewFollowsMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps: enter, exit, interrupt and fault
-- on either vCPU, with the other in either mode.
check GI_4_viewFollowsMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-4 An interrupt takes a vCPU out of integrity mode while the other vCPU is in it.
run GI_4_interruptLeavesIntegrity {
  correctHv
  eventually some v: Vcpu | interrupt[v] and some (Vcpu - v) & mode.Integrity
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-4 Under INTERRUPT_KEEPS_INTEGRITY_VIEW the view follows the mode.
-- Must fail, because an interrupt ends integrity mode and, a separate update, leaves the view
-- as it was (the counterexample: register, enter, interrupt: normal mode on the integrity view).
check GI_4_wrong_interruptKeepsIntegrityView {
  Hv.flaw = INTERRUPT_KEEPS_INTEGRITY_VIEW => always viewFollowsMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-4: Every way out of integrity mode (exit, interrupt, fault) restores the protected view.
assert GI_4_exitsRestoreProtectedView { correctHv => exitsRestoreProtectedView }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps.
check GI_4_exitsRestoreProtectedView for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-4 Under EXIT_KEEPS_INTEGRITY_VIEW every way out restores the protected view.
-- Must fail, because exit ends the mode without switching the view back (the counterexample:
-- register, enter, exit).
check GI_4_wrong_exitKeepsIntegrityView {
  Hv.flaw = EXIT_KEEPS_INTEGRITY_VIEW => exitsRestoreProtectedView
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-4: Views follow modes in the initial state (the base case of the induction below).
assert GI_4_viewFollowsMode_init { viewFollowsMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 3 vCPUs, 1 step (the initial state).
check GI_4_viewFollowsMode_init for 3 but 2 Offset, 4 Address, 3 Vcpu, 1 steps expect 0

-- GI-4 The initial state at that scope: every vCPU in normal mode.
run GI_4_initialState { all v: Vcpu | v.mode = Normal } for 3 but 2 Offset, 4 Address, 3 Vcpu, 1 steps expect 1

-- GI-4: Step preservation of viewFollowsMode: a state where views follow modes keeps that after
-- any one step. Not a full induction (init is a fact, so pre-states are reachable ones).
assert GI_4_viewFollowsMode_step {
  correctHv => always (viewFollowsMode implies after viewFollowsMode)
}
-- Scope: 3 pages, 2 offsets, 4 addresses, 3 vCPUs, 4 steps: the smallest that reaches a step
-- out of integrity mode (register, enter, exit, interrupt or fault) with three vCPUs.
check GI_4_viewFollowsMode_step for 3 but 2 Offset, 4 Address, 3 Vcpu, 4 steps expect 0

-- GI-4 A vCPU enters and leaves integrity mode within that scope.
run GI_4_enterAndLeave {
  correctHv
  eventually some v: Vcpu | (exit[v] or interrupt[v] or fault[v])
} for 3 but 2 Offset, 4 Address, 3 Vcpu, 4 steps expect 1

-- GI-5: Protection requests take effect only from integrity mode; from elsewhere they change nothing and alert.
assert GI_5_requestsOnlyFromIntegrityMode { correctHv => requestsOnlyFromIntegrityMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps.
check GI_5_requestsOnlyFromIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-5 A protect request from normal mode is refused with an alert.
run GI_5_refusedProtect {
  correctHv
  eventually some v: Vcpu, p: Page, a: AlertAction | protect[v, p, a] and v.mode = Normal and some Hv.entry
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-5 Under REQUESTS_IGNORE_MODE requests take effect only from integrity mode.
-- Must fail, because a request from normal mode is handled as one from integrity mode (the
-- counterexample: an unprotect from normal mode that is not refused and raises no
-- refused-request alert; a protect would add its protection).
check GI_5_wrong_requestsIgnoreMode {
  Hv.flaw = REQUESTS_IGNORE_MODE => requestsOnlyFromIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-5 Under REFUSED_UNPROTECT_SILENT refused requests still alert.
-- Must fail, because an unprotect from normal mode is refused without the refused-request
-- alert (the counterexample: one unprotect from normal mode).
check GI_5_wrong_refusedUnprotectSilent {
  Hv.flaw = REFUSED_UNPROTECT_SILENT => requestsOnlyFromIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-6: A protected page stays protected until removed by a request from integrity mode.
assert GI_6_protectionsPersist { correctHv => protectionsPersist }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps: protect, a second protect of the
-- same page, unprotect from either mode.
check GI_6_protectionsPersist for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-6 A protection is removed from integrity mode.
run GI_6_honouredUnprotect {
  correctHv
  eventually some v: Vcpu, p: Page | unprotect[v, p] and Last.ok' = v
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-6 Under ROLLBACK_DROPS_EXISTING protections persist.
-- Must fail, because a refused protect of an already protected page "rolls back" by removing
-- that page's protection (the counterexample: register, enter, protect p, protect p again).
check GI_6_wrong_rollbackDropsExisting {
  Hv.flaw = ROLLBACK_DROPS_EXISTING => protectionsPersist
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-7: Inside integrity mode, a write to a protected page that is not the driver's own data still alerts with its action.
assert GI_7_otherProtectedPagesAlertInIntegrityMode { correctHv => otherProtectedPagesAlertInIntegrityMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps.
check GI_7_otherProtectedPagesAlertInIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-7 In integrity mode a write to a requested protection still alerts.
run GI_7_protectedPageAlertInIntegrityMode {
  correctHv
  eventually some v: Vcpu, p: Page | guestWrite[v, p] and v.mode = Integrity and Last.cause' = ProtectedPage
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-7 Under DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW other monitored pages alert in integrity mode.
-- Must fail, because the integrity view leaves the driver's code unmonitored, so a code write in
-- integrity mode raises no Block alert (the counterexample: register, enter, write to code).
check GI_7_wrong_driverCodeWritableInIntegrityView {
  Hv.flaw = DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW => otherProtectedPagesAlertInIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-8: In integrity mode only the driver's code runs: an instruction from anywhere else, or in user
-- mode, and any fault end integrity mode on the protected view with an alert.
assert GI_8_onlyDriverCodeRunsInIntegrityMode { correctHv => onlyDriverCodeRunsInIntegrityMode }
-- Scope: 3 pages, 2 offsets, 4 addresses, 2 vCPUs, 6 steps: registration, entry, instructions from
-- the code, the data and the other page in either ring, faults, with the other vCPU in either mode.
check GI_8_onlyDriverCodeRunsInIntegrityMode for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 0

-- GI-8 The driver runs its code away from the entry point, then an instruction from its data faults.
run GI_8_strayInstructionFaults {
  correctHv
  eventually some v: Vcpu, a: Address | {
    fetch[v, a, Kernel] and a != Hv.entry and a.page in Hv.code
    eventually some b: Address | fetch[v, b, Kernel] and b.page in Hv.data and Last.cause' = FaultInIntegrityMode
  }
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-8 Under INTEGRITY_VIEW_EXECUTES_ALL only the driver's code runs in integrity mode.
-- Must fail, because the integrity view executes every page, so an instruction from a page that is
-- not the driver's code runs in integrity mode (the counterexample: register, enter, fetch from data).
check GI_8_wrong_integrityViewExecutesAll {
  Hv.flaw = INTEGRITY_VIEW_EXECUTES_ALL => onlyDriverCodeRunsInIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-8 Under DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW only the driver's code runs in integrity mode.
-- Must fail, because registration makes the data executable too, so code written there runs as the
-- driver (the counterexample: register, enter, fetch from a data page).
check GI_8_wrong_driverDataExecutableInIntegrityView {
  Hv.flaw = DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW => onlyDriverCodeRunsInIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1

-- GI-8 Under FAULT_LEAVES_SILENTLY faults in integrity mode alert.
-- Must fail, because a fault ends integrity mode without the alert (the counterexample: register,
-- enter, fault).
check GI_8_wrong_faultLeavesSilently {
  Hv.flaw = FAULT_LEAVES_SILENTLY => onlyDriverCodeRunsInIntegrityMode
} for 3 but 2 Offset, 4 Address, 2 Vcpu, 6 steps expect 1
