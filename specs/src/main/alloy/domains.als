/*
 * domains — root and secure protection domains (US9870324B2; seed abstracts 3
 * and 10; claims PD-1..PD-4).
 *
 * What it models. A guest has one root domain and secure domains. Each domain
 * owns a region of guest-physical pages (GPage) and its own nested page table
 * (npt: GPage -> host Frame), which is state: the hypervisor starts with each
 * NPT mapping only its own region and no frame shared, then changes them by
 * its own operations: assign gives a secure domain a frame root owns (it must
 * unmap it from root's NPT first), release takes a frame back from a secure
 * domain, scrubbed, and gives it to root. Jump targets and gates are byte
 * addresses (a page and an offset), so the byte after a gate is a real,
 * different address in the same page. Guest page tables are stored in frames: a
 * frame's pte maps virtual pages to guest-physical pages (one level), or the
 * frame holds a large leaf (large: a GBlock, a 2 MiB or 1 GiB block of guest
 * pages) that maps every virtual page to the block's page at the same offset
 * (GBlock.at); each domain's guest page-table root lies in its own region. A
 * vCPU has a current domain, a guest page-table root (a GPage) and an NPT
 * pointer (a Domain). Every access translates VPage -> GPage through the page
 * table stored at the frame the NPT gives for the root (its entry, or the
 * block's page at the access's offset), then GPage -> Frame through the NPT:
 * the NPT check is on the page the access lands on, as hardware's nested walk
 * of the final guest-physical address, whatever the block's first page is.
 * Root code may write any frame it reaches, page tables included (an entry,
 * or a large leaf over any block, secure pages in it or not), and may load any
 * GPage as its page-table root: hostile page tables are in scope.
 * Transitions: a jump from root code to a secure guest-physical address traps
 * to the hypervisor (the root NPT does not map it); at a registered gate it
 * enters the domain, switching both pointers together and saving the root's
 * page-table root; anywhere else it faults and changes nothing. Gate exit and
 * an interrupt while secure code runs switch both pointers back; the
 * hypervisor clears the registers first, so no secure data reaches root.
 *
 * Two runs at once (PD-1's confidentiality). Data is kept per Run: every
 * frame's value and every register holds one Datum in run R1 and one in run
 * R2. Both runs take the same actions and share everything else (domains,
 * pointers, NPTs, page-table entries, faults): no operation here branches on a
 * value, so two runs of the same actions differ only in data, and one instance
 * is a pair of runs. Initially the runs agree on every frame outside the
 * secure domains and on every register; a secure frame holds a secret in each
 * run, possibly different (assign loads a secret per run too). Root's view in
 * a state (lowEquivalent) is the registers of every vCPU running root code and
 * the value of every frame root's NPT maps; the two runs look the same to root
 * when those agree.
 *
 * What PD-1's unwinding proves. The relation unwinding (separated, the state
 * invariant: every vCPU's NPT pointer is its domain's, every NPT maps only its
 * own region, no frame in two domains' NPTs; plus lowEquivalent) holds
 * initially (PD_1_unwinding_init) and is kept by every step of the correct
 * hypervisor from ANY state that satisfies it, in which the state is also
 * isolated (PD_1_unwinding_step; one step, arbitrary states, no trace from
 * init). By induction, in this spec's model and for traces of any length,
 * no root access reaches a secure frame and two runs that differ only in the
 * secure domain's secrets look the same to root after every step. The step
 * check is exhaustive only up to its scope (atoms per sig); a relation that
 * holds for every one-step pair at a scope is not thereby shown for larger
 * machines, and the model is the abstract one here: one page-table level (a
 * large leaf in it), no TLBs, no timing or other side channels, secure code whose actions (though
 * not its data) are the same in both runs.
 *
 * Deliberately left out. Multi-level page tables (a large leaf is a frame's
 * whole table here: the window under one upper-level entry, as in Java; the
 * levels above it and the page-size bit's reserved cases are the Java model's,
 * read by the conformance as what the walk resolves to), permission bits, offsets of
 * data accesses (only jumps have them), TLBs; memory shared between domains; the secure context the
 * hypervisor saves on an interrupt and how it resumes (re-entry is through a
 * gate); calls from one secure domain into another (a secure vCPU can only
 * exit); values a secure domain deliberately returns (its registers are
 * cleared on every way out); secure code whose control flow depends on its
 * secret (both runs take the same actions).
 *
 * Initial states. init is a pred, not a fact: the trace checks and runs
 * start from it, and the induction steps start from any state.
 *
 * Java names (org.hvproof.model.domains). Sig VCpu is DomainsVCpu (dom is
 * domain, ptRoot, nptOf, saved, regs is register); Domain is Domain (region,
 * gptRoot, npt, gates); Frame with pte and val is a host frame and its
 * FrameContent (entries, value), and large is a walk that ends at an entry
 * with the page-size bit (FrameContent.large: a 2 MiB leaf at level 2, a 1 GiB
 * leaf at level 3; GBlock.first is the range's first page, the entry's page
 * with its reserved bits clear); GPage, VPage and Frame are Ids.GuestPage,
 * Ids.VirtualPage and Ids.Frame; fun walk and reach are DomainsState.walk and
 * DomainsState.reach (one table level here, four there). The operation preds
 * are the DomainsAction records: pred jump is Jump, exitGate ExitGate,
 * interrupt Interrupt, loadPtRoot LoadPtRoot, read Read, write Write (one
 * entry of the writer's choice per step, set or removed: a Java whole-page
 * write is several; writeLarge is a Java write that sets the page-size bit),
 * setRegister SetRegister, dmaWrite DeviceWrite (below);
 * the DomainsSpecConformance property replays sampled Java runs through
 * them, one Java table walk of four levels read as this spec's one level
 * (what the walk resolves to: entries, or a large leaf). assign and release have no Java
 * action yet (the Java model's NPTs are fixed at set-up): they are the
 * hypervisor operations PD-1 and PD-3 must survive here. Jump's target is a
 * GuestPage in Java, an Addr (page and offset) here; Fault is DomainsObservation.Fault.
 * The Flaw atoms are the DomainsModelFlaw (and DomainsImplFlaw) constants of
 * the same names. Each assert PD_n_<name> states the same predicate as the
 * Java invariant <name> of DomainsInvariants: PD_1_isolation is ISOLATION,
 * PD_1_rootSeesNothingSecure ROOT_SEES_NOTHING_SECURE (the pair invariant of
 * two runs), PD_2_pointersMatchDomain POINTERS_MATCH_DOMAIN,
 * PD_2_switchTogether SWITCH_TOGETHER, PD_3_rootCannotModifySecure
 * ROOT_CANNOT_MODIFY_SECURE, PD_4_gatesOnly GATES_ONLY.
 *
 * Claim ids. The claim is named once in the comment above each assert
 * (-- PD-1: ...), and in the comment above every command; negative controls
 * are named PD_n_wrong_<name>, expect 1, and say above why they must fail.
 */
module domains

abstract sig Datum {}
one sig Zero extends Datum {}
sig PublicDatum extends Datum {}
/** data that starts in a secure domain's frames */
sig SecretDatum extends Datum {}

/** the two runs PD-1's confidentiality compares; they differ only in data */
abstract sig Run {}
one sig R1, R2 extends Run {}

sig VPage {}
sig GPage {}
/** an offset inside a page, and the next byte's offset (a static chain) */
sig Off { succ: lone Off }
fact offsetsChain { no o: Off | o in o.^succ }
/** a guest-physical byte address: a page and an offset in it (distinct atoms, distinct pairs) */
sig Addr { pg: one GPage, off: one Off }
fact addressesDistinct { all disj a, b: Addr | a.pg != b.pg or a.off != b.off }
/** the byte after a: same page, next offset */
fun nextAddr[a: Addr]: set Addr { { b: Addr | b.pg = a.pg and b.off = a.off.succ } }
/** A block of guest-physical pages one large leaf maps (a 2 MiB or 1 GiB range, aligned as the
    hardware requires): its page at each virtual page's offset (a virtual page of the block that a
    large leaf maps lands at the same offset of the guest block), and its first page, the one the
    entry names. The spec does not ask the pages to be distinct or the block to be contiguous:
    that allows more blocks, not fewer, and the translation abstraction maps every page outside
    the regions to one atom. */
sig GBlock {
  at: VPage -> lone GPage,
  first: one GPage
}
sig Frame {
  var pte: VPage -> lone GPage,        -- the frame read as a guest page table
  var large: lone GBlock,              -- or its large leaf: every virtual page maps into one block
  var val: Run -> one Datum            -- the frame read as data, in each run
}

abstract sig Domain {
  region: set GPage,
  gptRoot: one GPage,                  -- where its guest page tables start
  var npt: GPage -> lone Frame         -- its nested page table (the hypervisor changes it)
}
one sig Root extends Domain {}
sig Secure extends Domain {
  gates: set Addr                      -- registered entry addresses (bytes)
}

fun framesOf[d: Domain]: set Frame { d.region.(d.npt) }
fun SecureFrames: set Frame { framesOf[Secure] }

/** Deliberately flawed hypervisors, for the checks that must fail. */
abstract sig Flaw {}
one sig SECURE_FRAME_LEFT_IN_ROOT_NPT, SWITCH_ONLY_GUEST_PT_ROOT, GATE_CHECK_ACCEPTS_NEXT_ADDRESS,
  GATE_LOOKUP_BY_LOW_32_BITS, SECURE_REGISTERS_LEAK_ON_INTERRUPT, LARGE_LEAF_CHECKS_FIRST_PAGE extends Flaw {}
one sig Hv {
  flaw: lone Flaw
}
pred correctHv { no Hv.flaw and DeviceTable.setup = RootNptOnly }

/** The static layout: regions, page-table roots and gates. */
fact layout {
  all disj d, e: Domain | no d.region & e.region
  all d: Domain | d.gptRoot in d.region
  all d: Secure | d.gates.pg in d.region and some d.gates
}

/** The NPTs the hypervisor starts with: each maps only its own region, no two share a frame. */
pred nptsSetUp {
  all d: Domain | d.npt.Frame in d.region
  all disj d, e: Domain | no framesOf[d] & framesOf[e]
}

one sig Fault {}

/** Ghosts naming the current step's arguments that its effect does not show:
    the writing vCPU of a write, the target address of a jump, the hypervisor's own operation. */
one sig Ghost { var writer: lone VCpu, var target: lone Addr, var hv: lone Hv }

sig VCpu {
  var dom: one Domain,
  var ptRoot: one GPage,               -- guest page-table pointer (CR3)
  var nptOf: one Domain,               -- nested page-table pointer
  var saved: lone GPage,               -- root's CR3, saved on gate entry
  var regs: Run -> one Datum,          -- the register, in each run
  var fault: lone Fault                -- observation: the last action faulted
}

/** The initial states: every trace check and run starts here. */
pred init {
  nptsSetUp
  all f: SecureFrames | f.val[Run] in SecretDatum
  all f: Frame - SecureFrames | f.val[R1] = f.val[R2] and f.val[R1] not in SecretDatum
  all c: VCpu {
    c.dom = Root and c.nptOf = Root and c.ptRoot = Root.gptRoot
    no c.saved and c.regs = Run -> Zero and no c.fault
  }
}

let unchanged[x] { (x)' = (x) }

/** frames and NPTs are unchanged */
pred memoryUnchanged { unchanged[pte] and unchanged[large] and unchanged[val] and unchanged[npt] }
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
/** the frame the vCPU's page-table root names: its page table */
fun tableOf[c: VCpu]: lone Frame { gpaToFrame[c, c.ptRoot] }
/** the guest page v translates to: its entry's, or through a large leaf the block's page at v's offset */
fun leafPage[c: VCpu, v: VPage]: lone GPage {
  let t = tableOf[c] | some t.large => v.(t.large.at) else v.(t.pte)
}
/** The frame an access through v reaches: the NPT's frame of the page v translates to (hardware's
    nested walk of the final guest-physical address, large leaf or not). Flawed
    (LARGE_LEAF_CHECKS_FIRST_PAGE), an access through a large leaf is checked against the NPT for
    the block's first page only and then reaches the page at v's offset wherever it lies: the
    frame its own domain's NPT gives (the hypervisor's map of guest memory). */
fun walk[c: VCpu, v: VPage]: lone Frame {
  (Hv.flaw = LARGE_LEAF_CHECKS_FIRST_PAGE and some tableOf[c].large)
    => (some gpaToFrame[c, tableOf[c].large.first] => leafPage[c, v].((region.(leafPage[c, v])).npt) else none)
    else gpaToFrame[c, leafPage[c, v]]
}
/** the frames vCPU c can reach through any virtual page */
fun reach[c: VCpu]: set Frame { walk[c, VPage] + tableOf[c] }

-- ---------------------------------------------------------------------------
-- Operations.

/** The hypervisor's gate check of target t for domain d: page and offset equal a gate's
    (flawed: or the byte after a gate; or the offset alone, the page ignored). */
pred gateAccepts[d: Secure, t: Addr] {
  Hv.flaw = GATE_CHECK_ACCEPTS_NEXT_ADDRESS => (some a: d.gates | t.pg = a.pg and t.off in a.off + a.off.succ)
  else Hv.flaw = GATE_LOOKUP_BY_LOW_32_BITS => (t.pg in d.region and t.off in d.gates.off)
  else (some a: d.gates | t.pg = a.pg and t.off = a.off)
}

/** Root code jumps or calls to a guest-physical address of secure domain d. */
pred jump[c: VCpu, g: Addr] {
  no Ghost.writer + Ghost.hv                           -- ghost
  Ghost.target = g                                     -- ghost
  c.dom = Root                                         -- guard
  some d: Secure | g.pg in d.region and {              -- guard: a secure address
    gateAccepts[d, g] => enter[c, d] else refuse[c]    -- effect
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
    runs: the hypervisor clears the registers, then switches both pointers back
    (flawed, `leak` names the flaw under which this way out keeps the registers). */
pred leave[c: VCpu, leak: set Flaw] {
  no Ghost.writer + Ghost.hv                           -- ghost
  no Ghost.target                                      -- ghost
  c.dom in Secure                                      -- guard
  c.dom' = Root                                        -- effect
  c.ptRoot' = c.saved                                  -- effect
  Hv.flaw = SWITCH_ONLY_GUEST_PT_ROOT => unchanged[c.nptOf] else c.nptOf' = Root  -- effect
  no c.saved'                                          -- effect
  some Hv.flaw & leak => unchanged[c.regs] else c.regs' = Run -> Zero  -- effect
  no c.fault'                                          -- effect
  memoryUnchanged and othersUnchanged[c]               -- frame
}
pred exitGate[c: VCpu] { leave[c, none] }
pred interrupt[c: VCpu] { leave[c, SECURE_REGISTERS_LEAK_ON_INTERRUPT] }

/** Root code loads any guest-physical page as its page-table root. */
pred loadPtRoot[c: VCpu, g: GPage] {
  no Ghost.writer + Ghost.hv                           -- ghost
  no Ghost.target                                      -- ghost
  c.dom = Root                                         -- guard
  c.ptRoot' = g                                        -- effect
  no c.fault'                                          -- effect
  unchanged[c.dom] and unchanged[c.nptOf] and unchanged[c.saved] and unchanged[c.regs]  -- frame
  memoryUnchanged and othersUnchanged[c]               -- frame
}

/** Read through virtual page v: the frame's value lands in the register (in each run), or a fault. */
pred read[c: VCpu, v: VPage] {
  no Ghost.writer + Ghost.hv                           -- ghost
  no Ghost.target                                      -- ghost
  -- effect: the value, or a fault when the walk misses
  some walk[c, v] => (c.regs' = walk[c, v].val and no c.fault') else (unchanged[c.regs] and c.fault' = Fault)
  pointersUnchanged[c]                                 -- frame
  memoryUnchanged and othersUnchanged[c]               -- frame
}

/** Write through virtual page v: the register's value (in each run), and one page-table
    entry of the writer's choice, src -> dst (hostile page tables; no dst removes src's
    entry, as a Java whole-page write drops the entries it does not name), or a fault. */
pred write[c: VCpu, v: VPage, src: VPage, dst: lone GPage] {
  writeThrough[c, v] and entryWritten[walk[c, v], src, dst]
}

/** What a write through v does whichever entry it writes: the frame the walk ends at takes
    the register and nothing else changes, or a fault. (Apart from the entry so that step
    grounds it once per vCPU and page, not once per entry.) */
pred writeThrough[c: VCpu, v: VPage] {
  Ghost.writer = c                                     -- ghost
  no Ghost.target + Ghost.hv                           -- ghost
  -- effect: the frame the walk ends at takes the register, or a fault
  let f = walk[c, v] {
    some f => {
      f.val' = c.regs
      all o: Frame - f | unchanged[o.val] and unchanged[o.pte] and unchanged[o.large]
      unchanged[npt]
      no c.fault'
    } else {
      memoryUnchanged and c.fault' = Fault
    }
  }
  pointersUnchanged[c] and unchanged[c.regs]           -- frame
  othersUnchanged[c]                                   -- frame
}

/** The entry a write sets in frame f (none when the write faults): src -> dst, or src's removed;
    a large leaf the frame held goes (its entry is a table entry again). */
pred entryWritten[f: lone Frame, src: VPage, dst: lone GPage] {
  some f => f.pte' = (f.pte - src -> GPage) + src -> dst  -- effect
  some f => no f.large'                                   -- effect
}

/** The large leaf a write puts in frame f (none when the write faults): every virtual page
    then maps into block b, and the small entries go (the leaf replaces the table they were in). */
pred largeWritten[f: lone Frame, b: GBlock] {
  some f => (f.large' = b and no f.pte')              -- effect
}

/** Write through virtual page v: the register's value (in each run), and a large leaf over block
    b in the frame the walk ends at (hostile page tables: any block, secure pages in it or not). */
pred writeLarge[c: VCpu, v: VPage, b: GBlock] {
  writeThrough[c, v] and largeWritten[walk[c, v], b]
}

/** The hypervisor gives secure domain d more memory: root's frame f, mapped at d's page g.
    It unmaps f from root's NPT first and loads d's contents (a secret in each run) into it;
    flawed, it leaves root's mapping of f in place. */
pred assign[d: Secure, g: GPage, f: Frame] {
  Ghost.hv = Hv and no Ghost.writer + Ghost.target     -- ghost
  g in d.region and no g.(d.npt)                       -- guard: a page of d not yet backed
  f in framesOf[Root]                                  -- guard: a frame root owns
  d.npt' = d.npt + g -> f                              -- effect
  Hv.flaw = SECURE_FRAME_LEFT_IN_ROOT_NPT => unchanged[Root.npt] else Root.npt' = Root.npt - GPage -> f  -- effect
  all e: Secure - d | unchanged[e.npt]                 -- frame
  f.val'[Run] in SecretDatum and no f.pte' and no f.large'  -- effect
  all o: Frame - f | unchanged[o.val] and unchanged[o.pte] and unchanged[o.large]  -- frame
  all c: VCpu | pointersUnchanged[c] and unchanged[c.regs] and no c.fault'  -- frame
}

/** The hypervisor takes page g's frame f back from secure domain d (from every page of d
    that maps it: a first version took only g's entry, and the checks found d's alias) and
    gives it to root at its page r, scrubbed first. */
pred release[d: Secure, g: GPage, r: GPage] {
  Ghost.hv = Hv and no Ghost.writer + Ghost.target     -- ghost
  some g.(d.npt)                                       -- guard: a backed page
  g.(d.npt) != d.gptRoot.(d.npt)                       -- guard: not the page table's frame
  r in Root.region and no r.(Root.npt)                 -- guard: a free page of root
  no VCpu.dom & d                                      -- guard: no vCPU runs in d
  let f = g.(d.npt) {
    d.npt' = d.npt - GPage -> f                        -- effect: every page of d that maps f
    Root.npt' = Root.npt + r -> f                      -- effect
    f.val' = Run -> Zero and no f.pte' and no f.large'  -- effect: scrubbed
    all o: Frame - f | unchanged[o.val] and unchanged[o.pte] and unchanged[o.large]  -- frame
  }
  all e: Secure - d | unchanged[e.npt]                 -- frame
  all c: VCpu | pointersUnchanged[c] and unchanged[c.regs] and no c.fault'  -- frame
}

/** The running code puts datum x in its register, the same in both runs (Java SetRegister).
    Root code cannot make up a secret: a secret is data root has not read. */
pred setRegister[c: VCpu, x: Datum] {
  no Ghost.writer + Ghost.hv                           -- ghost
  no Ghost.target                                      -- ghost
  c.dom = Root => x not in SecretDatum                 -- guard
  c.regs' = Run -> x                                   -- effect
  no c.fault'                                          -- effect
  pointersUnchanged[c]                                 -- frame
  memoryUnchanged and othersUnchanged[c]               -- frame
}

pred stutter {
  no Ghost.writer + Ghost.hv
  no Ghost.target
  memoryUnchanged
  all c: VCpu | pointersUnchanged[c] and unchanged[c.regs] and no c.fault'
}

/** One step of the machine, from any state. */
pred step {
  stutter
  or (some d: Secure, g: GPage, f: Frame | assign[d, g, f])
  or (some d: Secure, g, r: GPage | release[d, g, r])
  or some c: VCpu {
    (some g: Addr | jump[c, g]) or exitGate[c] or interrupt[c]
    or (some g: GPage | loadPtRoot[c, g]) or (some v: VPage | read[c, v])
    or (some v: VPage | writeThrough[c, v] and some src: VPage |
      entryWritten[walk[c, v], src, none] or some dst: GPage | entryWritten[walk[c, v], src, dst])
    or (some v: VPage, b: GBlock | writeLarge[c, v, b])
    or (some x: Datum | setRegister[c, x]) or (some g: GPage | dmaWrite[c, g])
  }
}

fact trace { always step }

-- ---------------------------------------------------------------------------
-- Claims.
--
-- Scopes ("N steps" bounds a trace to N states, N - 1 transitions). TRACE (PD-1's and PD-3's
-- bounded checks and their runs): one secure domain, one vCPU, 2 virtual pages, 3
-- guest-physical pages, 3 frames, 2 offsets, 3 byte addresses, 4 data, 4 states: enough for
-- root to point its page table at a secure page and access it, for the hypervisor to give
-- the domain a frame root's page table leads to and root to read or write through it, and
-- for a gate entry, a secret read and an interrupt. Not covered by
-- the bounded checks: two vCPUs, two secure domains, longer runs (a release after use and
-- reuse); PD-1's unwinding and PD-3's separation steps below cover every length, over
-- arbitrary states at the STEP scope (one secure domain, 2 vCPUs, 2 virtual pages, 3 pages,
-- 3 frames, 2 offsets, 2 addresses, 4 data). GATES (PD-2, PD-4): two secure domains, one
-- vCPU, 2 virtual pages, 4 pages, 3 frames, 2 offsets, 4 addresses (a gate and the byte
-- after it in one page, and another domain's gate), 4 states: a refused jump to the byte
-- after a gate and an entry, or an entry, a read and an exit or interrupt. Not covered: two
-- vCPUs switching at once, a refused jump, an entry, a read and an exit in one run. Every
-- command leaves GBlock at the overall scope, 3: up to three large-leaf blocks, each of any
-- shape over the scope's pages (a root block with a secure page at some offset among them),
-- written by root code or already in its tables at the start; at TRACE, root can write a large
-- leaf and read or write through it in the next step (PD_1_rootLargeLeafOverSecurePageFaults).
-- Adding them took the whole file's solving from 33 s to 41..46 s of CPU time (AlloyMain,
-- MiniSat, a shared two-core machine; PD_1_isolation 5 s to 16 s, PD_1_rootSeesNothingSecure
-- 6 s to 15 s, the rest a few seconds each).

/** The state invariant PD-1 and PD-3 rest on: every vCPU translates through its own
    domain's NPT, every NPT maps only its own region, and no frame is in two domains' NPTs. */
pred separated {
  all c: VCpu | c.nptOf = c.dom
  all d: Domain | d.npt.Frame in d.region
  all disj d, e: Domain | no framesOf[d] & framesOf[e]
}

/** PD-1's reach clause in one state. */
pred isolatedNow {
  all c: VCpu {
    c.dom = Root => no reach[c] & SecureFrames
    c.dom in Secure => reach[c] in framesOf[c.dom]
  }
}

/** PD-1 as stated for any hypervisor: no root access reaches a secure frame, a secure
    domain reaches only its own, and no secret reaches a root vCPU's register. */
pred isolation {
  always {
    isolatedNow
    all c: VCpu | c.dom = Root => no c.regs[Run] & SecretDatum
  }
}

-- PD-1: No root-domain access, through any virtual page on any vCPU, reaches a secure frame; a secure
-- domain reaches only its own frames (and no secret reaches a root vCPU's registers).
assert PD_1_isolation { (init and correctHv) => isolation }
-- Scope TRACE (above).
check PD_1_isolation for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 0

-- PD-1: The hypervisor gives a secure domain a frame root's page table leads to; root reads through it and faults (the check's scope).
run PD_1_rootReadsFrameGivenToSecure {
  init and correctHv
  some c: VCpu, v: VPage | eventually (c.dom = Root and (some d: Secure, g: GPage | assign[d, g, walk[c, v]])
    and after (read[c, v] and after some c.fault))
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-1: Root points its own page table at a secure guest-physical page and the access faults (the check's scope).
run PD_1_rootPageTablePointsAtSecurePage {
  init and correctHv
  some c: VCpu, v: VPage | eventually (c.dom = Root and leafPage[c, v] in Secure.region
    and read[c, v] and after some c.fault)
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-1 negative control, must fail: a hypervisor that gives a secure domain a frame without
-- unmapping it from root's NPT lets root reach that frame (the counterexample: assign, and
-- root's reach now includes the secure frame).
check PD_1_wrong_secureFrameLeftInRootNpt {
  (init and Hv.flaw = SECURE_FRAME_LEFT_IN_ROOT_NPT) => isolation
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-1: Root writes a large leaf into its own page table whose block puts a secure page at a
-- virtual page's offset, reads through that virtual page and faults: the root NPT does not map
-- the page the leaf translates to (the check's scope).
run PD_1_rootLargeLeafOverSecurePageFaults {
  init and correctHv
  some c: VCpu, v, w: VPage, b: GBlock | eventually (c.dom = Root and writeLarge[c, v, b]
    and after (tableOf[c].large = b and w.(b.at) in Secure.region and read[c, w] and after some c.fault))
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-1 negative control, must fail: a translation that checks a large leaf's block against the
-- NPT only at the block's first page lets root reach the secure frame at another offset of a
-- block that starts in root's memory (the counterexample: root's table holds, or root writes,
-- a large leaf whose first page is root's and whose page at some virtual page is secure).
check PD_1_wrong_largeLeafChecksFirstPage {
  (init and Hv.flaw = LARGE_LEAF_CHECKS_FIRST_PAGE) => isolation
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

/** What root sees of a state, equal in both runs: the registers of every vCPU running root
    code and the value of every frame root's NPT maps. */
pred lowEquivalent {
  all c: VCpu | c.dom = Root => c.regs[R1] = c.regs[R2]
  all f: GPage.(Root.npt) | f.val[R1] = f.val[R2]
}

/** PD-1's confidentiality over two runs that differ only in the secure domain's secrets. */
pred rootSeesNothingSecure { always lowEquivalent }

-- PD-1: Two runs that differ only in the secure domain's secrets (its frames' values, and
-- what the hypervisor loads into a frame it assigns) look the same to root after every step:
-- the registers of every vCPU running root code and all the memory its NPT maps.
assert PD_1_rootSeesNothingSecure { (init and correctHv) => rootSeesNothingSecure }
-- Scope TRACE (above).
check PD_1_rootSeesNothingSecure for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 0

-- PD-1: The two runs' secrets differ, secure code reads its secret (different in each run) and is interrupted back to root (the check's scope).
run PD_1_secureReadThenInterruptInTwoRuns {
  init and correctHv
  some c: VCpu | eventually (c.dom in Secure and c.regs[R1] != c.regs[R2] and interrupt[c])
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-1 negative control, must fail: an interrupt that switches back to root without
-- clearing the registers hands root the secret secure code had read, different in the two
-- runs (the counterexample: gate entry, a read of a secure frame, the interrupt).
check PD_1_wrong_secureRegistersLeakOnInterrupt {
  (init and Hv.flaw = SECURE_REGISTERS_LEAK_ON_INTERRUPT) => rootSeesNothingSecure
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

/** PD-1's unwinding relation: the state invariant and low-equivalence of the two runs. */
pred unwinding { separated and lowEquivalent }

-- PD-1: unwinding, base case: every initial state satisfies the relation.
check PD_1_unwinding_init {
  init => unwinding
} for 3 but 1 Secure, 2 VPage, 2 VCpu, 3 GPage, 3 Frame, 2 Off, 2 Addr, 4 Datum, 1 steps expect 0

-- PD-1: unwinding, inductive step: from ANY state that satisfies the relation (no trace
-- leads to it), the state is isolated and every step of the correct hypervisor keeps the
-- relation; the step's outputs to root (the registers of vCPUs running root code after it,
-- and its faults, shared by both runs) agree, being part of lowEquivalent in the next state.
-- With the base case: isolation and two-run confidentiality for traces of any length.
-- (Alloy's traces are lassos, so the step's post-state must go on; it always can, by
-- repeating a faulting access or jump, or by a stutter, so the bound hides no step.)
check PD_1_unwinding_step {
  (correctHv and unwinding) => (isolatedNow and after unwinding)
} for 3 but 1 Secure, 2 VPage, 2 VCpu, 3 GPage, 3 Frame, 2 Off, 2 Addr, 4 Datum, 2 steps expect 0

-- PD-1: at the step's scope, from a state satisfying the relation, with a vCPU running root
-- code beside it, secure code reads a frame whose secret differs between the runs, so its
-- register differs too, and the relation still holds.
run PD_1_lowEquivalentRunsDifferInSecrets {
  correctHv and unwinding
  some Root.~dom
  some c: VCpu, v: VPage {
    c.dom in Secure and c.regs[R1] = c.regs[R2]
    read[c, v]
    after (c.regs[R1] != c.regs[R2] and unwinding)
  }
} for 3 but 1 Secure, 2 VPage, 2 VCpu, 3 GPage, 3 Frame, 2 Off, 2 Addr, 4 Datum, 2 steps expect 1

-- PD-1 negative control, must fail: the unwinding step under SECURE_FRAME_LEFT_IN_ROOT_NPT.
-- The assign leaves root's mapping of the frame it loads a secret into, so root's memory
-- differs between the two runs after the step (the counterexample: one assign).
check PD_1_wrong_unwindingSecureFrameLeftInRootNpt {
  (Hv.flaw = SECURE_FRAME_LEFT_IN_ROOT_NPT and unwinding) => (isolatedNow and after unwinding)
} for 3 but 1 Secure, 2 VPage, 2 VCpu, 3 GPage, 3 Frame, 2 Off, 2 Addr, 4 Datum, 2 steps expect 1

/** PD-2's pointer invariant. */
pred pointersMatchDomain {
  always all c: VCpu {
    c.nptOf = c.dom
    c.dom in Secure => (c.ptRoot = c.dom.gptRoot and some c.saved)
  }
}

-- PD-2: While secure code runs, translation uses that domain's guest page tables and NPT: the NPT
-- pointer is always the current domain's, and a secure vCPU runs on its domain's page-table root
-- with root's pointer saved.
assert PD_2_pointersMatchDomain { (init and correctHv) => pointersMatchDomain }
-- Scope GATES (above).
check PD_2_pointersMatchDomain for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 0

-- PD-2: The two pointers switch together: a domain change sets the NPT pointer to the new domain and
-- the page-table root to its table (entry) or to root's saved one (exit, interrupt), and the NPT
-- pointer never changes without a domain change.
assert PD_2_switchTogether {
  (init and correctHv) => always all c: VCpu {
    c.dom' != c.dom => {
      c.nptOf' = c.dom'
      c.dom' in Secure => c.ptRoot' = c.dom'.gptRoot
      c.dom' = Root => c.ptRoot' = c.saved
    }
    c.nptOf' != c.nptOf => c.dom' != c.dom
  }
}
-- Scope GATES (above).
check PD_2_switchTogether for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 0

-- PD-2: An interrupt arrives while secure code runs: registers cleared, both pointers back to root (the checks' scope).
run PD_2_interruptInSecureCode {
  init and correctHv
  some c: VCpu | eventually (c.dom in Secure and c.regs[Run] in SecretDatum and interrupt[c])
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

-- PD-2 negative control, must fail: a transition that switches the guest page-table root but not the
-- NPT pointer leaves a vCPU in a secure domain translating through root's NPT (the
-- counterexample: one gate entry).
check PD_2_wrong_switchOnlyGuestPtRoot {
  (init and Hv.flaw = SWITCH_ONLY_GUEST_PT_ROOT) => pointersMatchDomain
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

/** PD-3 as stated for any hypervisor: a secure frame changes only by its domain's own write
    or by the hypervisor's own operations (give, take back). */
pred secureFramesChangeOnlyByOwner {
  all f: SecureFrames |
    (f.val' != f.val or f.pte' != f.pte or f.large' != f.large) =>
      (some Ghost.hv or (Ghost.writer.dom in Secure and f in framesOf[Ghost.writer.dom]))
}
pred rootCannotModifySecure { always secureFramesChangeOnlyByOwner }

-- PD-3: The root domain cannot modify a secure domain's guest page tables, code or data; only that
-- domain's own code does.
assert PD_3_rootCannotModifySecure { (init and correctHv) => rootCannotModifySecure }
-- Scope TRACE (above).
check PD_3_rootCannotModifySecure for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 0

-- PD-3: The hypervisor gives a secure domain a frame root's page table leads to; root writes through it and faults (the check's scope).
run PD_3_rootWriteToFrameGivenToSecureFaults {
  init and correctHv
  some c: VCpu, v, src: VPage, dst: GPage | eventually (c.dom = Root
    and (some d: Secure, g: GPage | assign[d, g, walk[c, v]]) and after (write[c, v, src, dst] and after some c.fault))
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-3: Secure code modifies its own region, so the assert's exception for the domain's own writes is exercised (the check's scope).
run PD_3_secureCodeWritesItsOwnRegion {
  init and correctHv
  eventually (Ghost.writer.dom in Secure and some f: framesOf[Ghost.writer.dom] | f.val' != f.val or f.pte' != f.pte or f.large' != f.large)
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-3: Root points its page table at a secure page and writes through it: the write faults, no secure frame changes (the check's scope).
run PD_3_rootWriteThroughSecureMappingFaults {
  init and correctHv
  some c: VCpu, v, src: VPage, dst: GPage | eventually (c.dom = Root
    and leafPage[c, v] in Secure.region and write[c, v, src, dst] and after some c.fault)
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-3 negative control, must fail: with a frame given to a secure domain but left in root's
-- NPT, root code writes into that secure frame (the counterexample: assign, then root's write
-- through its page table into the frame).
check PD_3_wrong_secureFrameLeftInRootNpt {
  (init and Hv.flaw = SECURE_FRAME_LEFT_IN_ROOT_NPT) => rootCannotModifySecure
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-3 negative control, must fail: with a large leaf checked against the NPT at its block's
-- first page only, root writes through the leaf into the secure frame at another offset of the
-- block (the counterexample: a write through a virtual page whose block page is secure).
check PD_3_wrong_largeLeafChecksFirstPage {
  (init and Hv.flaw = LARGE_LEAF_CHECKS_FIRST_PAGE) => rootCannotModifySecure
} for 3 but 1 Secure, 2 VPage, 1 VCpu, 3 GPage, 3 Frame, 2 Off, 3 Addr, 4 Datum, 4 steps expect 1

-- PD-3: separation, base case: every initial state is separated.
check PD_3_separation_init {
  init => separated
} for 3 but 1 Secure, 2 VPage, 2 VCpu, 3 GPage, 3 Frame, 2 Off, 2 Addr, 4 Datum, 1 steps expect 0

-- PD-3: separation, inductive step: from ANY separated state, a step of the correct
-- hypervisor changes a secure frame only by that domain's own write or the hypervisor's own
-- operation, and leaves the state separated; with the base case, PD-3 for traces of any length.
check PD_3_separation_step {
  (correctHv and separated) => (secureFramesChangeOnlyByOwner and after separated)
} for 3 but 1 Secure, 2 VPage, 2 VCpu, 3 GPage, 3 Frame, 2 Off, 2 Addr, 4 Datum, 2 steps expect 0

/** PD-4 as stated for any hypervisor. */
pred gatesOnly {
  always all c: VCpu {
    (c.dom = Root and c.dom' in Secure) => Ghost.target in c.dom'.gates
    (c.dom in Secure and c.dom' != c.dom) => (c.dom' = Root and (exitGate[c] or interrupt[c]))
    all g: Addr | (jump[c, g] and g not in Secure.gates) =>
      (c.dom' = c.dom and c.ptRoot' = c.ptRoot and c.nptOf' = c.nptOf and some c.fault')
  }
}

-- PD-4: Control enters or leaves a secure domain only through a registered gate, exit or interrupt;
-- a jump anywhere else faults and changes no domain.
assert PD_4_gatesOnly { (init and correctHv) => gatesOnly }
-- Scope GATES (above).
check PD_4_gatesOnly for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 0

-- PD-4: Root jumps to the byte after a gate and faults, then to the gate and enters (the check's scope).
run PD_4_byteAfterGateRefusedGateEnters {
  init and correctHv
  some c: VCpu, d: Secure, a: d.gates | eventually (jump[c, nextAddr[a]] and after (some c.fault
    and eventually (jump[c, a] and after c.dom = d)))
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

-- PD-4: A jump to a non-gate secure address is refused with a fault (the check's scope).
run PD_4_refusedJump {
  init and correctHv
  some c: VCpu, g: Addr | eventually (jump[c, g] and g not in Secure.gates and after some c.fault)
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

-- PD-4: A root vCPU enters a secure domain through its gate, reads its data, and leaves through the exit gate (the check's scope).
run PD_4_gateEntryAndExit {
  init and correctHv
  some c: VCpu | eventually (c.dom in Secure and eventually (some v: VPage | read[c, v] and c.regs'[Run] in SecretDatum)
    and eventually (exitGate[c] and after c.dom = Root))
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

-- PD-4 negative control, must fail: a gate check that also accepts the byte after a gate lets
-- root enter a secure domain one byte past its gate (the counterexample: one jump to the
-- gate's page at the next offset, which enters).
check PD_4_wrong_gateCheckAcceptsNextAddress {
  (init and Hv.flaw = GATE_CHECK_ACCEPTS_NEXT_ADDRESS) => gatesOnly
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

-- PD-4 negative control, must fail: a gate check that compares the offset but not the page
-- lets root enter at the gate's offset in another page of the domain (the counterexample: one
-- jump to a page of the domain holding no gate at that offset, which enters).
check PD_4_wrong_gateLookupByLow32Bits {
  (init and Hv.flaw = GATE_LOOKUP_BY_LOW_32_BITS) => gatesOnly
} for 3 but 2 Secure, 2 VPage, 1 VCpu, 4 GPage, 3 Frame, 2 Off, 4 Addr, 3 Datum, 4 steps expect 1

-- ---------------------------------------------------------------------------
-- A device behind the IOMMU (PD-5). Appended by the machine work (issue 10) and kept on its
-- own: it reads only Domain, Root, Secure, region, npt, framesOf, SecureFrames, VCpu, dom, val,
-- regs and the frame preds of the spec above, and constrains its own state in its own facts;
-- step takes dmaWrite as one of its operations, and correctHv pins the correct set-up.
--
-- What it models. The root's DMA-capable device (Java DomainsSystem.DEVICE): its I/O page
-- table (Device.maps, bus page = guest-physical page, Java Iommu.table), its IOTLB
-- (Device.iotlb, Iommu.cachedFrames) and its writes (dmaWrite, the Java DeviceWrite): root code
-- has the device write a guest page; the write lands in the frame the IOTLB or the table gives
-- (Device.landed) or is refused and reported (Device.refused, the Java Fault DMA_REFUSED). The
-- correct hypervisor keeps the table equal to the root's NPT and drops IOTLB entries the table
-- no longer has; the flawed set-up SECURE_FRAMES_IN_DEVICE_TABLE builds it from every domain's
-- NPT (deviceTable_SECURE_FRAMES_IN_DEVICE_TABLE). A landed write puts the vCPU's register
-- into the frame (the Java data word), page-table entries untouched. What it leaves out: read
-- DMA, several devices, bus addresses other than guest pages. Which set-up runs is the static DeviceTable.setup, which
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
  -- effect: the landed frame takes the register (in each run)
  all f: Device.landed' | f.val' = c.regs
  -- frame
  no Ghost.writer + Ghost.hv and no Ghost.target
  all f: Frame - Device.landed' | unchanged[f.val]
  unchanged[pte] and unchanged[large] and unchanged[npt]
  all o: VCpu | pointersUnchanged[o] and unchanged[o.regs] and no o.fault'
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
