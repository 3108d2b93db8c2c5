/*
 * failover: application fault tolerance by battery-backed replication (US10929234B2; seed
 * abstracts 6 and 8). Claims FT-1..FT-4.
 *
 * What it models. A primary runs an application whose state (memory and virtual NIC queue) is a
 * set of client updates; an update is acknowledged only once it is in that state. Nothing is
 * replicated before an AC power failure. On the failure the panic handler takes its stated time
 * on the battery, then the post-fail agent copies the checkpoint chunk by chunk (each chunk holds
 * its part of the state, as a page holds its keys) into the secondary's memory, and signals once
 * every chunk has landed; the secondary starts the application from its memory only on that
 * signal. The battery holds up for holdUp units from the failure; the panic handler takes panic
 * units and each chunk one unit (the link's bandwidth is one chunk a unit; latency is left to the
 * Java model). Faults at any step: the battery runs out, the link slows (one unit lost) or drops,
 * the secondary crashes, power returns (before the signal the primary resumes and the copy is
 * abandoned; after it the primary stays off), stray signals from any host.
 *
 * Left out on purpose: bytes, pages and keys (an update is an atom, a chunk a set of them),
 * microsecond arithmetic and latency (the Java model and FailoverBudget compute them), chunks in
 * flight (a chunk lands when it is sent), bad provisioning figures (refused before any of this),
 * a second failure after power returned (the same path again).
 *
 * Java names (org.hvproof.model.failover unless said otherwise):
 *   sig Update                    KeyValueUpdate (an applied or queued update)
 *   sig Chunk, part               a checkpoint chunk and the state it carries (FailoverLayout)
 *   sig Phase: Running, OnBattery, Copying, FailedOver, Failed   FailoverPhase
 *   Sys.runs                      FailoverHost.runsApp of primary and secondary
 *   Sys.state                     the application image on each host (FailoverHost.image)
 *   Sys.acked                     FailoverState.acknowledged
 *   Sys.atFailure                 FailoverState.atFailure
 *   Sys.sent, Sys.landed          FailoverCopy.chunksSent, SecondaryAgent.landed
 *   Sys.used, Figures             battery time used since the failure; FailoverConfig holdUp, panic
 *   Flag: Signalled, Exhausted, Faulted, LinkDown, SecondaryDown
 *                                 Signalled observed, failure BATTERY_EXHAUSTED, FailoverCopy.faulted,
 *                                 FailoverLink.up, FailoverHost.up of the secondary
 *   pred update, powerFail, panicDone, copyChunk, signal, batteryOut, linkSlows, linkDrops,
 *        secondaryCrash, powerReturns, straySignal
 *                                 FailoverAction.ClientUpdate with Serve, PowerFail, PanicDone,
 *                                 CopyChunk, Signal, BatteryOut, LinkSlows, LinkDrops,
 *                                 SecondaryCrash, PowerReturns, StraySignal
 *   pred signal_SIGNAL_BEFORE_LAST_CHUNK, powerReturns_POWER_RETURN_RESTARTS_PRIMARY,
 *        straySignal_SECONDARY_STARTS_ON_ANY_SIGNAL, fits_BUDGET_IGNORES_PANIC_TIME
 *                                 the FailoverImplFlaw constants of those names
 *   assert FT_n_<name>            FailoverInvariants' invariant of that claim and name
 */
module failover

sig Update {}
sig Chunk { part: set Update }
-- Every update lives in exactly one chunk, as every key lives in one page.
fact partition { all u: Update | one part.u }

abstract sig Phase {}
one sig Running, OnBattery, Copying, FailedOver, Failed extends Phase {}

abstract sig Host {}
one sig Primary, Secondary, Stranger extends Host {}

abstract sig Flag {}
one sig Signalled, Exhausted, Faulted, LinkDown, SecondaryDown extends Flag {}

-- The flaws a build may have; the correct build has none.
abstract sig Flaw {}
one sig SIGNAL_BEFORE_LAST_CHUNK, POWER_RETURN_RESTARTS_PRIMARY, SECONDARY_STARTS_ON_ANY_SIGNAL extends Flaw {}
one sig Build { flaws: set Flaw }

-- The battery's hold-up time and the panic handler's time, in units of one chunk's copy.
one sig Figures { holdUp, panic: Int } { holdUp >= 0 and holdUp <= 3 and panic >= 0 and panic <= 3 }

one sig Sys {
  var phase: one Phase,
  var runs: set Host,
  var state: Host -> Update,
  var acked: set Update,
  var atFailure: set Update,
  var sent, landed: set Chunk,
  var used: one Int,
  var flags: set Flag
}

let unchanged[x] { (x)' = (x) }

fun onBattery: set Phase { OnBattery + Copying }
-- FT-4's budget: the panic handler's time plus one unit per chunk fits the hold-up time.
pred fits { add[Figures.panic, #Chunk] <= Figures.holdUp }
-- The budget as BUDGET_IGNORES_PANIC_TIME computes it: the panic handler's time left out.
pred fits_BUDGET_IGNORES_PANIC_TIME { #Chunk <= Figures.holdUp }

pred copyFrame { unchanged[Sys.sent] and unchanged[Sys.landed] and unchanged[Sys.used] and unchanged[Sys.atFailure] }

fact init {
  Sys.phase = Running and Sys.runs = Primary
  no Sys.state and no Sys.acked and no Sys.atFailure and no Sys.sent and no Sys.landed
  Sys.used = 0 and no Sys.flags
}

-- update: a client's update is applied to the running copy's state and acknowledged.
pred update[u: Update] {
  Sys.phase in Running + FailedOver
  some Sys.runs
  Sys.state' = Sys.state + Sys.runs -> u
  Sys.acked' = Sys.acked + u
  unchanged[Sys.phase] and unchanged[Sys.runs] and copyFrame and unchanged[Sys.flags]
}

-- powerFail: AC power fails while the primary runs; the panic handler suspends the application.
pred powerFail {
  Sys.phase = Running
  Sys.phase' = OnBattery
  Sys.runs' = Sys.runs - Primary
  Sys.atFailure' = Sys.state[Primary]
  no Sys.sent' and no Sys.landed' and Sys.used' = 0
  Sys.flags' = Sys.flags - Signalled - Exhausted - Faulted
    + (some Sys.flags & (LinkDown + SecondaryDown) => Faulted else none)
  unchanged[Sys.state] and unchanged[Sys.acked]
}

-- The battery runs out: the primary loses its state, the failure is reported, nothing starts;
-- fault is Faulted when a fault ran it out early, none when the budget simply ended.
pred exhaust[fault: set Flag] {
  Sys.phase' = Failed
  Sys.runs' = Sys.runs - Primary
  Sys.state' = Sys.state - Primary -> Update
  Sys.flags' = Sys.flags + Exhausted + fault
  unchanged[Sys.acked] and copyFrame
}

-- panicDone: the panic handler is done after its stated time, if the battery lasts.
pred panicDone {
  Sys.phase = OnBattery
  add[Sys.used, Figures.panic] <= Figures.holdUp implies {
    Sys.phase' = Copying
    Sys.used' = add[Sys.used, Figures.panic]
    unchanged[Sys.runs] and unchanged[Sys.state] and unchanged[Sys.acked] and unchanged[Sys.flags]
    unchanged[Sys.sent] and unchanged[Sys.landed] and unchanged[Sys.atFailure]
  } else exhaust[none]
}

-- copyChunk: the agent copies chunk c; it lands in the secondary's memory if the secondary is up.
pred copyChunk[c: Chunk] {
  Sys.phase = Copying
  c not in Sys.sent
  LinkDown not in Sys.flags
  add[Sys.used, 1] <= Figures.holdUp implies {
    Sys.sent' = Sys.sent + c
    Sys.used' = add[Sys.used, 1]
    SecondaryDown not in Sys.flags implies {
      Sys.landed' = Sys.landed + c
      Sys.state' = Sys.state - Secondary -> c.part + Secondary -> (Sys.atFailure & c.part)
    } else {
      unchanged[Sys.landed] and unchanged[Sys.state]
    }
    unchanged[Sys.phase] and unchanged[Sys.runs] and unchanged[Sys.acked] and unchanged[Sys.flags]
    unchanged[Sys.atFailure]
  } else exhaust[none]
}

-- The secondary starts from its memory on the primary's signal; the primary powers off.
pred takeOver {
  Sys.phase' = FailedOver
  Sys.runs' = Secondary
  Sys.state' = Sys.state - Primary -> Update
  Sys.flags' = Sys.flags + Signalled
  unchanged[Sys.acked] and copyFrame
}

-- signal: once every chunk has landed (link and secondary up), the agent signals.
pred signal {
  Sys.phase = Copying
  Sys.sent = Chunk and Sys.landed = Chunk
  no Sys.flags & (LinkDown + SecondaryDown)
  takeOver
}

-- The agent under SIGNAL_BEFORE_LAST_CHUNK: it signals with one chunk still to send.
pred signal_SIGNAL_BEFORE_LAST_CHUNK {
  SIGNAL_BEFORE_LAST_CHUNK in Build.flaws
  Sys.phase = Copying
  one Chunk - Sys.sent
  no Sys.flags & (LinkDown + SecondaryDown)
  takeOver
}

-- batteryOut: the battery runs out early, at any step on battery.
pred batteryOut {
  Sys.phase in onBattery
  exhaust[Faulted]
}

-- linkSlows: the link slows on battery; the copy loses one unit of hold-up time.
pred linkSlows {
  Sys.phase in onBattery
  add[Sys.used, 1] <= Figures.holdUp implies {
    Sys.used' = add[Sys.used, 1]
    Sys.flags' = Sys.flags + Faulted
    unchanged[Sys.phase] and unchanged[Sys.runs] and unchanged[Sys.state] and unchanged[Sys.acked]
    unchanged[Sys.sent] and unchanged[Sys.landed] and unchanged[Sys.atFailure]
  } else exhaust[Faulted]
}

-- linkDrops: the link drops for good.
pred linkDrops {
  LinkDown not in Sys.flags
  Sys.flags' = Sys.flags + LinkDown + (Sys.phase in onBattery => Faulted else none)
  unchanged[Sys.phase] and unchanged[Sys.runs] and unchanged[Sys.state] and unchanged[Sys.acked] and copyFrame
}

-- secondaryCrash: the secondary crashes for good; its memory is lost; after failover that is a reported failure.
pred secondaryCrash {
  SecondaryDown not in Sys.flags
  Sys.flags' = Sys.flags + SecondaryDown + (Sys.phase in onBattery => Faulted else none)
  Sys.state' = Sys.state - Secondary -> Update
  Sys.runs' = Sys.runs - Secondary
  Sys.phase' = (Sys.phase = FailedOver => Failed else Sys.phase)
  no Sys.landed'
  unchanged[Sys.acked] and unchanged[Sys.sent] and unchanged[Sys.used] and unchanged[Sys.atFailure]
}

-- powerReturns: before the signal the primary resumes and the copy is abandoned (the secondary
-- discards what landed); after it the primary stays off (the stutter covers that).
pred powerReturns {
  Sys.phase in onBattery
  Sys.phase' = Running
  Sys.runs' = Sys.runs + Primary
  no Sys.sent' and no Sys.landed' and no Sys.atFailure'
  unchanged[Sys.state] and unchanged[Sys.acked] and unchanged[Sys.used] and unchanged[Sys.flags]
}

-- Power returning under POWER_RETURN_RESTARTS_PRIMARY: after failover the primary boots and starts the application.
pred powerReturns_POWER_RETURN_RESTARTS_PRIMARY {
  POWER_RETURN_RESTARTS_PRIMARY in Build.flaws
  Sys.phase = FailedOver
  Sys.runs' = Sys.runs + Primary
  unchanged[Sys.phase] and unchanged[Sys.state] and unchanged[Sys.acked] and copyFrame and unchanged[Sys.flags]
}

-- straySignal: a signal from host h the agent did not send now; refused, nothing changes.
pred straySignal[h: Host] {
  some h
  unchanged[Sys.phase] and unchanged[Sys.runs] and unchanged[Sys.state] and unchanged[Sys.acked]
  copyFrame and unchanged[Sys.flags]
}

-- The secondary's agent under SECONDARY_STARTS_ON_ANY_SIGNAL: any signal starts it from its memory.
pred straySignal_SECONDARY_STARTS_ON_ANY_SIGNAL {
  SECONDARY_STARTS_ON_ANY_SIGNAL in Build.flaws
  SecondaryDown not in Sys.flags
  Secondary not in Sys.runs
  Sys.runs' = Sys.runs + Secondary
  Sys.phase' = FailedOver
  unchanged[Sys.state] and unchanged[Sys.acked] and copyFrame and unchanged[Sys.flags]
}

pred stutter {
  unchanged[Sys.phase] and unchanged[Sys.runs] and unchanged[Sys.state] and unchanged[Sys.acked]
  copyFrame and unchanged[Sys.flags]
}

fact traces {
  always (
    (some u: Update | update[u])
    or powerFail or panicDone or (some c: Chunk | copyChunk[c]) or signal
    or batteryOut or linkSlows or linkDrops or secondaryCrash or powerReturns
    or (some h: Host | straySignal[h])
    or signal_SIGNAL_BEFORE_LAST_CHUNK or powerReturns_POWER_RETURN_RESTARTS_PRIMARY
    or straySignal_SECONDARY_STARTS_ON_ANY_SIGNAL
    or stutter)
}

pred correctBuild { no Build.flaws }
pred starts { Secondary not in Sys.runs and Secondary in Sys.runs' }

-- FT-1: When the secondary starts, its application state is the primary's at the failure.
assert FT_1_secondaryStartsFromPrimaryAtFailure {
  correctBuild implies always (starts implies Sys.state'[Secondary] = Sys.atFailure')
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_1_secondaryStartsFromPrimaryAtFailure for 2 but 4 Int, 7 steps expect 0

-- FT-1: The host running the application holds every acknowledged update.
assert FT_1_acknowledgedUpdatesPresent {
  correctBuild implies always all h: Sys.runs | Sys.acked in Sys.state[h]
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_1_acknowledgedUpdatesPresent for 2 but 4 Int, 7 steps expect 0

-- FT-1: The secondary starts from the primary's state at the failure, under SIGNAL_BEFORE_LAST_CHUNK.
-- Must fail, because an agent that signals with one chunk unsent (SIGNAL_BEFORE_LAST_CHUNK)
-- starts the secondary without that chunk's updates.
assert FT_1_wrong_secondaryStartsFromPrimaryAtFailure {
  Build.flaws = SIGNAL_BEFORE_LAST_CHUNK implies always (starts implies Sys.state'[Secondary] = Sys.atFailure')
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps; expect 1
check FT_1_wrong_secondaryStartsFromPrimaryAtFailure for 2 but 4 Int, 7 steps expect 1

-- FT-1 A failover carries an acknowledged update to the secondary, which then runs.
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
run FT_1_failoverWithAcknowledgedUpdate {
  correctBuild and eventually (Sys.phase = FailedOver and some Sys.acked)
} for 2 but 4 Int, 7 steps expect 1

-- FT-2: Never do primary and secondary both run the application.
assert FT_2_neverBothRun { correctBuild implies always not (Primary + Secondary in Sys.runs) }
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_2_neverBothRun for 2 but 4 Int, 7 steps expect 0

-- FT-2: Never both run, under POWER_RETURN_RESTARTS_PRIMARY.
-- Must fail, because a primary that starts the application when power returns after the
-- signal (POWER_RETURN_RESTARTS_PRIMARY) runs it beside the secondary.
assert FT_2_wrong_neverBothRun {
  Build.flaws = POWER_RETURN_RESTARTS_PRIMARY implies always not (Primary + Secondary in Sys.runs)
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps; expect 1
check FT_2_wrong_neverBothRun for 2 but 4 Int, 7 steps expect 1

-- FT-2 Power returns during the copy: the primary resumes, the secondary never starts.
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
run FT_2_powerReturnedDuringCopy {
  correctBuild and eventually (Sys.phase = Copying and some Sys.landed and powerReturns)
} for 2 but 4 Int, 7 steps expect 1

-- FT-3: The secondary starts only on the primary's signal, with every chunk landed.
assert FT_3_secondaryStartsOnlyOnSignal {
  correctBuild implies always (starts implies (signal and Chunk in Sys.landed))
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_3_secondaryStartsOnlyOnSignal for 2 but 4 Int, 7 steps expect 0

-- FT-3: The signal is sent only when the whole checkpoint is in the secondary's memory.
assert FT_3_signalOnlyAfterWholeCheckpoint {
  correctBuild implies always ((Signalled not in Sys.flags and Signalled in Sys.flags') implies Chunk in Sys.landed)
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_3_signalOnlyAfterWholeCheckpoint for 2 but 4 Int, 7 steps expect 0

-- FT-3: If the battery runs out before the signal, there is no signal, no start, and the failure is reported.
assert FT_3_failureReportedWithoutStart {
  correctBuild implies always ((Sys.phase in onBattery and Exhausted in Sys.flags') implies
    (Sys.phase' = Failed and no Sys.runs' and Signalled not in Sys.flags'))
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_3_failureReportedWithoutStart for 2 but 4 Int, 7 steps expect 0

-- FT-3: The secondary starts only on the signal, under SECONDARY_STARTS_ON_ANY_SIGNAL.
-- Must fail, because a secondary agent that starts on any signal (SECONDARY_STARTS_ON_ANY_SIGNAL)
-- starts on a stray one, before any chunk landed.
assert FT_3_wrong_secondaryStartsOnlyOnSignal {
  Build.flaws = SECONDARY_STARTS_ON_ANY_SIGNAL implies always (starts implies (signal and Chunk in Sys.landed))
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps; expect 1
check FT_3_wrong_secondaryStartsOnlyOnSignal for 2 but 4 Int, 7 steps expect 1

-- FT-3: The signal only after the whole checkpoint, under SIGNAL_BEFORE_LAST_CHUNK.
-- Must fail, because an agent that signals with one chunk unsent (SIGNAL_BEFORE_LAST_CHUNK)
-- signals before the whole checkpoint is in the secondary's memory.
assert FT_3_wrong_signalOnlyAfterWholeCheckpoint {
  Build.flaws = SIGNAL_BEFORE_LAST_CHUNK implies
    always ((Signalled not in Sys.flags and Signalled in Sys.flags') implies Chunk in Sys.landed)
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps; expect 1
check FT_3_wrong_signalOnlyAfterWholeCheckpoint for 2 but 4 Int, 7 steps expect 1

-- FT-3 The battery runs out with part of the checkpoint landed: a reported failure.
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
run FT_3_batteryRanOutMidCopy {
  correctBuild and eventually (Sys.phase = Copying and some Sys.landed and Sys.landed != Chunk
    and Sys.phase' = Failed and Exhausted in Sys.flags')
} for 2 but 4 Int, 7 steps expect 1

-- FT-4: Without faults, a failover that fits the budget never runs out of battery, and one that does not never completes.
assert FT_4_failoverWithinBudget {
  correctBuild implies always (Faulted not in Sys.flags implies
    ((Exhausted in Sys.flags implies not fits) and (Sys.phase = FailedOver implies fits)))
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
check FT_4_failoverWithinBudget for 2 but 4 Int, 7 steps expect 0

-- FT-4: Failover within the budget, as BUDGET_IGNORES_PANIC_TIME computes it.
-- Must fail, because a budget that leaves out the panic handler's time
-- (BUDGET_IGNORES_PANIC_TIME) promises failovers the battery cannot carry.
assert FT_4_wrong_failoverWithinBudget {
  correctBuild implies always (Faulted not in Sys.flags implies
    ((Exhausted in Sys.flags implies not fits_BUDGET_IGNORES_PANIC_TIME)
     and (Sys.phase = FailedOver implies fits_BUDGET_IGNORES_PANIC_TIME)))
}
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps; expect 1
check FT_4_wrong_failoverWithinBudget for 2 but 4 Int, 7 steps expect 1

-- FT-4 A budget that fits with no time to spare still fails over.
-- Scope: 2 updates, 2 chunks, 4-bit Int, 7 steps
run FT_4_barelyFitsFailsOver {
  correctBuild and Figures.holdUp = add[Figures.panic, #Chunk] and Figures.panic > 0
    and eventually Sys.phase = FailedOver
} for 2 but 4 Int, 7 steps expect 1
