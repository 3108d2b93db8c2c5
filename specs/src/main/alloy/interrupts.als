/*
 * interrupts — secrets embedded in code vs. compromised interrupt handlers
 * (US10922402B2 with US9411979B2; seed abstract 9; claims INT-1..INT-5).
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
 * erasure constant and re-executes the move.
 * INT-1 is stated over TWO machines in lockstep: every action is chosen once
 * (Now) and applied to every Machine; machines differ only in their secret.
 *
 * Scopes. One machine: 2 secrets, 3 low values, 4 authentication atoms, up to
 * 10-12 steps. Two machines (INT-1): up to 5 steps, enough for a call, the
 * move, the mix, an interrupt inside the sequence and a handler read; 7 steps
 * took ~6 minutes on 2 loaded cores, 5 steps ~20 s.
 *
 * Deliberately left out. Addresses and instruction bytes (positions S0..S3 and
 * one position Out for all ordinary code); the message a real MAC would cover;
 * nested interrupts (handlers run with interrupts masked here; the Java model
 * nests); timing and caches. Authentication values are opaque atoms and mix is
 * injective: guest code cannot forge one (a perfect MAC), so a hypercall
 * verdict cannot leak the secret by a lucky guess.
 *
 * Java names. Machine is one run of InterruptsModel over an InterruptsState
 * (pc, regs, saved = returnStack, mem = memory); Kind atoms and the operation
 * preds are the InterruptsAction records: execute = Execute (with hypercall
 * inside it), arrive = Arrive (ArrivalCause), return = Return,
 * setRegister = SetRegister, jumpTo = JumpTo, readMemory = ReadMemory,
 * writeMemory = WriteMemory; delivered, readVal, fault and verdict are the
 * InterruptsObservation records VirtualInterrupt, MemoryRead, Fault and
 * HypercallReturned. obsEq is HandlerView equality, lowEq is
 * InterruptsLowEquivalence.equivalent. The Scrubber atoms SCRUB_XOR_SECRET and
 * SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS are the InterruptsImplFlaw (and
 * InterruptsModelFlaw) constants of those names. An assert states the same predicate as the
 * InterruptsInvariants invariant its suffix names, where one does.
 */
module interrupts

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
fun Seq: set Pc { S0 + S1 + S2 + S3 }

abstract sig Mode {}
one sig Guest, Handler extends Mode {}

abstract sig ArrivalCause {}
one sig Interrupt, Exception extends ArrivalCause {}
sig Vector {}

abstract sig Page {}
one sig CodePage extends Page {}
sig DataPage extends Page {}

one sig Fault {}

/** which scrubber the hypervisor has: the correct one, or two flawed ones */
abstract sig Scrubber {}
one sig Correct, SCRUB_XOR_SECRET, SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS extends Scrubber {}
one sig Hv {
  scrubber: one Scrubber,
  masked: Secret -> one Masked
}
fact maskedIsInjective { all disj a, b: Secret | Hv.masked[a] != Hv.masked[b] }

sig Machine {
  secret: one Secret,
  var pc: one Pc,
  var mode: one Mode,
  var saved: lone Pc,                 -- return address in the interrupt frame
  var regs: Reg -> one Value,
  var mem: DataPage -> one Value,
  -- observations of the step that led to this state
  var delivered: lone Vector,         -- virtual interrupt delivered
  var readVal: lone Value,            -- value a read returned
  var fault: lone Fault,              -- the action faulted
  var verdict: lone Low               -- a hypercall's verdict (Accept/Reject)
}

/** The one action every machine takes in this step (lockstep). */
abstract sig Kind {}
one sig Execute, Arrive, Return, SetRegister, JumpTo, ReadMemory, WriteMemory, Stutter extends Kind {}
one sig Now {
  var kind: one Kind,
  var cause: lone ArrivalCause,
  var vec: lone Vector,
  var reg: lone Reg,
  var val: lone Value,
  var target: lone Pc,
  var page: lone Page
}

fact init {
  all m: Machine {
    m.pc = Out
    m.mode = Guest
    no m.saved
    m.regs = Reg -> Zero
    m.mem in DataPage -> Low
    no m.delivered + m.readVal + m.fault + m.verdict
  }
  -- every machine starts from the same low state; only secrets differ
  all m, n: Machine | m.mem = n.mem
}

let unchanged[x] { (x)' = (x) }

pred noObs[m: Machine] { no m.delivered' + m.readVal' + m.fault' + m.verdict' }

/** outside code or a handler is running: it may read and rewrite registers */
pred lowCodeRuns[m: Machine] { m.mode = Handler or m.pc = Out }

-- ---------------------------------------------------------------------------
-- Operations, each for one machine; Now says which and with what arguments.

/** Execute one instruction of the sequence (ordinary code and handler code
    are abstracted: their "execute" changes nothing). */
pred execute[m: Machine] {
  no m.delivered' + m.readVal' + m.fault'
  unchanged[m.mode] and unchanged[m.saved] and unchanged[m.mem]
  (m.mode = Guest and m.pc = S3) or no m.verdict'    -- only the hypercall answers
  (m.mode = Handler or m.pc = Out) => {
    unchanged[m.pc] and unchanged[m.regs]
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

/** An interrupt or exception arrives while the guest runs. */
pred arrive[m: Machine, c: ArrivalCause, v: Vector] {
  m.mode = Guest
  m.mode' = Handler
  m.saved' = m.pc
  m.pc' = Out                      -- handler code is "outside the sequence"
  m.delivered' = v                 -- exactly one virtual interrupt, same vector
  no m.readVal' + m.fault' + m.verdict'
  unchanged[m.mem]
  m.regs' = (m.pc in Seq and scrubs[c] => m.regs ++ scrubbed[m] else m.regs)
}
pred scrubs[c: ArrivalCause] { Hv.scrubber = SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS => c = Interrupt else some c }
fun scrubbed[m: Machine]: Reg -> Value {
  Hv.scrubber = SCRUB_XOR_SECRET
    => R1 -> Hv.masked[m.secret] + R2 -> Erasure
    else R1 -> Erasure + R2 -> Erasure
}

/** The handler returns to the (possibly rewritten) return address. */
pred return[m: Machine] {
  m.mode = Handler
  m.mode' = Guest
  m.pc' = m.saved
  no m.saved'
  noObs[m] and unchanged[m.regs] and unchanged[m.mem]
}

/** Outside code or a handler writes a register with a value of its own. */
pred setRegister[m: Machine, r: Reg, v: Value] {
  lowCodeRuns[m]
  v in Low + Erasure
  m.regs' = m.regs ++ r -> v
  noObs[m] and unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.mem]
}

/** Outside code jumps anywhere (a handler: rewrites its return address). */
pred jumpTo[m: Machine, t: Pc] {
  lowCodeRuns[m]
  m.mode = Handler => (m.saved' = t and unchanged[m.pc]) else (m.pc' = t and unchanged[m.saved])
  noObs[m] and unchanged[m.regs] and unchanged[m.mode] and unchanged[m.mem]
}

/** Outside code or a handler reads a page: the code page is execute-only. */
pred readMemory[m: Machine, p: Page] {
  lowCodeRuns[m]
  p = CodePage => (m.fault' = Fault and no m.readVal') else (m.readVal' = m.mem[p] and no m.fault')
  no m.delivered' + m.verdict'
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs] and unchanged[m.mem]
}

/** Outside code or a handler stores a register to a page. */
pred writeMemory[m: Machine, p: Page, r: Reg] {
  lowCodeRuns[m]
  p = CodePage => (m.fault' = Fault and unchanged[m.mem]) else (m.mem' = m.mem ++ p -> m.regs[r] and no m.fault')
  no m.delivered' + m.readVal' + m.verdict'
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs]
}

pred stutter[m: Machine] {
  noObs[m]
  unchanged[m.pc] and unchanged[m.mode] and unchanged[m.saved] and unchanged[m.regs] and unchanged[m.mem]
}

/** Apply the action in Now to one machine. Every guard above reads only
    state the low observer sees too, so lockstep never hides a divergence. */
pred apply[m: Machine] {
  Now.kind = Execute     => execute[m]
  Now.kind = Arrive      => arrive[m, Now.cause, Now.vec]
  Now.kind = Return      => return[m]
  Now.kind = SetRegister => setRegister[m, Now.reg, Now.val]
  Now.kind = JumpTo      => jumpTo[m, Now.target]
  Now.kind = ReadMemory  => readMemory[m, Now.page]
  Now.kind = WriteMemory => writeMemory[m, Now.page, Now.reg]
  Now.kind = Stutter     => stutter[m]
}

fact argumentsMatchKind {
  always {
    Now.kind = Arrive iff some Now.cause
    Now.kind = Arrive iff some Now.vec
    Now.kind in SetRegister + WriteMemory iff some Now.reg
    Now.kind = SetRegister iff some Now.val
    Now.kind = JumpTo iff some Now.target
    Now.kind in ReadMemory + WriteMemory iff some Now.page
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
  m.saved = n.saved
  m.mem = n.mem
  m.delivered = n.delivered
  m.readVal = n.readVal
  m.fault = n.fault
  m.verdict = n.verdict
}

/** Low-equivalence (the unwinding relation): equal except for the secret and,
    while the guest executes inside the sequence, the registers R1 and R2. */
pred lowEq[m, n: Machine] {
  m.pc = n.pc and m.mode = n.mode and m.saved = n.saved and m.mem = n.mem
  (m.mode = Guest and m.pc in Seq)
    => (R0 -> Value) & m.regs = (R0 -> Value) & n.regs
    else m.regs = n.regs
  m.delivered = n.delivered and m.readVal = n.readVal
  m.fault = n.fault and m.verdict = n.verdict
}

pred correctHv { Hv.scrubber = Correct }

-- INT-1: the low-equivalence relation is reflexive (Serval's sanity check; Java LOW_EQUIVALENCE_REFLEXIVE)
assert INT_1_lowEquivalenceReflexive { always all m: Machine | lowEq[m, m] }
check INT_1_lowEquivalenceReflexive for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1..4 steps expect 0

-- INT-1 the low-equivalence relation relates machines with different secrets (non-vacuity)
run INT_1_lowEquivalenceRelatesDifferentSecrets {
  some disj m, n: Machine | m.secret != n.secret and eventually (m.pc = S2 and lowEq[m, n])
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1..5 steps expect 1

-- INT-1: noninterference: two runs differing only in the secret look the same to handlers (Java NONINTERFERENCE, its view half)
assert INT_1_noninterference {
  correctHv => all m, n: Machine | always obsEq[m, n]
}
check INT_1_noninterference for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 2 Page, 1..5 steps expect 0

-- INT-1: unwinding: low-equivalence holds in every state of two lockstep runs (Java NONINTERFERENCE, its low-equivalence half)
assert INT_1_unwinding {
  correctHv => all m, n: Machine | always lowEq[m, n]
}
check INT_1_unwinding for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 1 Vector, 2 Page, 1..5 steps expect 0

-- INT-1 negative control, must fail: a scrubber that writes secret xor a constant leaves
-- "not the secret" in R1 (the confinement check still holds), yet a handler reading R1 tells
-- the two secrets apart. Kept to show INT-1 catches what a "register no longer holds it" check misses.
check INT_1_wrong_xorScrubberKeepsNoninterference {
  Hv.scrubber = SCRUB_XOR_SECRET => all m, n: Machine | always obsEq[m, n]
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..6 steps expect 1

-- INT-2: no register holds the secret while a handler runs, and an arrival inside the sequence
-- leaves R1 without it (Java SECRET_CONFINED_TO_SEQUENCE); also for the xor scrubber: this
-- check alone cannot see that leak
assert INT_2_secretConfinedToSequence {
  (Hv.scrubber in Correct + SCRUB_XOR_SECRET) => all m: Machine | always {
    m.mode = Handler => m.secret not in Reg.(m.regs)
    (Now.kind = Arrive and m.mode = Guest and m.pc in Seq) => after (m.regs[R1] != m.secret)
  }
}
check INT_2_secretConfinedToSequence for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 0

-- INT-2: with the correct scrubber the secret's registers hold exactly the erasure constant at
-- handler entry (Java NO_SECRET_AT_HANDLER_ENTRY)
assert INT_2_noSecretAtHandlerEntry {
  correctHv => all m: Machine | always
    ((Now.kind = Arrive and m.pc in Seq) => after (m.regs[R1] = Erasure and m.regs[R2] = Erasure))
}
check INT_2_noSecretAtHandlerEntry for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 0

-- INT-2 negative control, must fail: a module that scrubs on interrupts but not on exceptions
-- hands the secret to the exception handler, so the secret is not confined to the sequence.
check INT_2_wrong_interruptsOnlyScrubberConfinesSecret {
  Hv.scrubber = SCRUB_ONLY_INTERRUPTS_NOT_EXCEPTIONS => all m: Machine | always (m.mode = Handler => m.secret not in Reg.(m.regs))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..6 steps expect 1

-- INT-3: each intercepted interrupt or exception yields exactly one virtual interrupt with its
-- vector, in order; nothing else yields one (Java ONE_VIRTUAL_INTERRUPT_PER_ARRIVAL)
assert INT_3_oneVirtualInterruptPerArrival {
  all m: Machine | always {
    Now.kind = Arrive => m.delivered' = Now.vec
    Now.kind != Arrive => after (no m.delivered)
  }
}
check INT_3_oneVirtualInterruptPerArrival for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 3 Vector, 2 Page, 1..10 steps expect 0

/** Well-behaved handlers and callers: the sequence is entered only at S0, and
    handlers give back the context they received. */
pred wellBehaved {
  always (Now.kind = JumpTo => Now.target in S0 + Out)
  always (Now.kind = SetRegister => all m: Machine | m.mode = Guest)
  always (Now.kind = JumpTo => all m: Machine | m.mode = Guest)
}

-- INT-4: transparency: with any interleaving of interrupts, every hypercall of the sequence is
-- accepted, as without interrupts (Java InterruptsInvariants.transparency, a trace check)
assert INT_4_transparency {
  (correctHv and wellBehaved) => all m: Machine | always (some m.verdict => m.verdict = Accept)
}
check INT_4_transparency for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 0

-- INT-4: the hypervisor never writes the secret to a register: only the guest's own MOV at S0
-- does (Java NEVER_RESTORES_SECRET)
assert INT_4_neverRestoresSecret {
  all m: Machine | always all r: Reg |
    (m.regs[r] != m.secret and after m.regs[r] = m.secret) => (Now.kind = Execute and m.mode = Guest and m.pc = S0)
}
check INT_4_neverRestoresSecret for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..10 steps expect 0

-- INT-5: the secret is never in guest-readable memory, low code's reads and writes of the code
-- page fault, and the erasure constant is no secret (Java SECRET_NOT_READABLE and
-- EXECUTE_ONLY_PAGE_FAULTS)
assert INT_5_secretNotReadable {
  no Erasure & Secret
  correctHv => all m: Machine | always {
    m.secret not in DataPage.(m.mem)
    m.secret not in m.readVal
    (Now.kind in ReadMemory + WriteMemory and Now.page = CodePage and lowCodeRuns[m]) => after (some m.fault)
  }
}
check INT_5_secretNotReadable for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 3 Page, 1..10 steps expect 0

-- ---------------------------------------------------------------------------
-- Scenarios: the situations the claims speak of can happen.

-- INT-3 An interrupt arrives inside the sequence, the handler runs and returns, the sequence re-executes and the hypercall is accepted
run INT_3_interruptInSequenceThenReexecution {
  correctHv
  some m: Machine | eventually (Now.kind = Arrive and Now.cause = Interrupt and m.pc = S2
    and eventually (m.pc = S0 and m.mode = Guest and eventually m.verdict = Accept))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 1

-- INT-2 An exception arrives inside the sequence (between the compare and the hypercall) and the hypercall restarts
run INT_2_exceptionInSequenceRestartsHypercall {
  correctHv
  some m: Machine | eventually (Now.kind = Arrive and Now.cause = Exception and m.pc = S3
    and eventually (m.pc = S3 and m.mode = Guest and Now.kind = Execute and after m.pc = S0))
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 1

-- INT-5 A read of the execute-only code page faults
run INT_5_readOfCodePageFaults {
  some m: Machine | eventually (Now.kind = ReadMemory and Now.page = CodePage and after some m.fault)
} for 3 but exactly 1 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Page, 1..3 steps expect 1

-- INT-1 Two machines with different secrets both complete the sequence with an interrupt inside it
run INT_1_twoSecretsInLockstep {
  correctHv
  some disj m, n: Machine | m.secret != n.secret
    and eventually (Now.kind = Arrive and m.pc in S1 + S2)
    and eventually m.verdict = Accept
} for 3 but exactly 2 Machine, 2 Secret, exactly 3 Low, 2 Masked, 4 Auth, 2 Vector, 2 Page, 1..12 steps expect 1
