/*
 * interrupts — secrets embedded in code vs. compromised interrupt handlers
 * (US10922402B2 with US9411979B2; seed abstract 9; claims INT-1..INT-6).
 *
 * What it models. The hypervisor writes a secret as the immediate of a move
 * instruction in an execute-only code page. The guest runs a four-instruction
 * sequence from that page:
 *   S0  MOV  R1, #secret        -- the only way a register ever gets the secret
 *   S1  MIX  R2, R1             -- authentication value R2 := mix(R1)
 *   S2  CMP  R1, #ERASE; JE S0  -- scrubbed while in use? start again
 *   S3  HYPERCALL               -- the hypervisor checks R2 = mix(secret); if R2
 *                                  holds the erasure constant (scrubbed between
 *                                  S2 and S3) it resumes the guest at S0 instead;
 *                                  it leaves R1, R2 erased and the verdict in R0
 * The interrupt security module intercepts every interrupt and exception while
 * the guest runs. If the vCPU is inside the sequence it overwrites R1 and R2
 * (the secret and every value derived from it) with the erasure constant; then
 * it delivers one virtual interrupt with the same vector to the guest handler,
 * which runs at lower privilege, may be compromised, reads every register and
 * all readable memory, may rewrite registers and its return address. The
 * hypervisor never writes the secret back: on return the sequence sees the
 * erasure constant and re-executes the move. Arrivals nest: one arriving while
 * a handler runs is delivered to a nested handler; while two handlers run the
 * module queues arrivals (up to two) and delivers the oldest each time a
 * handler returns. Arrivals are Irq atoms numbered in arrival order; the ghosts
 * Now.used and Machine.got (arrived, delivered) are the observer INT-3 is
 * stated over, separate from the module's own queue (qhead, qnext).
 * INT-1 is stated over TWO machines in lockstep: every action is chosen once
 * (Now) and applied to every Machine; machines differ only in their secret.
 * A device reads pages by DMA through its IOMMU table (iommu), which the
 * hypervisor fills on demand but never with the code page; a control transfer
 * may land on any byte: S0..S3 start instructions, Inside stands for a byte
 * that starts none, and the hypervisor admits a transfer into the sequence at
 * S0 only (INT-6). The booted state is the pred booted, not a fact, so that
 * INT-1's induction step can start from an arbitrary state.
 *
 * What INT_1_unwinding_init and INT_1_unwinding_step prove together:
 * noninterference for traces of ANY length in this model (not only the bounded
 * steps of INT_1_noninterference). What they do not prove: anything about the
 * Java model or the machine, guesses of a secret by low code (Low and Secret
 * are disjoint here), more than two queued arrivals.
 *
 * Scopes. One machine: 2 secrets, 3 low values, 4 authentication atoms, 3
 * arrivals, up to 10-12 steps. Two machines (INT-1): 5 steps and one arrival,
 * enough for an interrupt inside the sequence and the guest resuming there;
 * 7 steps (for the verdict after it too) took more than 10 minutes.
 *
 * Deliberately left out. Addresses and instruction bytes (positions S0..S3,
 * Inside for every byte that starts no instruction, and one position Out for
 * all ordinary code); flags and registers beyond R0..R2 (the Java properties
 * compare the machine's whole register file); DMA writes and more than one
 * device; the message a real MAC would cover;
 * nesting deeper than two handlers and queues longer than two; rewriting a
 * nested handler's return address; timing and caches. Authentication values are opaque atoms and mix is
 * injective: guest code cannot forge one (a perfect MAC), so a hypercall
 * verdict cannot leak the secret by a lucky guess.
 *
 * Java names. Machine is one run of InterruptsModel over an InterruptsState
 * (pc, regs, saved = returnStack, mem = memory); Kind atoms and the operation
 * preds are the InterruptsAction records: execute = Execute (with hypercall
 * inside it), arrive = Arrive (ArrivalCause), return = Return,
 * setRegister = SetRegister, jumpTo = JumpTo (JumpToByte), readMemory = ReadMemory,
 * writeMemory = WriteMemory, dmaRead = DmaRead; delivered, readVal, fault and verdict are the
 * InterruptsObservation records VirtualInterrupt, MemoryRead, Fault and
 * HypercallReturned. obsEq is HandlerView equality, lowEq is
 * InterruptsLowEquivalence.equivalent. The Scrubber atoms SCRUB_XOR_SECRET and
 * SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS and the Flaw atoms
 * DROP_NESTED_VIRTUAL_INTERRUPT, DUPLICATE_EXCEPTION_DELIVERY,
 * RESTORE_SECRET_ON_RETURN, CODE_PAGE_READABLE, IOMMU_MAPS_CODE_PAGE,
 * MID_SEQUENCE_JUMP_NOT_FAULTED and RESUME_AT_RETURN_ADDRESS are the InterruptsImplFlaw
 * (and InterruptsModelFlaw) constants of those names. An assert states the same predicate as the
 * InterruptsInvariants invariant its suffix names, where one does.
 */
module interrupts

open util/ordering[Irq] as arrivalOrder

abstract sig Value {}
one sig Erasure extends Value {}
sig Secret extends Value {}
/** values ordinary guest code and handlers can produce themselves */
sig Low extends Value {}
one sig Zero, Accept, Reject extends Low {}
/** authentication values: mix of one key */
sig Auth extends Value {}
/** what a flawed scrubber writes: secret xor a constant, one per secret */
sig Masked extends Value {}

/** mix is injective where the scope gives it an atom, and defined on every secret;
    a key without an atom mixes to Zero, which is no secret's authentication value */
one sig Mix { f: (Value - Auth) -> lone Auth }
fact mixIsInjective {
  all disj a, b: Mix.f.Auth | Mix.f[a] != Mix.f[b]
  Secret + Erasure in Mix.f.Auth
}
fun mix[v: Value]: Value { some Mix.f[v] => Mix.f[v] else Zero }

abstract sig Reg {}
one sig R0, R1, R2 extends Reg {}

abstract sig Pc {}
one sig S0, S1, S2, S3 extends Pc {}
one sig Out extends Pc {}
/** a byte of the sequence that starts no instruction (inside the move's immediate, say): a
    transfer there runs the secret's bytes as code */
one sig Inside extends Pc {}
fun Seq: set Pc { S0 + S1 + S2 + S3 }
/** every position of the sequence a control transfer could land on but its entry */
fun stray: set Pc { Seq + Inside - S0 }

abstract sig Mode {}
one sig Guest, Handler extends Mode {}

abstract sig ArrivalCause {}
one sig Interrupt, Exception extends ArrivalCause {}
sig Vector {}
/** one hardware arrival (an interrupt or exception the module intercepts); the atoms are
    numbered in arrival order (arrivalOrder), each arrives at most once */
sig Irq { icause: one ArrivalCause, ivec: one Vector }
/** copies of one virtual interrupt delivered in one step: a correct module delivers First only */
abstract sig Copy {}
one sig First, Second extends Copy {}
/** a nested handler runs (depth 2): its return address is the outer handler's code */
one sig Nested {}

abstract sig Page {}
one sig CodePage extends Page {}
sig DataPage extends Page {}

one sig Fault {}

/** which scrubber the hypervisor has: the correct one, or two flawed ones */
abstract sig Scrubber {}
one sig Correct, SCRUB_XOR_SECRET, SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS extends Scrubber {}
/** the other deliberately flawed modules: the InterruptsImplFlaw constants of these names */
abstract sig Flaw {}
one sig DROP_NESTED_VIRTUAL_INTERRUPT, DUPLICATE_EXCEPTION_DELIVERY, RESTORE_SECRET_ON_RETURN,
  CODE_PAGE_READABLE, IOMMU_MAPS_CODE_PAGE, MID_SEQUENCE_JUMP_NOT_FAULTED, RESUME_AT_RETURN_ADDRESS extends Flaw {}
one sig Hv {
  scrubber: one Scrubber,
  flaw: lone Flaw,
  masked: Secret -> one Masked
}
fact maskedIsInjective { all disj a, b: Secret | Hv.masked[a] != Hv.masked[b] }

sig Machine {
  secret: one Secret,
  var pc: one Pc,
  var mode: one Mode,
  var saved: lone Pc,                 -- return address in the outermost interrupt frame
  var nest: lone Nested,              -- a nested handler runs above the outer one
  var qhead, qnext: lone Irq,         -- the module's queue of arrivals not yet delivered
  var regs: Reg -> one Value,
  var mem: DataPage -> one Value,
  var iommu: set Page,                -- the pages the device's IOMMU table maps
  -- observations of the step that led to this state
  var delivered: Irq -> Copy,         -- virtual interrupts delivered (each names its arrival)
  var got: set Irq,                   -- ghost: arrivals delivered so far (the observer's count)
  var readVal: lone Value,            -- value a read returned
  var fault: lone Fault,              -- the action faulted
  var verdict: lone Low               -- a hypercall's verdict (Accept/Reject)
}

/** The one action every machine takes in this step (lockstep). */
abstract sig Kind {}
one sig Execute, Arrive, Return, SetRegister, JumpTo, ReadMemory, WriteMemory, DmaRead, Stutter extends Kind {}
one sig Now {
  var kind: one Kind,
  var irq: lone Irq,                  -- the arrival of an Arrive step
  var used: set Irq,                  -- ghost: the arrivals so far
  var reg: lone Reg,
  var val: lone Value,
  var target: lone Pc,
  var page: lone Page
}

/** The booted machines: every command but INT-1's induction step starts here (the step starts
    from any state at all, so init is a pred, not a fact). The IOMMU maps the guest's ordinary
    pages only (flawed: the execute-only code page too, at boot). */
pred booted {
  all m: Machine {
    m.pc in Out + S0                 -- ordinary code, or about to enter the sequence
    m.mode = Guest
    no m.saved + m.nest + m.qhead + m.qnext + m.got
    m.regs = Reg -> Zero
    m.mem in DataPage -> Low
    m.iommu = (Hv.flaw = IOMMU_MAPS_CODE_PAGE => CodePage else none)
    no m.delivered and no m.readVal + m.fault + m.verdict
  }
  -- every machine starts from the same low state; only secrets differ
  all m, n: Machine | m.mem = n.mem and m.pc = n.pc
  no Now.used
}

/** Arrivals come in the order of their atoms, each once; the observer's ghosts follow. */
fact arrivalsInOrder {
  always {
    Now.kind = Arrive => Now.irq = arrivalOrder/min[Irq - Now.used]
    Now.used' = Now.used + Now.irq
    all m: Machine | m.got' = m.got + m.delivered'.Copy
  }
}
fun cause: lone ArrivalCause { Now.irq.icause }
fun vec: lone Vector { Now.irq.ivec }

let unchanged[x] { (x)' = (x) }

pred noObs[m: Machine] { no m.delivered' and no m.readVal' + m.fault' + m.verdict' }
/** the nesting and the module's queue are unchanged */
pred framesUnchanged[m: Machine] { unchanged[m.nest] and unchanged[m.qhead] and unchanged[m.qnext] }

/** outside code or a handler is running: it may read and rewrite registers */
pred lowCodeRuns[m: Machine] { m.mode = Handler or m.pc = Out }

-- ---------------------------------------------------------------------------
-- Operations, each for one machine; Now says which and with what arguments.

/** Execute one instruction of the sequence (ordinary code and handler code
    are abstracted: their "execute" changes nothing). */
pred execute[m: Machine] {
  no m.delivered' and no m.readVal' + m.fault'
  unchanged[m.mode] and unchanged[m.saved] and unchanged[m.mem] and framesUnchanged[m]
  (m.mode = Guest and m.pc = S3) or no m.verdict'    -- only the hypercall answers
  (m.mode = Handler or m.pc = Out) => {
    unchanged[m.pc] and unchanged[m.regs]
  } else m.pc = Inside => {
    -- reachable only through a flawed entry check: the bytes of the move's immediate run as
    -- code, abstracted as handing the secret to R0 and falling out to ordinary code
    m.pc' = Out
    m.regs' = m.regs ++ R0 -> m.secret
  } else m.pc = S0 => {
    m.pc' = S1
    m.regs' = m.regs ++ R1 -> m.secret
  } else m.pc = S1 => {
    m.pc' = S2
    m.regs' = m.regs ++ R2 -> mix[m.regs[R1]]
  } else m.pc = S2 => {
    m.pc' = (m.regs[R1] = Erasure => S0 else S3)
    unchanged[m.regs]
  } else {
    hypercall[m]
  }
}

/** S3: the hypervisor's check of the authentication value in R2. */
pred hypercall[m: Machine] {
  m.regs[R2] = Erasure => {
    -- scrubbed after the compare: no verdict, start the sequence again
    m.pc' = S0
    unchanged[m.regs]
    no m.verdict'
  } else {
    m.pc' = Out
    m.regs' = m.regs ++ (R0 -> verdictOf[m] + R1 -> Erasure + R2 -> Erasure)
    m.verdict' = verdictOf[m]
  }
}
fun verdictOf[m: Machine]: Low { m.regs[R2] = mix[m.secret] => Accept else Reject }

/** An interrupt or exception arrives, while the guest or a handler runs. The module scrubs
    if it interrupts the sequence (only the outermost arrival can), then delivers one virtual
    interrupt naming it at once when fewer than two handlers run and nothing is queued;
    otherwise it queues it (up to two), to deliver when a handler returns. */
pred arrive[m: Machine, i: Irq] {
  no m.readVal' + m.fault' + m.verdict'
  unchanged[m.mem]
  m.regs' = (m.mode = Guest and m.pc in Seq and scrubs[i.icause] => m.regs ++ scrubbed[m] else m.regs)
  (m.mode = Handler and Hv.flaw = DROP_NESTED_VIRTUAL_INTERRUPT) => {
    -- flawed: a nested arrival is dropped
    no m.delivered' and unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and framesUnchanged[m]
  } else (no m.nest and no m.qhead) => {
    deliver[m, i]
    unchanged[m.qhead] and unchanged[m.qnext]
  } else {
    -- queue it behind what is pending (a third pending arrival is outside the model)
    no m.qnext
    no m.qhead => (m.qhead' = i and unchanged[m.qnext]) else (unchanged[m.qhead] and m.qnext' = i)
    no m.delivered' and unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.nest]
  }
}

/** Deliver the virtual interrupt of arrival i: enter the handler, nested if one runs. */
pred deliver[m: Machine, i: Irq] {
  m.delivered' = i -> First + (Hv.flaw = DUPLICATE_EXCEPTION_DELIVERY and i.icause = Exception => i -> Second else none -> none)
  m.mode' = Handler
  m.pc' = Out                      -- handler code is "outside the sequence"
  m.mode = Guest => (m.saved' = m.pc and no m.nest') else (unchanged[m.saved] and m.nest' = Nested)
}
pred scrubs[c: ArrivalCause] { Hv.scrubber = SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS => c = Interrupt else some c }
fun scrubbed[m: Machine]: Reg -> Value {
  Hv.scrubber = SCRUB_XOR_SECRET
    => R1 -> Hv.masked[m.secret] + R2 -> Erasure
    else R1 -> Erasure + R2 -> Erasure
}

/** The innermost handler returns. With an arrival queued the module delivers it in its
    place; else a nested handler returns to the outer one, and the outer one to its (possibly
    rewritten) return address. */
pred return[m: Machine] {
  m.mode = Handler
  no m.readVal' + m.fault' + m.verdict'
  unchanged[m.mem]
  some m.qhead => {
    m.delivered' = m.qhead -> First
      + (Hv.flaw = DUPLICATE_EXCEPTION_DELIVERY and m.qhead.icause = Exception => m.qhead -> Second else none -> none)
    m.qhead' = m.qnext and no m.qnext'
    unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.nest] and unchanged[m.regs]
  } else some m.nest => {
    no m.delivered' and no m.nest'
    unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs]
    unchanged[m.qhead] and unchanged[m.qnext]
  } else {
    no m.delivered'
    m.mode' = Guest
    m.pc' = resumeAt[m.saved]
    no m.saved'
    framesUnchanged[m]
    -- flawed: the module writes the secret back when the guest resumes inside the sequence
    (Hv.flaw = RESTORE_SECRET_ON_RETURN and m.saved in Seq) => m.regs' = m.regs ++ R1 -> m.secret else unchanged[m.regs]
  }
}

/** Where the guest resumes when its outermost handler returns to t: an interrupted (or
    redirected) sequence restarts at its move, whatever byte of it t is (flawed: at t itself). */
fun resumeAt[t: Pc]: Pc { (t in stray and Hv.flaw != RESUME_AT_RETURN_ADDRESS) => S0 else t }

/** Outside code or a handler writes a register with a value of its own. */
pred setRegister[m: Machine, r: Reg, v: Value] {
  lowCodeRuns[m]
  v in Low + Erasure
  m.regs' = m.regs ++ r -> v
  noObs[m] and unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.mem] and framesUnchanged[m]
}

/** Outside code jumps to any byte (the outer handler: rewrites its return address; a nested
    handler's return address is not modelled, its jump changes nothing). The hypervisor admits
    a transfer into the sequence at its move only: any other byte of it faults and changes
    nothing (flawed: MID_SEQUENCE_JUMP_NOT_FAULTED admits them all). */
pred jumpTo[m: Machine, t: Pc] {
  lowCodeRuns[m]
  no m.delivered' and no m.readVal' + m.verdict'
  (m.mode = Guest and t in stray and Hv.flaw != MID_SEQUENCE_JUMP_NOT_FAULTED) => {
    m.fault' = Fault and unchanged[m.pc] and unchanged[m.saved]
  } else {
    no m.fault'
    m.mode = Handler => (unchanged[m.pc] and (no m.nest => m.saved' = t else unchanged[m.saved]))
      else (m.pc' = t and unchanged[m.saved])
  }
  unchanged[m.regs] and unchanged[m.mode] and unchanged[m.mem] and framesUnchanged[m]
}

/** Outside code or a handler reads a page: the code page is execute-only (flawed: it
    reads, and the move's immediate is the secret). */
pred readMemory[m: Machine, p: Page] {
  lowCodeRuns[m]
  p = CodePage => {
    Hv.flaw = CODE_PAGE_READABLE => (m.readVal' = m.secret and no m.fault') else (m.fault' = Fault and no m.readVal')
  } else (m.readVal' = m.mem[p] and no m.fault')
  no m.delivered' and no m.verdict'
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs] and unchanged[m.mem]
  framesUnchanged[m]
}

/** Outside code or a handler stores a register to a page. */
pred writeMemory[m: Machine, p: Page, r: Reg] {
  lowCodeRuns[m]
  p = CodePage => (m.fault' = Fault and unchanged[m.mem]) else (m.mem' = m.mem ++ p -> m.regs[r] and no m.fault')
  no m.delivered' and no m.readVal' + m.verdict'
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs] and framesUnchanged[m]
}

/** The guest's device reads a page by DMA, whatever the vCPU runs: the hypervisor maps the page
    in the device's IOMMU table (pins it) unless it holds a secret, which it refuses; the device
    sends what it read where low code sees it. (Java: InterruptsAction.DmaRead.) */
pred dmaRead[m: Machine, p: Page] {
  no m.delivered' and no m.verdict'
  (p = CodePage and CodePage not in m.iommu) => {
    m.fault' = Fault and no m.readVal' and unchanged[m.iommu]
  } else {
    no m.fault'
    m.iommu' = m.iommu + p
    m.readVal' = (p = CodePage => m.secret else m.mem[p])
  }
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs] and unchanged[m.mem]
  framesUnchanged[m]
}

pred stutter[m: Machine] {
  noObs[m]
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs] and unchanged[m.mem]
  framesUnchanged[m]
}

/** Apply the action in Now to one machine. Every guard above reads only
    state the low observer sees too, so lockstep never hides a divergence. */
pred apply[m: Machine] {
  Now.kind = Execute     => execute[m]
  Now.kind = Arrive      => arrive[m, Now.irq]
  Now.kind = Return      => return[m]
  Now.kind = SetRegister => setRegister[m, Now.reg, Now.val]
  Now.kind = JumpTo      => jumpTo[m, Now.target]
  Now.kind = ReadMemory  => readMemory[m, Now.page]
  Now.kind = WriteMemory => writeMemory[m, Now.page, Now.reg]
  Now.kind = DmaRead     => dmaRead[m, Now.page]
  Now.kind = Stutter     => stutter[m]
  Now.kind != DmaRead    => unchanged[m.iommu]
}

fact argumentsMatchKind {
  always {
    Now.kind = Arrive iff some Now.irq
    Now.kind in SetRegister + WriteMemory iff some Now.reg
    Now.kind = SetRegister iff some Now.val
    Now.kind = JumpTo iff some Now.target
    Now.kind in ReadMemory + WriteMemory + DmaRead iff some Now.page
  }
}

fact trace { always (all m: Machine | apply[m]) }

-- ---------------------------------------------------------------------------
-- The low observer: guest code outside the sequence and its handlers.

/** What that code can see in this state: the registers whenever it runs, the
    return address, memory, and the observations of the last step. */
pred obsEq[m, n: Machine] {
  m.mode = n.mode
  lowCodeRuns[m] iff lowCodeRuns[n]
  lowCodeRuns[m] => (m.regs = n.regs and m.pc = n.pc)
  m.saved = n.saved and m.nest = n.nest
  m.mem = n.mem
  m.delivered = n.delivered
  m.readVal = n.readVal
  m.fault = n.fault
  m.verdict = n.verdict
}

/** Low-equivalence (the unwinding relation): equal except for the secret and, while the guest
    executes inside the sequence, the registers R1 and R2, which then hold either the same value
    in both machines, one derived from no secret, or each machine's own secret, or each one's
    own mix of its secret (hiddenEq). "Equal" alone would not be inductive: the compare and
    the hypercall branch on R1 and R2, so the relation must say what they may hold. */
pred lowEq[m, n: Machine] {
  m.pc = n.pc and m.mode = n.mode and m.saved = n.saved and m.mem = n.mem and m.iommu = n.iommu
  m.nest = n.nest and m.qhead = n.qhead and m.qnext = n.qnext and m.got = n.got
  lowCodeRuns[m]
    => m.regs = n.regs
    else (m.regs[R0] = n.regs[R0] and hiddenEq[m, n, m.regs[R1], n.regs[R1]] and hiddenEq[m, n, m.regs[R2], n.regs[R2]])
  m.delivered = n.delivered and m.readVal = n.readVal
  m.fault = n.fault and m.verdict = n.verdict
}
/** Two hidden register values related by lowEq: alike and derived from no secret, or each
    machine's own secret, or each one's own authentication value. */
pred hiddenEq[m, n: Machine, a, b: Value] {
  (a = b and a not in Secret + Mix.f[Secret])
  or (a = m.secret and b = n.secret)
  or (a = mix[m.secret] and b = mix[n.secret])
}

/** The state invariant INT-1's unwinding needs besides lowEq: whenever low code runs every
    register holds a value low code could have made (R0 always does); the vCPU never stands on
    a byte inside an instruction of the sequence; the device's IOMMU table maps no page holding
    the secret. (Java: InterruptsInvariants SECRET_CONFINED_TO_SEQUENCE and INT-6's
    SECRET_OUT_OF_DEVICE_REACH.) */
pred secretConfined[m: Machine] {
  m.regs[R0] in Low + Erasure
  lowCodeRuns[m] => Reg.(m.regs) in Low + Erasure
  m.pc != Inside
  CodePage not in m.iommu
}

/** The unwinding relation of two machines: both satisfy the invariant and they are low-equivalent. */
pred unwinding[m, n: Machine] { secretConfined[m] and secretConfined[n] and lowEq[m, n] }

pred correctHv { Hv.scrubber = Correct and no Hv.flaw }

/** INT-1's key situation for machine m: an arrival inside the sequence, the guest resuming
    there, and a verdict of the hypercall after it. */
pred interruptResumeVerdict[m: Machine] {
  eventually (Now.kind = Arrive and m.mode = Guest and m.pc in Seq
    and after eventually (m.mode = Guest and m.pc in Seq and eventually some m.verdict))
}

-- Scope of INT-1: 8 steps fit the shortest run with an interrupt inside the sequence, the
-- resumption at the move and a verdict (arrival at the move, return, the four instructions),
-- and a stutter after the verdict so that the trace can loop; the one-machine check runs there. The two-machine checks run 5 steps and one arrival: an
-- interrupt inside the sequence, the return and the guest resuming there, but no verdict after
-- it: at 7 steps each took more than 10 minutes on loaded cores. The module's queue and
-- nesting need three arrivals: INT-3 covers them, INT-1 does not.

-- INT-1: the low-equivalence relation is reflexive (Serval's sanity check; Java LOW_EQUIVALENCE_REFLEXIVE)
assert INT_1_lowEquivalenceReflexive { booted => { always all m: Machine | lowEq[m, m] } }
check INT_1_lowEquivalenceReflexive for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 2 Page, 1 Irq, 1..8 steps expect 0

-- INT-1 One machine is interrupted inside the sequence, resumes there and gets a verdict (scope of the reflexivity check)
run INT_1_interruptResumeVerdict {
  booted
  correctHv
  some m: Machine | interruptResumeVerdict[m]
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 2 Page, 1 Irq, 1..8 steps expect 1

-- INT-1 the low-equivalence relation relates machines with different secrets (non-vacuity)
run INT_1_lowEquivalenceRelatesDifferentSecrets {
  booted
  some disj m, n: Machine | m.secret != n.secret and eventually (m.pc = S2 and lowEq[m, n])
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1..5 steps expect 1

/** INT-1's view half: handlers see the same in both runs. */
pred noninterference { all m, n: Machine | always obsEq[m, n] }

-- INT-1: noninterference: two runs differing only in the secret look the same to handlers (Java NONINTERFERENCE, its view half)
assert INT_1_noninterference { booted => { correctHv => noninterference } }
check INT_1_noninterference for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 2 Page, 1 Irq, 1..5 steps expect 0

-- INT-1 by induction, Serval-style: unwinding (secretConfined on both machines and lowEq)
-- holds of the booted machines (_init), and one lockstep action from ANY two states it relates
-- (the step does not assume booted: its first state is arbitrary, reachable or not) keeps them
-- related with equal views (_step). Together: two runs that differ only in their secrets look
-- the same to low code after every step of a trace of ANY length, in this model. What it does
-- not prove: anything about the Java model or the machine (their traces are tested against
-- InterruptsInvariants.NONINTERFERENCE, not linked to this spec); guesses (low code cannot
-- write a secret's value here: Low and Secret are disjoint, and mix is a perfect MAC); timing;
-- the module's queue beyond two arrivals (the scope) and two nested handlers. Scope of the
-- step: 2 arrivals (one may already be queued), 2 vectors, 2 pages; 1..3 steps, so that every
-- first step, observations included, extends to a lasso by stuttering (at 2 steps a step with
-- an observation could not loop back and would go unchecked).

-- INT-1: unwinding, the base: the booted machines are related by the unwinding relation (Java InterruptsLowEquivalence, relatesDifferentSecrets)
assert INT_1_unwinding_init { (booted and correctHv) => all m, n: Machine | unwinding[m, n] }
check INT_1_unwinding_init for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1 steps expect 0

-- INT-1 Two booted machines with different secrets, at the base case's scope
run INT_1_unwindingBootedWithDifferentSecrets {
  booted
  correctHv
  some disj m, n: Machine | m.secret != n.secret
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1 steps expect 1

-- INT-1 negative control, must fail because the booted IOMMU table of IOMMU_MAPS_CODE_PAGE
-- maps the code page, so a device could read the secret from the first state on.
check INT_1_wrong_iommuMapsCodePage {
  (booted and Hv.scrubber = Correct and Hv.flaw = IOMMU_MAPS_CODE_PAGE) => all m, n: Machine | unwinding[m, n]
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1 steps expect 1

-- INT-1: unwinding, the step: from any two related states one lockstep action keeps them related and their views equal (Java NONINTERFERENCE)
assert INT_1_unwinding_step {
  correctHv => all m, n: Machine | unwinding[m, n] => after (unwinding[m, n] and obsEq[m, n])
}
check INT_1_unwinding_step for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1..3 steps expect 0

-- INT-1 From an arbitrary related pair whose R1 holds each machine's own secret inside the
-- sequence, an interrupt arrives (the step check's scope: the step considers such states)
run INT_1_unwindingStepArrivalWithSecretsHeld {
  correctHv
  some disj m, n: Machine | m.secret != n.secret and unwinding[m, n] and m.mode = Guest
    and m.pc in S1 + S2 + S3 and m.regs[R1] = m.secret and Now.kind = Arrive
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1..3 steps expect 1

-- INT-1 negative control, must fail because a module that scrubs on interrupts only hands an
-- exception's handler the secret in R1: one step from related states breaks the relation.
check INT_1_wrong_scrubOnlyInterruptsNotExceptions {
  (Hv.scrubber = SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS and no Hv.flaw)
    => all m, n: Machine | unwinding[m, n] => after (unwinding[m, n] and obsEq[m, n])
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1..3 steps expect 1

-- INT-1 negative control, must fail because an entry check that admits a jump to a byte inside
-- the move (MID_SEQUENCE_JUMP_NOT_FAULTED) runs the secret's bytes as code.
check INT_1_wrong_midSequenceJumpNotFaulted {
  (Hv.scrubber = Correct and Hv.flaw = MID_SEQUENCE_JUMP_NOT_FAULTED)
    => all m, n: Machine | unwinding[m, n] => after (unwinding[m, n] and obsEq[m, n])
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1..3 steps expect 1

-- INT-1 Two machines with different secrets are interrupted inside the sequence and resume there (the two-machine checks' scope; the verdict after it needs 7 steps)
run INT_1_twoSecretsInLockstep {
  booted
  correctHv
  some disj m, n: Machine | m.secret != n.secret and eventually (Now.kind = Arrive and m.mode = Guest
    and m.pc in Seq and after eventually (m.mode = Guest and m.pc in Seq and Now.kind = Execute))
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 2 Page, 1 Irq, 1..5 steps expect 1

-- INT-1 negative control, must fail: a scrubber that writes secret xor a constant leaves
-- "not the secret" in R1 (the confinement check still holds), yet a handler reading R1 tells
-- the two secrets apart. Kept to show INT-1 catches what a "register no longer holds it" check misses.
check INT_1_wrong_xorScrubberKeepsNoninterference { booted => {
  Hv.scrubber = SCRUB_XOR_SECRET => noninterference
} } for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 2 Irq, 1..6 steps expect 1

/** INT-2's confinement: no register holds the secret while a handler runs, and an arrival
    inside the sequence leaves R1 without it. */
pred secretConfinedToSequence {
  all m: Machine | always {
    m.mode = Handler => m.secret not in Reg.(m.regs)
    (Now.kind = Arrive and m.mode = Guest and m.pc in Seq) => after (m.regs[R1] != m.secret)
  }
}

-- INT-2: no register holds the secret while a handler runs, and an arrival inside the sequence
-- leaves R1 without it (Java SECRET_CONFINED_TO_SEQUENCE); also for the xor scrubber: this
-- check alone cannot see that leak
assert INT_2_secretConfinedToSequence { booted => {
  (Hv.scrubber in Correct + SCRUB_XOR_SECRET and no Hv.flaw) => secretConfinedToSequence
} }
check INT_2_secretConfinedToSequence for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 0

-- INT-2: with the correct scrubber the secret's registers hold exactly the erasure constant at
-- handler entry (Java NO_SECRET_AT_HANDLER_ENTRY)
assert INT_2_noSecretAtHandlerEntry { booted => {
  correctHv => all m: Machine | always
    ((Now.kind = Arrive and m.pc in Seq) => after (m.regs[R1] = Erasure and m.regs[R2] = Erasure))
} }
check INT_2_noSecretAtHandlerEntry for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 0

-- INT-2 An exception arrives inside the sequence (between the compare and the hypercall) and the sequence restarts at its move (the checks' scope)
run INT_2_exceptionInSequenceRestartsHypercall {
  booted
  correctHv
  some m: Machine | eventually (Now.kind = Arrive and cause = Exception and m.pc = S3
    and eventually (m.mode = Guest and m.pc = S0 and Now.kind = Execute))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 1

-- INT-2 negative control, must fail: a module that scrubs on interrupts but not on exceptions
-- hands the secret to the exception handler, so the secret is not confined to the sequence.
check INT_2_wrong_interruptsOnlyScrubberConfinesSecret { booted => {
  Hv.scrubber = SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS => secretConfinedToSequence
} } for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..6 steps expect 1

/** INT-3 as the observer states it: each step delivers at most one virtual interrupt, and it
    names the oldest arrival not yet delivered (so: in arrival order, none twice, none without
    an arrival); whenever the guest runs every arrival so far has been delivered (none lost). */
pred oneVirtualInterruptPerArrival {
  all m: Machine | always {
    lone m.delivered'
    m.delivered'.Copy in arrivalOrder/min[Now.used' - m.got]
    m.mode = Guest => Now.used in m.got
  }
}

-- Scope of INT-3: 10 steps and 3 arrivals: an outer and a nested handler and one queued
-- arrival, delivered when a handler returns; the queue never holds more than two here.

-- INT-3: each intercepted interrupt or exception, nested or not, yields exactly one virtual
-- interrupt with its vector and cause, in arrival order; nothing else yields one (Java
-- ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL)
assert INT_3_oneVirtualInterruptPerArrival { booted => { no Hv.flaw => oneVirtualInterruptPerArrival } }
check INT_3_oneVirtualInterruptPerArrival for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 3 Vector, 2 Page, 1..10 steps expect 0

-- INT-3 Three arrivals: a handler, a nested one, and a third queued and delivered in order when the nested one returns (the check's scope)
run INT_3_nestedAndQueuedArrivals {
  booted
  no Hv.flaw
  some m: Machine | eventually (some m.nest and some m.qhead and Now.kind = Return
    and after (some m.delivered and eventually (m.mode = Guest and some m.got)))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 3 Vector, 2 Page, 1..10 steps expect 1

-- INT-3 negative control, must fail: a module that drops an arrival while a handler runs
-- loses its virtual interrupt: the guest runs again with that arrival never delivered.
check INT_3_wrong_dropNestedVirtualInterrupt { booted => {
  Hv.flaw = DROP_NESTED_VIRTUAL_INTERRUPT => oneVirtualInterruptPerArrival
} } for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 3 Vector, 2 Page, 1..10 steps expect 1

-- INT-3 negative control, must fail: a module that delivers an exception's virtual interrupt
-- twice delivers two copies in one step.
check INT_3_wrong_duplicateExceptionDelivery { booted => {
  Hv.flaw = DUPLICATE_EXCEPTION_DELIVERY => oneVirtualInterruptPerArrival
} } for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 3 Vector, 2 Page, 1..10 steps expect 1

/** Well-behaved handlers and callers: the sequence is entered only at S0, and
    handlers give back the context they received. */
pred wellBehaved {
  always (Now.kind = JumpTo => Now.target in S0 + Out)
  always (Now.kind = SetRegister => all m: Machine | m.mode = Guest)
  always (Now.kind = JumpTo => all m: Machine | m.mode = Guest)
}

-- INT-4: transparency: with any interleaving of interrupts, every hypercall of the sequence is
-- accepted, as without interrupts (Java InterruptsInvariants.transparency, a trace check)
assert INT_4_transparency { booted => {
  (correctHv and wellBehaved) => all m: Machine | always (some m.verdict => m.verdict = Accept)
} }
check INT_4_transparency for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 0

-- INT-4 An interrupt arrives inside the sequence, the handler runs and returns, the sequence re-executes and the hypercall is accepted (transparency's scope)
run INT_4_interruptInSequenceThenReexecution {
  booted
  correctHv and wellBehaved
  some m: Machine | eventually (Now.kind = Arrive and cause = Interrupt and m.pc = S2
    and eventually (m.pc = S0 and m.mode = Guest and eventually m.verdict = Accept))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 1

-- INT-3 An interrupt arrives inside the sequence, the handler runs and returns, the sequence re-executes and the hypercall is accepted
run INT_3_interruptInSequenceThenReexecution {
  booted
  correctHv
  some m: Machine | eventually (Now.kind = Arrive and cause = Interrupt and m.pc = S2
    and eventually (m.pc = S0 and m.mode = Guest and eventually m.verdict = Accept))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 1

/** INT-4's second half: a register takes the secret only by the guest's own move at S0. */
pred neverRestoresSecret {
  all m: Machine | always all r: Reg |
    (m.regs[r] != m.secret and after m.regs[r] = m.secret) => (Now.kind = Execute and m.mode = Guest and m.pc = S0)
}

-- INT-4: the hypervisor never writes the secret to a register: only the guest's own MOV at S0
-- does (Java NEVER_RESTORES_SECRET)
assert INT_4_neverRestoresSecret { booted => { no Hv.flaw => neverRestoresSecret } }
check INT_4_neverRestoresSecret for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 0

-- INT-4 The secret is scrubbed by an arrival after the move, the guest resumes in the sequence and its own move loads the secret again (the check's scope)
run INT_4_secretReloadedAfterScrub {
  booted
  correctHv
  some m: Machine | eventually (Now.kind = Arrive and m.regs[R1] = m.secret
    and eventually (m.mode = Guest and m.regs[R1] != m.secret and after m.regs[R1] = m.secret))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 1

-- INT-4 negative control, must fail: a module that writes the secret back into R1 when the
-- outermost handler returns into the sequence puts the secret in a register without the move.
check INT_4_wrong_restoreSecretOnReturn { booted => {
  Hv.flaw = RESTORE_SECRET_ON_RETURN => neverRestoresSecret
} } for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 1

/** INT-5 for the correct module: no readable memory or read holds the secret, and every read
    or write of the code page by low code faults. */
pred secretNotReadable {
  all m: Machine | always {
    m.secret not in DataPage.(m.mem)
    m.secret not in m.readVal
    (Now.kind in ReadMemory + WriteMemory and Now.page = CodePage and lowCodeRuns[m]) => after (some m.fault)
  }
}

-- INT-5: the secret is never in guest-readable memory, low code's reads and writes of the code
-- page fault, and the erasure constant is no secret (Java SECRET_NOT_READABLE and
-- EXECUTE_ONLY_PAGE_FAULTS)
assert INT_5_secretNotReadable { booted => {
  no Erasure & Secret
  correctHv => secretNotReadable
} }
check INT_5_secretNotReadable for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 3 Page, 1..10 steps expect 0

-- INT-5 After the move a handler reads the execute-only code page and faults, and stores a register to a data page (the check's scope)
run INT_5_readOfCodePageFaults {
  booted
  correctHv
  some m: Machine | eventually (m.mode = Handler and Now.kind = ReadMemory and Now.page = CodePage
    and after some m.fault) and eventually (Now.kind = WriteMemory and Now.page in DataPage)
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 3 Page, 1..10 steps expect 1

-- INT-5 negative control, must fail: a code page that low code can read hands it the move's
-- immediate, the secret.
check INT_5_wrong_codePageReadable { booted => {
  Hv.flaw = CODE_PAGE_READABLE => secretNotReadable
} } for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1..3 steps expect 1

-- Scope of INT-6: one machine, the code page and two data pages, one arrival, 1..6 steps: a
-- device read of the code page and of a data page, a guest jump to a stray byte of the
-- sequence, an interrupt inside it, its handler redirecting the return into the sequence and
-- returning all fit. Bytes are positions: S0..S3 start instructions, Inside stands for every
-- byte that starts none. It cannot show a device writing (DMA writes are not modelled) or
-- a second device.

/** INT-6's device half: no IOMMU table maps the code page (the only page holding the secret),
    and no device read returns the secret. */
pred secretOutOfDeviceReach {
  all m: Machine | always {
    CodePage not in m.iommu
    Now.kind = DmaRead => after m.secret not in m.readVal
  }
}

-- INT-6: no IOMMU table maps the page holding the secret and no device read returns it (Java SECRET_OUT_OF_DEVICE_REACH)
assert INT_6_secretOutOfDeviceReach { booted => { correctHv => secretOutOfDeviceReach } }
check INT_6_secretOutOfDeviceReach for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 0

-- INT-6 The device reads a data page, then is refused the code page (the check's scope)
run INT_6_deviceReadRefusedOnCodePage {
  booted
  correctHv
  some m: Machine | eventually (Now.kind = DmaRead and Now.page in DataPage and after some m.readVal
    and eventually (Now.kind = DmaRead and Now.page = CodePage and after some m.fault))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 1

-- INT-6 negative control, must fail because IOMMU_MAPS_CODE_PAGE maps the code page for the
-- device at boot, and its read returns the move's immediate, the secret.
check INT_6_wrong_iommuMapsCodePage {
  booted => { (Hv.scrubber = Correct and Hv.flaw = IOMMU_MAPS_CODE_PAGE) => secretOutOfDeviceReach }
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 1

/** INT-6's jump half: guest code's transfer to any byte of the sequence but its move faults and
    changes nothing; the outermost handler's return to any such byte resumes at the move, with
    no register holding the secret; the vCPU never stands inside an instruction. */
pred strayTransferFaults {
  all m: Machine | always {
    (Now.kind = JumpTo and m.mode = Guest and m.pc = Out and Now.target in stray)
      => after (some m.fault and m.pc = Out)
    (Now.kind = Return and m.mode = Handler and no m.nest and no m.qhead and m.saved in stray)
      => after (m.pc = S0 and m.secret not in Reg.(m.regs))
    m.pc != Inside
  }
}

-- INT-6: a control transfer to any byte of the sequence other than its move faults, or resumes at the move with the secret erased (Java STRAY_TRANSFER_FAULTS)
assert INT_6_strayTransferFaults { booted => { correctHv => strayTransferFaults } }
check INT_6_strayTransferFaults for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 0

-- INT-6 A jump to a byte inside the sequence faults, and a handler that redirects its return
-- into the sequence resumes at the move (the check's scope)
run INT_6_strayJumpAndRedirectedReturn {
  booted
  correctHv
  some m: Machine | eventually (Now.kind = JumpTo and m.mode = Guest and Now.target = Inside and after some m.fault)
    and eventually (Now.kind = Return and m.saved in stray - S1 and m.saved != S2 and after m.pc = S0)
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 1

-- INT-6 negative control, must fail because MID_SEQUENCE_JUMP_NOT_FAULTED admits a jump into
-- the middle of the sequence, which then runs (the secret's bytes as code, or its tail).
check INT_6_wrong_midSequenceJumpNotFaulted {
  booted => { (Hv.scrubber = Correct and Hv.flaw = MID_SEQUENCE_JUMP_NOT_FAULTED) => strayTransferFaults }
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 1

-- INT-6 negative control, must fail because RESUME_AT_RETURN_ADDRESS resumes the guest where
-- the handler's rewritten return address points, inside the sequence, not at its move.
check INT_6_wrong_resumeAtReturnAddress {
  booted => { (Hv.scrubber = Correct and Hv.flaw = RESUME_AT_RETURN_ADDRESS) => strayTransferFaults }
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 3 Page, 1 Irq, 1..6 steps expect 1
