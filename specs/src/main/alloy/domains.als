/*
 * domains — root and secure protection domains (US9870324B2; seed abstracts 3
 * and 10; claims PD-1..PD-4).
 *
 * What it models. A guest has one root domain and secure domains. Each domain
 * owns a region of guest-physical pages (GPage) and its own nested page table
 * (npt: GPage -> host Frame). The hypervisor sets these up so that a secure
 * domain's NPT maps only its region, and no other domain's NPT (root's
 * included) maps any frame of it. Guest page tables are stored in frames: a
 * frame's pte maps virtual pages to guest-physical pages (one level); each
 * domain's guest page-table root lies in its own region. A vCPU has a current
 * domain, a guest page-table root (a GPage) and an NPT pointer (a Domain).
 * Every access translates VPage -> GPage through the page table stored at the
 * frame the NPT gives for the root, then GPage -> Frame through the NPT.
 * Root code may write any frame it reaches, page tables included, and may
 * load any GPage as its page-table root: hostile page tables are in scope.
 * Transitions: a jump from root code to a secure guest-physical address traps
 * to the hypervisor (the root NPT does not map it); at a registered gate it
 * enters the domain, switching both pointers together and saving the root's
 * page-table root; anywhere else it faults and changes nothing. Gate exit and
 * an interrupt while secure code runs switch both pointers back; the
 * hypervisor clears the registers first, so no secure data reaches root.
 *
 * Deliberately left out. Multi-level page tables, permission bits, offsets
 * within pages, TLBs; memory shared between domains; the secure context the
 * hypervisor saves on an interrupt and how it resumes (re-entry is through a
 * gate); calls from one secure domain into another (a secure vCPU can only
 * exit); values a secure domain deliberately returns (its registers are
 * cleared on every way out).
 */
module domains

abstract sig Datum {}
one sig Zero extends Datum {}
sig PublicDatum extends Datum {}
/** data that starts in a secure domain's frames */
sig SecretDatum extends Datum {}

sig VPage {}
sig GPage {}
sig Frame {
  var pte: VPage -> lone GPage,       -- the frame read as a guest page table
  var val: one Datum                   -- the frame read as data
}

abstract sig Domain {
  region: set GPage,
  gptRoot: one GPage,                  -- where its guest page tables start
  npt: GPage -> lone Frame             -- its nested page table
}
one sig Root extends Domain {}
sig Secure extends Domain {
  gates: set GPage                     -- registered entry addresses
}

fun framesOf[d: Domain]: set Frame { d.region.(d.npt) }
fun SecureFrames: set Frame { framesOf[Secure] }

/** Deliberately flawed hypervisors, for the checks that must fail. */
abstract sig Flaw {}
one sig SecureFrameLeftInRootNpt, SwitchOnlyGuestPtRoot, GateAcceptsNextAddress extends Flaw {}
one sig Hv {
  flaw: lone Flaw,
  next: GPage -> lone GPage            -- address order, for the off-by-one gate
}
pred correctHv { no Hv.flaw }

fact hypervisorSetup {
  all disj d, e: Domain | no d.region & e.region
  all d: Domain | d.gptRoot in d.region
  all d: Secure | d.gates in d.region
  -- each NPT maps only its own region; no two domains share a frame ...
  all d: Secure | d.npt.Frame in d.region
  all disj d, e: Domain | no framesOf[d] & framesOf[e]
  -- ... and no NPT reaches a secure frame through a page outside that domain
  Hv.flaw != SecureFrameLeftInRootNpt => Root.npt.Frame in Root.region
  Hv.flaw = SecureFrameLeftInRootNpt => some (Root.npt.Frame - Root.region).(Root.npt) & SecureFrames
  all d: Secure | some d.gates
}

one sig Fault {}

/** Ghosts naming the current step's arguments that its effect does not show:
    the writing vCPU of a write, the target address of a jump. */
one sig Ghost { var writer: lone VCpu, var target: lone GPage }

sig VCpu {
  var dom: one Domain,
  var ptRoot: one GPage,               -- guest page-table pointer (CR3)
  var nptOf: one Domain,               -- nested page-table pointer
  var saved: lone GPage,               -- root's CR3, saved on gate entry
  var regs: one Datum,
  var fault: lone Fault                -- observation: the last action faulted
}

fact init {
  all f: framesOf[Secure] | f.val in SecretDatum
  all f: Frame - framesOf[Secure] | f.val not in SecretDatum
  all c: VCpu {
    c.dom = Root and c.nptOf = Root and c.ptRoot = Root.gptRoot
    no c.saved and c.regs = Zero and no c.fault
  }
}

let unchanged[x] { (x)' = (x) }

/** frames are unchanged */
pred memoryUnchanged { unchanged[pte] and unchanged[val] }
/** the other vCPUs are unchanged */
pred othersUnchanged[c: VCpu] {
  all o: VCpu - c | unchanged[o.dom] and unchanged[o.ptRoot] and unchanged[o.nptOf]
    and unchanged[o.saved] and unchanged[o.regs] and no o.fault'
}
pred pointersUnchanged[c: VCpu] {
  unchanged[c.dom] and unchanged[c.ptRoot] and unchanged[c.nptOf] and unchanged[c.saved]
}

-- Translation through the vCPU's current tables.
fun gpaToFrame[c: VCpu, g: GPage]: lone Frame { g.(c.nptOf.npt) }
fun walk[c: VCpu, v: VPage]: lone Frame {
  gpaToFrame[c, v.(gpaToFrame[c, c.ptRoot].pte)]
}
/** the frames vCPU c can reach through any virtual page */
fun reach[c: VCpu]: set Frame { walk[c, VPage] + gpaToFrame[c, c.ptRoot] }

-- ---------------------------------------------------------------------------
-- Operations.

/** What the hypervisor's gate check accepts (correct: exactly the gates). */
fun accepted[d: Secure]: set GPage {
  Hv.flaw = GateAcceptsNextAddress => d.gates + d.gates.(Hv.next) & d.region else d.gates
}

/** Root code jumps or calls to a guest-physical address of secure domain d. */
pred jump[c: VCpu, g: GPage] {
  no Ghost.writer
  Ghost.target = g
  c.dom = Root
  some d: Secure | g in d.region and {
    g in accepted[d] => enter[c, d] else refuse[c]
  }
  memoryUnchanged and othersUnchanged[c]
}

/** Gate entry: both pointers switch to d together; root's CR3 is saved. */
pred enter[c: VCpu, d: Secure] {
  c.dom' = d
  c.ptRoot' = d.gptRoot
  Hv.flaw = SwitchOnlyGuestPtRoot => unchanged[c.nptOf] else c.nptOf' = d
  c.saved' = c.ptRoot
  unchanged[c.regs] and no c.fault'
}

/** A jump to any other secure address faults and changes nothing. */
pred refuse[c: VCpu] {
  pointersUnchanged[c] and unchanged[c.regs]
  c.fault' = Fault
}

/** Secure code leaves through the exit gate, or an interrupt arrives while it
    runs: the hypervisor clears the registers, then switches both pointers back. */
pred leave[c: VCpu] {
  no Ghost.writer
  no Ghost.target
  c.dom in Secure
  c.dom' = Root
  c.ptRoot' = c.saved
  Hv.flaw = SwitchOnlyGuestPtRoot => unchanged[c.nptOf] else c.nptOf' = Root
  no c.saved'
  c.regs' = Zero and no c.fault'
  memoryUnchanged and othersUnchanged[c]
}
pred exitGate[c: VCpu] { leave[c] }
pred interrupt[c: VCpu] { leave[c] }

/** Root code loads any guest-physical page as its page-table root. */
pred loadPtRoot[c: VCpu, g: GPage] {
  no Ghost.writer
  no Ghost.target
  c.dom = Root
  c.ptRoot' = g
  unchanged[c.dom] and unchanged[c.nptOf] and unchanged[c.saved] and unchanged[c.regs]
  no c.fault'
  memoryUnchanged and othersUnchanged[c]
}

/** Read through virtual page v: the frame's value lands in a register, or a fault. */
pred read[c: VCpu, v: VPage] {
  no Ghost.writer
  no Ghost.target
  some walk[c, v] => (c.regs' = walk[c, v].val and no c.fault') else (unchanged[c.regs] and c.fault' = Fault)
  pointersUnchanged[c]
  memoryUnchanged and othersUnchanged[c]
}

/** Write through virtual page v: the register's value, and one page-table
    entry of the writer's choice, src -> dst (hostile page tables), or a fault. */
pred write[c: VCpu, v: VPage, src: VPage, dst: GPage] {
  Ghost.writer = c
  no Ghost.target
  let f = walk[c, v] {
    some f => {
      f.val' = c.regs and f.pte' = (f.pte - src -> GPage) + src -> dst
      all o: Frame - f | unchanged[o.val] and unchanged[o.pte]
      no c.fault'
    } else {
      memoryUnchanged and c.fault' = Fault
    }
  }
  pointersUnchanged[c] and unchanged[c.regs]
  othersUnchanged[c]
}

pred stutter {
  no Ghost.writer
  no Ghost.target
  memoryUnchanged
  all c: VCpu | pointersUnchanged[c] and unchanged[c.regs] and no c.fault'
}

fact trace {
  always (stutter or some c: VCpu {
    (some g: GPage | jump[c, g]) or exitGate[c] or interrupt[c]
    or (some g: GPage | loadPtRoot[c, g]) or (some v: VPage | read[c, v])
    or (some v, src: VPage, dst: GPage | write[c, v, src, dst])
  })
}

-- ---------------------------------------------------------------------------
-- Claims.

-- PD-1 No root-domain access, through any virtual page on any vCPU, reaches a secure frame; a secure domain reaches only its own
assert PD_1_isolation {
  correctHv => always all c: VCpu {
    c.dom = Root => no reach[c] & SecureFrames
    c.dom in Secure => reach[c] in framesOf[c.dom]
    c.dom = Root => c.regs not in SecretDatum
  }
}
-- PD-1 No root-domain access, through any virtual page on any vCPU, reaches a secure frame; a secure domain reaches only its own
check PD_1_isolation for 4 but 2 Secure, 2 VPage, 2 VCpu, 4 GPage, 4 Frame, 1..5 steps expect 0

-- PD-1 MUST FAIL: one secure frame left mapped in the root NPT is reachable from root (a page table pointing at it suffices)
check PD_1_secure_frame_left_in_root_npt {
  Hv.flaw = SecureFrameLeftInRootNpt => always all c: VCpu | c.dom = Root => c.regs not in SecretDatum
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 5 GPage, 5 Frame, 1..5 steps expect 1

-- PD-2 While secure code runs, translation uses that domain's guest page tables and NPT; the pointers always switch together
assert PD_2_pointers_switch_together {
  correctHv => always all c: VCpu {
    c.nptOf = c.dom
    c.dom in Secure => (c.ptRoot = c.dom.gptRoot and some c.saved)
    c.dom' != c.dom => {
      c.nptOf' = c.dom'
      c.dom' in Secure => c.ptRoot' = c.dom'.gptRoot
      c.dom' = Root => c.ptRoot' = c.saved
    }
    c.nptOf' != c.nptOf => c.dom' != c.dom
  }
}
-- PD-2 While secure code runs, translation uses that domain's guest page tables and NPT; the pointers always switch together
check PD_2_pointers_switch_together for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-2 MUST FAIL: a transition that switches the guest page-table root but not the NPT pointer
check PD_2_switch_only_guest_pt_root {
  Hv.flaw = SwitchOnlyGuestPtRoot => always all c: VCpu | c.nptOf = c.dom
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..4 steps expect 1

-- PD-3 The root domain cannot modify a secure domain's guest page tables, code or data
assert PD_3_root_cannot_modify_secure {
  correctHv => always all f: SecureFrames |
    (f.val' != f.val or f.pte' != f.pte) =>
      (Ghost.writer.dom in Secure and f in framesOf[Ghost.writer.dom])
}
-- PD-3 The root domain cannot modify a secure domain's guest page tables, code or data
check PD_3_root_cannot_modify_secure for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-4 Control enters or leaves a secure domain only through a registered gate, exit or interrupt; a jump anywhere else faults and changes no domain
assert PD_4_gates_only {
  correctHv => always all c: VCpu {
    (c.dom = Root and c.dom' in Secure) => Ghost.target in c.dom'.gates
    (c.dom in Secure and c.dom' != c.dom) => (c.dom' = Root and (exitGate[c] or interrupt[c]))
    all g: GPage | (jump[c, g] and Ghost.target = g and g not in Secure.gates) =>
      (c.dom' = c.dom and c.ptRoot' = c.ptRoot and c.nptOf' = c.nptOf and some c.fault')
  }
}
-- PD-4 Control enters or leaves a secure domain only through a registered gate, exit or interrupt; a jump anywhere else faults and changes no domain
check PD_4_gates_only for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-4 MUST FAIL: a gate check that also accepts the address after a gate lets root jump past the gate's checks
check PD_4_gate_accepts_next_address {
  Hv.flaw = GateAcceptsNextAddress => always all c: VCpu |
    (c.dom = Root and c.dom' in Secure) => Ghost.target in c.dom'.gates
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..4 steps expect 1

-- ---------------------------------------------------------------------------
-- Scenarios.

-- PD-4 A root vCPU enters a secure domain through its gate, reads its data, and leaves through the exit gate
run gate_entry_and_exit {
  correctHv
  some c: VCpu | eventually (c.dom in Secure and eventually (some v: VPage | read[c, v] and c.regs' in SecretDatum)
    and eventually (exitGate[c] and after c.dom = Root))
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..8 steps expect 1

-- PD-4 A jump to a non-gate secure address is refused with a fault
run refused_jump {
  correctHv
  some c: VCpu, g: GPage | eventually (jump[c, g] and g not in Secure.gates and after some c.fault)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..4 steps expect 1

-- PD-1 Root points its own page table at a secure guest-physical page and the access faults
run root_page_table_points_at_secure_page {
  correctHv
  some c: VCpu, v: VPage | eventually (c.dom = Root and v.(gpaToFrame[c, c.ptRoot].pte) in Secure.region
    and read[c, v] and after some c.fault)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- PD-3 Root points its page table at a secure page and writes through it: the write faults, no secure frame changes
run root_write_through_secure_mapping_faults {
  correctHv
  some c: VCpu, v, src: VPage, dst: GPage | eventually (c.dom = Root
    and v.(gpaToFrame[c, c.ptRoot].pte) in Secure.region and write[c, v, src, dst] and after some c.fault)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- PD-3 Secure code modifies its own region, so the assert's exception for the domain's own writes is exercised
run secure_code_writes_its_own_region {
  correctHv
  eventually (Ghost.writer.dom in Secure and some f: framesOf[Ghost.writer.dom] | f.val' != f.val or f.pte' != f.pte)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- PD-2 An interrupt arrives while secure code runs: registers cleared, both pointers back to root
run interrupt_in_secure_code {
  correctHv
  some c: VCpu | eventually (c.dom in Secure and c.regs in SecretDatum and interrupt[c])
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1
