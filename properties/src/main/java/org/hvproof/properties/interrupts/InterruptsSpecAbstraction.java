package org.hvproof.properties.interrupts;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hvproof.model.common.Transition;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.HypercallVerdict;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.hvproof.model.interrupts.Reg;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;

/**
 * The abstraction from a run of the Java interrupts model to a trace of {@code interrupts.als}:
 * one machine ({@code m}), the correct module ({@code Hv.scrubber = Correct}, no flaw), one formula
 * per spec state and one pinned {@code Now} action per spec step, starting from {@code booted}.
 *
 * <p><b>What it collapses.</b> Addresses become positions: the sequence's four slots are S0..S3,
 * a byte of the sequence that starts no slot is {@code Inside}, every other address (ordinary code,
 * the sequence's exit jump, the handler's entry) is {@code Out}. Each data address the runs use
 * ({@link InterruptsSpecConformance#DATA}) is one {@code DataPage} atom, every address of the
 * execute-only page is {@code CodePage}. Values become atoms: the secret is {@code m.secret}, the
 * erasure constant {@code Erasure}, 0, 1 and 2 are {@code Zero}, {@code Accept} and {@code Reject}
 * (the verdict codes), the secret xor the erasure constant is {@code Hv.masked[m.secret]}, and the
 * keyed mix of the secret (or the erasure constant) over any message is {@code Mix.f} of it: the
 * spec's authentication value has no message, so R3 and the message are left out, as are the flags
 * and the instruction bytes. The module's queue is empty throughout: the model nests handlers
 * without bound and has no queue, so runs arrive only while fewer than two handlers run (the
 * spec's nesting; {@code nest} is a second frame on the return stack), and {@code saved} is the
 * outermost frame's return address. The IOMMU table, which the model does not keep, is the data
 * pages the device has read so far; {@code got}, the arrivals delivered so far.
 *
 * <p><b>Steps.</b> A handler's or ordinary code's {@code Execute} is the spec's {@code execute}
 * (which changes nothing there), except three instructions of ordinary code that do what a
 * low-code action does: its jump into the sequence is {@code jumpTo[S0]}, its store of R0 is
 * {@code writeMemory}, and its load into R0 is two spec steps, {@code setRegister[R0, v]} then
 * {@code readMemory} of the page, so the last state holds both the register and the read.
 * Actions of low code while the guest runs inside the sequence change nothing in the model and
 * are {@code Stutter}, as is a write of R3. {@code JumpToByte} is {@code jumpTo} of the position
 * of its byte; {@code WriteMemory} of a value is {@code writeMemory} of the first register of
 * R0..R2 holding it (runs write register values only). A fault the machine raises (a step
 * that is no arrival yet delivers a virtual interrupt) is two spec steps: the spec's faulting
 * access, which changes nothing (for a fetch from a page the guest OS unmapped, where the
 * instruction never runs, a {@code Stutter}), then {@code arrive} of an exception with the fault's vector,
 * whose {@code Irq} atom the trace declares as it does an {@code Arrive}'s. The guest OS's
 * unmapping and mapping back ({@code SetPagePresent}) is {@code Stutter}: the spec has no guest
 * page tables.
 */
public final class InterruptsSpecAbstraction {

    /** The spec's file. */
    static final String SPEC = "interrupts.als";

    /** The messages the runs can put in R3, over which the mix of a key is its one spec value. */
    private static final List<Long> MESSAGES = List.of(0L, 1L, 2L, 0x4D5347L);

    /**
     * The overall scope of the validating command: one machine; the trace raises what it names
     * ({@code Value}, pages, arrivals, vectors). A small universe keeps each solve short.
     */
    static final int SCOPE = 1;

    /** The scope of {@code Value}: Erasure, Zero, Accept, Reject, the secret, its mask and the two authentication values. */
    static final int VALUES = 8;

    /** The validator of {@link #SPEC} at {@link #SCOPE}, for this thread. */
    static org.hvproof.specs.TraceValidator validator() {
        return org.hvproof.properties.harness.ConformanceCheck.validator(SPEC, SCOPE);
    }

    private InterruptsSpecAbstraction() {}

    /** The run as a trace of {@code interrupts.als}. */
    public static SpecTrace of(ModelRun<InterruptsState, InterruptsAction, InterruptsObservation> run) {
        Ghosts g = new Ghosts();
        List<String> vectors = new ArrayList<>();
        List<String> irqs = new ArrayList<>();
        List<String> irqFacts = new ArrayList<>();
        for (Transition<InterruptsState, InterruptsAction, InterruptsObservation> t : run.steps()) {
            OptionalInt vector = arrivalVector(t);
            if (vector.isPresent()) {
                boolean interrupt = t.action() instanceof InterruptsAction.Arrive a
                        && a.cause().name().equals("INTERRUPT");
                String v = "v" + vector.getAsInt();
                if (!vectors.contains(v)) {
                    vectors.add(v);
                }
                String i = "i" + irqs.size();
                irqs.add(i);
                irqFacts.add(i + ".icause = " + (interrupt ? "Interrupt" : "Exception") + " and " + i + ".ivec = " + v);
            }
        }
        StringBuilder init = new StringBuilder("Machine = m and DataPage = ")
                .append(String.join(" + ", pages()))
                .append(" and Hv.scrubber = Correct and no Hv.flaw and booted");
        irqFacts.forEach(f -> init.append(" and ").append(f));
        init.append(" and ").append(state(run.initial(), g, List.of()));
        SpecTrace.Builder b = new SpecTrace.Builder(init.toString());
        for (int i = 0; i < run.steps().size(); i++) {
            Transition<InterruptsState, InterruptsAction, InterruptsObservation> t =
                    run.steps().get(i);
            List<String> ops = new ArrayList<>(operations(t.before(), t.action(), g));
            boolean fetchFault = raisedFault(t)
                    && t.action() instanceof InterruptsAction.Execute
                    && t.before().pageAbsent(t.before().pc());
            if (fetchFault) {
                // a fetch from a page the guest OS unmapped: the instruction never runs, so the
                // spec's step is a stutter (its machine has no guest page tables and no fetch
                // fault), not its execute; the fault shows in the exception that arrives
                ops = new ArrayList<>(List.of(kind("Stutter")));
            }
            if (raisedFault(t)) {
                // A fault the machine raised: the faulting access changes nothing (the spec's
                // access with its fault), then the exception arrives on the one path.
                ops.add(kind("Arrive") + " and Now.irq = i" + g.arrivals);
                List<InterruptsObservation> fault = t.observations().stream()
                        .filter(o -> o instanceof InterruptsObservation.Fault)
                        .toList();
                List<InterruptsObservation> delivered = t.observations().stream()
                        .filter(o -> o instanceof InterruptsObservation.VirtualInterrupt)
                        .toList();
                String faulted = state(t.before(), g, fetchFault ? List.of() : fault);
                g.follow(t);
                for (int k = 0; k < ops.size() - 1; k++) {
                    b.step(ops.get(k), faulted, i + 1);
                }
                b.step(ops.get(ops.size() - 1), state(t.after(), g, delivered), i + 1);
                continue;
            }
            g.follow(t);
            for (int k = 0; k < ops.size() - 1; k++) {
                // a load's register write, before its read
                b.step(ops.get(k), state(loaded(t), g, List.of()), i + 1);
            }
            b.step(ops.get(ops.size() - 1), state(t.after(), g, t.observations()), i + 1);
        }
        List<String> decls = new ArrayList<>();
        decls.add("m: Machine");
        decls.add("disj " + String.join(", ", pages()) + ": DataPage");
        if (!irqs.isEmpty()) {
            decls.add((irqs.size() > 1 ? "disj " : "") + String.join(", ", irqs) + ": Irq");
            decls.add((vectors.size() > 1 ? "disj " : "") + String.join(", ", vectors) + ": Vector");
        }
        Map<String, Integer> scopes = new LinkedHashMap<>();
        // Erasure, Zero, Accept, Reject, the secrets, their masks and the authentication values
        scopes.put("Value", VALUES);
        scopes.put("Irq", Math.max(1, irqs.size()));
        scopes.put("Vector", Math.max(1, vectors.size()));
        scopes.put("Page", pages().size() + 1);
        return b.build(String.join(", ", decls), scopes);
    }

    /** Whether the step is no arrival yet delivered a virtual interrupt: a fault the machine raised. */
    static boolean raisedFault(Transition<InterruptsState, InterruptsAction, InterruptsObservation> t) {
        return !(t.action() instanceof InterruptsAction.Arrive)
                && t.observations().stream().anyMatch(o -> o instanceof InterruptsObservation.VirtualInterrupt);
    }

    /** The vector of the step's arrival: an {@code Arrive}'s, or a raised fault's exception's. */
    private static OptionalInt arrivalVector(Transition<InterruptsState, InterruptsAction, InterruptsObservation> t) {
        if (t.action() instanceof InterruptsAction.Arrive a) {
            return OptionalInt.of(a.vector());
        }
        return t.observations().stream()
                .filter(o -> o instanceof InterruptsObservation.VirtualInterrupt)
                .mapToInt(o -> ((InterruptsObservation.VirtualInterrupt) o).vector())
                .findFirst();
    }

    /** The DataPage atoms, one per data address of the runs. */
    private static List<String> pages() {
        return InterruptsSpecConformance.DATA.stream()
                .map(InterruptsSpecAbstraction::page)
                .toList();
    }

    /** The state between a load's two spec steps: the register written, the program counter not yet moved. */
    private static InterruptsState loaded(Transition<InterruptsState, InterruptsAction, InterruptsObservation> t) {
        InterruptsState s = t.before();
        Map<Reg, Long> regs = new EnumMap<>(s.registers());
        regs.put(Reg.R0, t.after().reg(Reg.R0));
        return new InterruptsState(
                regs,
                s.flags(),
                s.pc(),
                s.returnStack(),
                s.code(),
                s.memory(),
                s.secret(),
                s.erasure(),
                s.hypercalls(),
                s.absentPages());
    }

    /**
     * The spec steps of {@code a} in {@code s} (one, or two for ordinary code's load), each a
     * formula over {@code Now} evaluated in the state before it.
     */
    static List<String> operations(InterruptsState s, InterruptsAction a, Ghosts g) {
        if (a instanceof InterruptsAction.Execute) {
            Instruction insn = s.code().get(s.pc());
            if (s.inHandler() || CodeLayout.inSequence(s.pc())) {
                return List.of(kind("Execute"));
            }
            if (insn == null) {
                throw new IllegalArgumentException("outside the spec: executing unmapped " + Long.toHexString(s.pc()));
            } else if (insn instanceof Instruction.Jump j && CodeLayout.inSequence(j.target())) {
                return List.of(kind("JumpTo") + " and Now.target = " + position(j.target()));
            } else if (insn instanceof Instruction.Load l) {
                long v = CodeLayout.onExecuteOnlyPage(l.address()) ? 0 : s.read(l.address());
                return List.of(
                        kind("SetRegister") + " and Now.reg = " + l.dst() + " and Now.val = " + value(v, s),
                        kind("ReadMemory") + " and Now.page = " + page(l.address()));
            } else if (insn instanceof Instruction.Store st) {
                return List.of(
                        kind("WriteMemory") + " and Now.page = " + page(st.address()) + " and Now.reg = " + st.src());
            } else if (insn instanceof Instruction.MovImm mov && mov.dst() != Reg.R3) {
                throw new IllegalArgumentException("outside the spec: ordinary code writes " + mov.dst());
            }
            return List.of(kind("Execute")); // a move into R3, a nop, a jump within ordinary code
        } else if (a instanceof InterruptsAction.Arrive) {
            return List.of(kind("Arrive") + " and Now.irq = i" + g.arrivals);
        } else if (a instanceof InterruptsAction.Return) {
            if (!s.inHandler()) {
                throw new IllegalArgumentException("outside the spec: a return with no handler running");
            }
            return List.of(kind("Return"));
        } else if (a instanceof InterruptsAction.SetPagePresent) {
            return List.of(kind("Stutter")); // the spec has no guest page tables
        } else if (!s.lowCodeRuns()) {
            // low code does not run while the guest is inside the sequence; the device does
            return a instanceof InterruptsAction.DmaRead d
                    ? List.of(kind("DmaRead") + " and Now.page = " + page(d.address()))
                    : List.of(kind("Stutter"));
        } else if (a instanceof InterruptsAction.SetRegister sr) {
            return sr.reg() == Reg.R3
                    ? List.of(kind("Stutter"))
                    : List.of(kind("SetRegister") + " and Now.reg = " + sr.reg() + " and Now.val = "
                            + value(sr.value(), s));
        } else if (a instanceof InterruptsAction.JumpTo j) {
            return List.of(kind("JumpTo") + " and Now.target = " + position(j.target()));
        } else if (a instanceof InterruptsAction.JumpToByte jb) {
            long slot = Math.floorDiv(jb.virtualAddress(), CodeLayout.SLOT_SIZE);
            boolean starts = Math.floorMod(jb.virtualAddress(), CodeLayout.SLOT_SIZE) == 0;
            String target = starts ? position(slot) : CodeLayout.inSequence(slot) ? "Inside" : null;
            if (target == null) {
                throw new IllegalArgumentException(
                        "outside the spec: a misaligned transfer outside the sequence " + Long.toHexString(slot));
            }
            return List.of(kind("JumpTo") + " and Now.target = " + target);
        } else if (a instanceof InterruptsAction.ReadMemory rm) {
            return List.of(kind("ReadMemory") + " and Now.page = " + page(rm.address()));
        } else if (a instanceof InterruptsAction.WriteMemory wm) {
            for (Reg r : List.of(Reg.R0, Reg.R1, Reg.R2)) {
                if (s.reg(r) == wm.value()) {
                    return List.of(
                            kind("WriteMemory") + " and Now.page = " + page(wm.address()) + " and Now.reg = " + r);
                }
            }
            throw new IllegalArgumentException("outside the spec: a write of a value no register holds " + wm);
        } else if (a instanceof InterruptsAction.DmaRead d) {
            return List.of(kind("DmaRead") + " and Now.page = " + page(d.address()));
        }
        throw new IllegalArgumentException("unknown action " + a);
    }

    private static String kind(String k) {
        return "Now.kind = " + k;
    }

    /** One state of the spec; {@code obs} the observations of the step that led to it. */
    static String state(InterruptsState s, Ghosts g, List<InterruptsObservation> obs) {
        List<String> f = new ArrayList<>();
        f.add("m.pc = " + (s.inHandler() ? "Out" : position(s.pc())));
        f.add("m.mode = " + (s.inHandler() ? "Handler" : "Guest"));
        List<Long> stack = s.returnStack();
        if (stack.size() > 2) {
            throw new IllegalArgumentException("outside the spec: " + stack.size() + " nested handlers");
        }
        f.add(stack.isEmpty() ? "no m.saved" : "m.saved = " + position(stack.get(0)));
        f.add(stack.size() == 2 ? "m.nest = Nested" : "no m.nest");
        f.add("no m.qhead and no m.qnext");
        f.add("m.regs = "
                + List.of(Reg.R0, Reg.R1, Reg.R2).stream()
                        .map(r -> r + " -> " + value(s.reg(r), s))
                        .collect(Collectors.joining(" + ")));
        f.add("m.mem = "
                + InterruptsSpecConformance.DATA.stream()
                        .map(d -> page(d) + " -> " + value(s.read(d), s))
                        .collect(Collectors.joining(" + ")));
        f.add(g.dmaPages.isEmpty() ? "no m.iommu" : "m.iommu = " + String.join(" + ", g.dmaPages));
        f.add(g.got.isEmpty() ? "no m.got" : "m.got = " + String.join(" + ", g.got));
        List<String> delivered = new ArrayList<>();
        String readVal = null;
        boolean fault = false;
        String verdict = null;
        int copy = 0;
        for (InterruptsObservation o : obs) {
            if (o instanceof InterruptsObservation.VirtualInterrupt) {
                delivered.add("i" + (g.arrivals - 1) + " -> " + (copy++ == 0 ? "First" : "Second"));
            } else if (o instanceof InterruptsObservation.MemoryRead r) {
                readVal = value(r.value(), s);
            } else if (o instanceof InterruptsObservation.DeviceRead d) {
                readVal = value(d.word(), s);
            } else if (o instanceof InterruptsObservation.Fault) {
                fault = true;
            } else if (o instanceof InterruptsObservation.HypercallReturned h) {
                verdict = h.verdict() == HypercallVerdict.ACCEPTED ? "Accept" : "Reject";
            }
        }
        f.add(delivered.isEmpty() ? "no m.delivered" : "m.delivered = " + String.join(" + ", delivered));
        f.add(readVal == null ? "no m.readVal" : "m.readVal = " + readVal);
        f.add(fault ? "m.fault = Fault" : "no m.fault");
        f.add(verdict == null ? "no m.verdict" : "m.verdict = " + verdict);
        return String.join(" and ", f);
    }

    /** The spec's position of a guest address: S0..S3 in the sequence, else Out. */
    static String position(long address) {
        return CodeLayout.inSequence(address) ? "S" + (address - CodeLayout.SEQUENCE_START) : "Out";
    }

    /** The spec's page of an address: the code page, or the DataPage atom of a data address. */
    static String page(long address) {
        if (CodeLayout.onExecuteOnlyPage(address)) {
            return "CodePage";
        }
        int i = InterruptsSpecConformance.DATA.indexOf(address);
        if (i < 0) {
            throw new IllegalArgumentException("outside the spec: data address " + Long.toHexString(address));
        }
        return "d" + i;
    }

    /** The spec's value of a machine word in {@code s} (see the class comment). */
    static String value(long v, InterruptsState s) {
        if (v == s.secret()) {
            return "m.secret";
        } else if (v == s.erasure()) {
            return "Erasure";
        } else if (v == 0) {
            return "Zero";
        } else if (v == HypercallVerdict.ACCEPTED.code()) {
            return "Accept";
        } else if (v == HypercallVerdict.REJECTED.code()) {
            return "Reject";
        } else if (v == (s.secret() ^ s.erasure())) {
            return "Hv.masked[m.secret]";
        }
        for (long msg : MESSAGES) {
            if (v == Instruction.mix(s.secret(), msg)) {
                return "Mix.f[m.secret]";
            } else if (v == Instruction.mix(s.erasure(), msg)) {
                return "Mix.f[Erasure]";
            }
        }
        throw new IllegalArgumentException("outside the spec's values: " + Long.toHexString(v));
    }

    /** What the spec keeps that the model's state does not: the IOMMU table and the arrivals delivered. */
    static final class Ghosts {
        final Set<String> dmaPages = new TreeSet<>();
        final Set<String> got = new LinkedHashSet<>();
        int arrivals;

        void follow(Transition<InterruptsState, InterruptsAction, InterruptsObservation> t) {
            if (t.action() instanceof InterruptsAction.Arrive || raisedFault(t)) {
                arrivals++;
            }
            for (InterruptsObservation o : t.observations()) {
                if (o instanceof InterruptsObservation.VirtualInterrupt) {
                    got.add("i" + (arrivals - 1));
                } else if (o instanceof InterruptsObservation.DeviceRead d) {
                    dmaPages.add(page(d.address()));
                }
            }
        }
    }
}
