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
 * cleared on every way out); setting a register directly (registers change
 * only by reads here); the two-run confidentiality half of PD-1, which the
 * Java suite checks (DomainsInvariants.ROOT_SEES_NOTHING_SECURE): here root's
 * registers never hold a SecretDatum instead.
 *
 * Java names (org.hvproof.model.domains). Sig VCpu is DomainsVCpu (dom is
 * domain, ptRoot, nptOf, saved, regs is register); Domain is Domain (region,
 * gptRoot, npt, gates); Frame with pte and val is a host frame and its
 * FrameContent (entries, value); GPage, VPage and Frame are Ids.GuestPage,
 * Ids.VirtualPage and Ids.Frame; fun walk and reach are DomainsState.walk and
 * DomainsState.reach (one table level here, four there). The operation preds
 * are the DomainsAction records: pred jump is Jump, exitGate ExitGate,
 * interrupt Interrupt, loadPtRoot LoadPtRoot, read Read, write Write (one
 * entry of the writer's choice per step); Fault is DomainsObservation.Fault.
 * The Flaw atoms are the DomainsModelFlaw (and DomainsImplFlaw) constants of
 * the same names. Each assert PD_n_<name> states the same predicate as the
 * Java invariant <name> of DomainsInvariants: PD_1_isolation is ISOLATION,
 * PD_2_pointersMatchDomain POINTERS_MATCH_DOMAIN, PD_2_switchTogether
 * SWITCH_TOGETHER, PD_3_rootCannotModifySecure ROOT_CANNOT_MODIFY_SECURE,
 * PD_4_gatesOnly GATES_ONLY.
 *
 * Claim ids. The claim is named once in the comment above each assert
 * (-- PD-1: ...), and in the comment above every command; negative controls
 * are named PD_n_wrong_<flaw>, expect 1, and say above why they must fail.
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
one sig SECURE_FRAME_LEFT_IN_ROOT_NPT, SWITCH_ONLY_GUEST_PT_ROOT, GATE_CHECK_ACCEPTS_NEXT_ADDRESS extends Flaw {}
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
  Hv.flaw != SECURE_FRAME_LEFT_IN_ROOT_NPT => Root.npt.Frame in Root.region
  Hv.flaw = SECURE_FRAME_LEFT_IN_ROOT_NPT => some (Root.npt.Frame - Root.region).(Root.npt) & SecureFrames
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
  Hv.flaw = GATE_CHECK_ACCEPTS_NEXT_ADDRESS => d.gates + d.gates.(Hv.next) & d.region else d.gates
}

/** Root code jumps or calls to a guest-physical address of secure domain d. */
pred jump[c: VCpu, g: GPage] {
  no Ghost.writer                                      -- ghost
  Ghost.target = g                                     -- ghost
  c.dom = Root                                         -- guard
  some d: Secure | g in d.region and {                 -- guard: a secure address
    g in accepted[d] => enter[c, d] else refuse[c]     -- effect
  }
  memoryUnchanged and othersUnchanged[c]               -- frame
}

/** Gate entry: both pointers switch to d together; root's CR3 is saved. */
pred enter[c: VCpu, d: Secure] {
  c.dom' = d                                           -- effect
  c.ptRoot' = d.gptRoot                                -- effect
  Hv.flaw = SWITCH_ONLY_GUEST_PT_ROOT => unchanged[c.nptOf] else c.nptOf' = d  -- effect
  c.saved' = c.ptRoot                                  -- effect
  unchanged[c.regs] and no c.fault'                    -- frame
}

/** A jump to any other secure address faults and changes nothing. */
pred refuse[c: VCpu] {
  c.fault' = Fault                                     -- effect
  pointersUnchanged[c] and unchanged[c.regs]           -- frame
}

/** Secure code leaves through the exit gate, or an interrupt arrives while it
    runs: the hypervisor clears the registers, then switches both pointers back. */
pred leave[c: VCpu] {
  no Ghost.writer                                      -- ghost
  no Ghost.target                                      -- ghost
  c.dom in Secure                                      -- guard
  c.dom' = Root                                        -- effect
  c.ptRoot' = c.saved                                  -- effect
  Hv.flaw = SWITCH_ONLY_GUEST_PT_ROOT => unchanged[c.nptOf] else c.nptOf' = Root  -- effect
  no c.saved'                                          -- effect
  c.regs' = Zero and no c.fault'                       -- effect
  memoryUnchanged and othersUnchanged[c]               -- frame
}
pred exitGate[c: VCpu] { leave[c] }
pred interrupt[c: VCpu] { leave[c] }

/** Root code loads any guest-physical page as its page-table root. */
pred loadPtRoot[c: VCpu, g: GPage] {
  no Ghost.writer                                      -- ghost
  no Ghost.target                                      -- ghost
  c.dom = Root                                         -- guard
  c.ptRoot' = g                                        -- effect
  no c.fault'                                          -- effect
  unchanged[c.dom] and unchanged[c.nptOf] and unchanged[c.saved] and unchanged[c.regs]  -- frame
  memoryUnchanged and othersUnchanged[c]               -- frame
}

/** Read through virtual page v: the frame's value lands in a register, or a fault. */
pred read[c: VCpu, v: VPage] {
  no Ghost.writer                                      -- ghost
  no Ghost.target                                      -- ghost
  -- effect: the value, or a fault when the walk misses
  some walk[c, v] => (c.regs' = walk[c, v].val and no c.fault') else (unchanged[c.regs] and c.fault' = Fault)
  pointersUnchanged[c]                                 -- frame
  memoryUnchanged and othersUnchanged[c]               -- frame
}

/** Write through virtual page v: the register's value, and one page-table
    entry of the writer's choice, src -> dst (hostile page tables), or a fault. */
pred write[c: VCpu, v: VPage, src: VPage, dst: GPage] {
  Ghost.writer = c                                     -- ghost
  no Ghost.target                                      -- ghost
  -- effect: the frame the walk ends at takes the register and the entry, or a fault
  let f = walk[c, v] {
    some f => {
      f.val' = c.regs and f.pte' = (f.pte - src -> GPage) + src -> dst
      all o: Frame - f | unchanged[o.val] and unchanged[o.pte]
      no c.fault'
    } else {
      memoryUnchanged and c.fault' = Fault
    }
  }
  pointersUnchanged[c] and unchanged[c.regs]           -- frame
  othersUnchanged[c]                                   -- frame
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

-- PD-1: No root-domain access, through any virtual page on any vCPU, reaches a secure frame; a secure
-- domain reaches only its own frames (and no secret reaches a root vCPU's registers).
assert PD_1_isolation {
  correctHv => always all c: VCpu {
    c.dom = Root => no reach[c] & SecureFrames
    c.dom in Secure => reach[c] in framesOf[c.dom]
    c.dom = Root => c.regs not in SecretDatum
  }
}
-- Checked up to 5 steps.
check PD_1_isolation for 4 but 2 Secure, 2 VPage, 2 VCpu, 4 GPage, 4 Frame, 1..5 steps expect 0

-- PD-1 negative control, must fail: with one secure frame left mapped in the root NPT, root reaches
-- it (a page table pointing at the leaked page suffices) and reads a secret into its register.
check PD_1_wrong_secureFrameLeftInRootNpt {
  Hv.flaw = SECURE_FRAME_LEFT_IN_ROOT_NPT => always all c: VCpu | c.dom = Root => c.regs not in SecretDatum
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 5 GPage, 5 Frame, 1..5 steps expect 1

-- PD-2: While secure code runs, translation uses that domain's guest page tables and NPT: the NPT
-- pointer is always the current domain's, and a secure vCPU runs on its domain's page-table root
-- with root's pointer saved.
assert PD_2_pointersMatchDomain {
  correctHv => always all c: VCpu {
    c.nptOf = c.dom
    c.dom in Secure => (c.ptRoot = c.dom.gptRoot and some c.saved)
  }
}
-- Checked up to 6 steps.
check PD_2_pointersMatchDomain for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-2: The two pointers switch together: a domain change sets the NPT pointer to the new domain and
-- the page-table root to its table (entry) or to root's saved one (exit, interrupt), and the NPT
-- pointer never changes without a domain change.
assert PD_2_switchTogether {
  correctHv => always all c: VCpu {
    c.dom' != c.dom => {
      c.nptOf' = c.dom'
      c.dom' in Secure => c.ptRoot' = c.dom'.gptRoot
      c.dom' = Root => c.ptRoot' = c.saved
    }
    c.nptOf' != c.nptOf => c.dom' != c.dom
  }
}
-- Checked up to 6 steps.
check PD_2_switchTogether for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-2 negative control, must fail: a transition that switches the guest page-table root but not the
-- NPT pointer leaves a vCPU in a secure domain translating through root's NPT.
check PD_2_wrong_switchOnlyGuestPtRoot {
  Hv.flaw = SWITCH_ONLY_GUEST_PT_ROOT => always all c: VCpu | c.nptOf = c.dom
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..4 steps expect 1

-- PD-3: The root domain cannot modify a secure domain's guest page tables, code or data; only that
-- domain's own code does.
assert PD_3_rootCannotModifySecure {
  correctHv => always all f: SecureFrames |
    (f.val' != f.val or f.pte' != f.pte) =>
      (Ghost.writer.dom in Secure and f in framesOf[Ghost.writer.dom])
}
-- Checked up to 6 steps.
check PD_3_rootCannotModifySecure for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-4: Control enters or leaves a secure domain only through a registered gate, exit or interrupt;
-- a jump anywhere else faults and changes no domain.
assert PD_4_gatesOnly {
  correctHv => always all c: VCpu {
    (c.dom = Root and c.dom' in Secure) => Ghost.target in c.dom'.gates
    (c.dom in Secure and c.dom' != c.dom) => (c.dom' = Root and (exitGate[c] or interrupt[c]))
    all g: GPage | (jump[c, g] and Ghost.target = g and g not in Secure.gates) =>
      (c.dom' = c.dom and c.ptRoot' = c.ptRoot and c.nptOf' = c.nptOf and some c.fault')
  }
}
-- Checked up to 6 steps.
check PD_4_gatesOnly for 4 but 2 Secure, 2 VPage, 2 VCpu, 5 GPage, 5 Frame, 1..6 steps expect 0

-- PD-4 negative control, must fail: a gate check that also accepts the address after a gate lets
-- root enter a secure domain past its gate.
check PD_4_wrong_gateCheckAcceptsNextAddress {
  Hv.flaw = GATE_CHECK_ACCEPTS_NEXT_ADDRESS => always all c: VCpu |
    (c.dom = Root and c.dom' in Secure) => Ghost.target in c.dom'.gates
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..4 steps expect 1

-- ---------------------------------------------------------------------------
-- Scenarios: each claim's situations can happen.

-- PD-4: A root vCPU enters a secure domain through its gate, reads its data, and leaves through the exit gate.
run PD_4_gateEntryAndExit {
  correctHv
  some c: VCpu | eventually (c.dom in Secure and eventually (some v: VPage | read[c, v] and c.regs' in SecretDatum)
    and eventually (exitGate[c] and after c.dom = Root))
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..8 steps expect 1

-- PD-4: A jump to a non-gate secure address is refused with a fault.
run PD_4_refusedJump {
  correctHv
  some c: VCpu, g: GPage | eventually (jump[c, g] and g not in Secure.gates and after some c.fault)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..4 steps expect 1

-- PD-1: Root points its own page table at a secure guest-physical page and the access faults.
run PD_1_rootPageTablePointsAtSecurePage {
  correctHv
  some c: VCpu, v: VPage | eventually (c.dom = Root and v.(gpaToFrame[c, c.ptRoot].pte) in Secure.region
    and read[c, v] and after some c.fault)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- PD-3: Root points its page table at a secure page and writes through it: the write faults, no secure frame changes.
run PD_3_rootWriteThroughSecureMappingFaults {
  correctHv
  some c: VCpu, v, src: VPage, dst: GPage | eventually (c.dom = Root
    and v.(gpaToFrame[c, c.ptRoot].pte) in Secure.region and write[c, v, src, dst] and after some c.fault)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- PD-3: Secure code modifies its own region, so the assert's exception for the domain's own writes is exercised.
run PD_3_secureCodeWritesItsOwnRegion {
  correctHv
  eventually (Ghost.writer.dom in Secure and some f: framesOf[Ghost.writer.dom] | f.val' != f.val or f.pte' != f.pte)
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- PD-2: An interrupt arrives while secure code runs: registers cleared, both pointers back to root.
run PD_2_interruptInSecureCode {
  correctHv
  some c: VCpu | eventually (c.dom in Secure and c.regs in SecretDatum and interrupt[c])
} for 4 but 1 Secure, 2 VPage, 1 VCpu, 4 GPage, 4 Frame, 1..6 steps expect 1

-- ---------------------------------------------------------------------------
-- A device behind the IOMMU (PD-5). Appended by the machine work (issue 10) and kept on its
-- own: it reads only Domain, Root, Secure, region, npt, framesOf, SecureFrames, VCpu, dom and
-- stutter of the spec above, and constrains its own state in its own facts.
--
-- What it models. The root's DMA-capable device (Java DomainsSystem.DEVICE): its I/O page
-- table (Device.maps, bus page = guest-physical page, Java Iommu.table), its IOTLB
-- (Device.iotlb, Iommu.cachedFrames) and its writes (dmaWrite, the Java DeviceWrite): root code
-- has the device write a guest page; the write lands in the frame the IOTLB or the table gives
-- (Device.landed) or is refused and reported (Device.refused, the Java Fault DMA_REFUSED). The
-- correct hypervisor keeps the table equal to the root's NPT and drops IOTLB entries the table
-- no longer has; the flawed set-up SECURE_FRAMES_IN_DEVICE_TABLE builds it from every domain's
-- NPT (deviceTable_SECURE_FRAMES_IN_DEVICE_TABLE). What it leaves out: what the device writes
-- (to the operations above a device write is a stutter), read DMA, several devices, bus
-- addresses other than guest pages. Which set-up runs is the static DeviceTable.setup, which
-- every correct check pins to RootNptOnly.

one sig Device {
  var maps: GPage -> Frame,     -- the device's I/O page table
  var iotlb: GPage -> Frame,    -- the translations its IOTLB holds
  var landed: set Frame,        -- the frames its write of the step that led here reached
  var refused: set GPage        -- the page that write was refused and reported at
}

/* How the hypervisor builds the device's table: the correct way or the flawed one. */
abstract sig DeviceSetup {}
one sig RootNptOnly, AllNpts extends DeviceSetup {}
one sig DeviceTable { setup: one DeviceSetup }

/* The device's table maps exactly what the root's NPT maps. */
pred deviceTable { Device.maps = Root.npt }

/* SECURE_FRAMES_IN_DEVICE_TABLE: the table maps what any domain's NPT maps. */
pred deviceTable_SECURE_FRAMES_IN_DEVICE_TABLE { Device.maps = Domain.npt }

/* Root code on c has the device write guest page g. */
pred dmaWrite[c: VCpu, g: GPage] {
  -- guard: the root drives its device
  c.dom = Root
  -- effect: through the IOTLB or the table, else refused and reported
  let through = g.(Device.iotlb + Device.maps) {
    some through implies {
      Device.landed' = through
      no Device.refused'
      Device.iotlb' in Device.iotlb + g -> through
    } else {
      no Device.landed'
      Device.refused' = g
      Device.iotlb' in Device.iotlb
    }
  }
  -- frame
  stutter
}

fact devices {
  no Device.iotlb
  no Device.landed
  no Device.refused
  always (DeviceTable.setup = RootNptOnly implies deviceTable else deviceTable_SECURE_FRAMES_IN_DEVICE_TABLE)
  always (
    (some c: VCpu, g: GPage | dmaWrite[c, g])
    or {
      no Device.landed'
      no Device.refused'
      Device.iotlb' in Device.iotlb & Device.maps'
    }
  )
}

/* The correct set-up, over a root NPT that never maps a secure region's page nor holds a
   secure frame (PD-1's NPT half, and the Java DomainsSystem's layout: PD-1's checks show it;
   here it is assumed, so that PD-5 is about what the device adds). */
pred deviceSetUpCorrectly {
  correctHv
  DeviceTable.setup = RootNptOnly
  always no GPage.(Root.npt) & SecureFrames
  always no (Root.npt).Frame & Secure.region
}

pred noDeviceReachesSecureFrame {
  always {
    no Device.landed' & SecureFrames
    all c: VCpu, g: Secure.region | dmaWrite[c, g] implies g in Device.refused'
  }
}

pred noSecureFrameInDeviceTable { always no GPage.(Device.maps + Device.iotlb) & SecureFrames }

-- PD-5: no device reaches a secure domain's frames: a device write lands in none of them, and
-- one aimed at a secure page is refused and reported. Scope: one secure domain, one vCPU, 3
-- guest pages and frames, 3 states: a device write to the root's memory, then one to a secure
-- page; not longer runs.
assert PD_5_noDeviceReachesSecureFrame { deviceSetUpCorrectly implies noDeviceReachesSecureFrame }
check PD_5_noDeviceReachesSecureFrame for 3 but 1 Secure, 1 VCpu, 2 VPage, 3 GPage, 3 Frame, 1..3 steps expect 0

-- PD-5: neither the device's I/O page table nor its IOTLB holds a secure frame.
assert PD_5_noSecureFrameInDeviceTable { deviceSetUpCorrectly implies noSecureFrameInDeviceTable }
check PD_5_noSecureFrameInDeviceTable for 3 but 1 Secure, 1 VCpu, 2 VPage, 3 GPage, 3 Frame, 1..3 steps expect 0

-- PD-5: root code has the device write its own memory, then a secure page, which is refused.
run PD_5_dmaRefusedAtSecurePage {
  deviceSetUpCorrectly
  some c: VCpu, r: Root.region, g: Secure.region {
    dmaWrite[c, r]
    after dmaWrite[c, g]
  }
} for 3 but 1 Secure, 1 VCpu, 2 VPage, 3 GPage, 3 Frame, 1..3 steps expect 1

-- PD-5, negative control: it must fail because a table built from every domain's NPT lets the
-- device write a secure frame.
check PD_5_wrong_noDeviceReachesSecureFrame {
  DeviceTable.setup = AllNpts implies noDeviceReachesSecureFrame
} for 3 but 1 Secure, 1 VCpu, 2 VPage, 3 GPage, 3 Frame, 1..3 steps expect 1
