package org.hvproof.impl.interrupts;

import java.util.List;
import java.util.Optional;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.ValueRead;
import org.hvproof.model.interrupts.Instruction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsObservation.FaultKind;

/**
 * The vCPU's execution unit: one instruction per call, fetched from guest memory at the
 * instruction pointer's slot through the guest page tables and the nested page table as an
 * execute access (so the execute-only page is fetchable and nothing else of it is reachable),
 * decoded by {@link InstructionCodec}, then executed on the register file. A fetch that faults
 * or bytes that decode to no instruction are an execute fault, and nothing changes.
 */
final class InstructionExecutor {
    private final Hypervisor hypervisor;
    private final VirtualCpu cpu;
    private final DataAccess data;
    private final SequenceAuthenticator authenticator;
    /** The vector of an invalid-opcode exception (#UD). */
    private static final int INVALID_OPCODE_VECTOR = FaultKind.INVALID_INSTRUCTION.vector();

    InstructionExecutor(Hypervisor hypervisor, VirtualCpu cpu, DataAccess data, SequenceAuthenticator authenticator) {
        this.hypervisor = hypervisor;
        this.cpu = cpu;
        this.data = data;
        this.authenticator = authenticator;
    }

    /** Fetches, decodes and executes the instruction at the instruction pointer; what the guest sees. */
    List<InterruptsObservation> step() {
        long pc = GuestLayout.address(cpu.instructionPointer());
        long va = GuestLayout.slot(pc) + GuestLayout.INSTRUCTION_OFFSET;
        List<Observation> seen = hypervisor.fetch(cpu.id(), va, InstructionCodec.LENGTH);
        if (seen.size() != 1 || !(seen.get(0) instanceof ValueRead v)) {
            // The machine raised the fault (a page fault) on its one path: the module heard it.
            return List.of(new InterruptsObservation.Fault(FaultKind.EXECUTE_UNMAPPED, pc));
        }
        Optional<Instruction> fetched = InstructionCodec.decode(v.bytes().toArray());
        if (fetched.isEmpty()) {
            // Bytes that decode to no instruction: an invalid opcode (#UD), raised as an exception.
            hypervisor.exception(cpu.id(), INVALID_OPCODE_VECTOR);
            return List.of(new InterruptsObservation.Fault(FaultKind.INVALID_INSTRUCTION, pc));
        }
        Instruction insn = fetched.get();
        if (insn instanceof Instruction.MovImm m) {
            Registers.set(cpu, m.dst(), m.imm());
        } else if (insn instanceof Instruction.Mix m) {
            Registers.set(cpu, m.dst(), Instruction.mix(Registers.get(cpu, m.key()), Registers.get(cpu, m.msg())));
        } else if (insn instanceof Instruction.CmpImmJumpIfEqual c) {
            cpu.setFlags(Instruction.compareFlags(Registers.get(cpu, c.src()), c.imm()));
            return jump(Registers.get(cpu, c.src()) == c.imm() ? c.target() : pc + 1);
        } else if (insn instanceof Instruction.Hypercall) {
            return authenticator.onHypercall(cpu, pc).map(List::of).orElse(List.of());
        } else if (insn instanceof Instruction.Load l) {
            DataAccess.Read r = data.read(l.address());
            if (r.fault().isPresent()) {
                return List.of(r.fault().get());
            }
            Registers.set(cpu, l.dst(), r.value().getAsLong());
            cpu.setInstructionPointer(GuestLayout.slot(pc + 1));
            return List.of(
                    new InterruptsObservation.MemoryRead(l.address(), r.value().getAsLong()));
        } else if (insn instanceof Instruction.Store s) {
            Optional<InterruptsObservation.Fault> fault = data.write(s.address(), Registers.get(cpu, s.src()));
            if (fault.isPresent()) {
                return List.of(fault.get());
            }
        } else if (insn instanceof Instruction.Jump j) {
            return jump(j.target());
        }
        cpu.setInstructionPointer(GuestLayout.slot(pc + 1));
        return List.of();
    }

    private List<InterruptsObservation> jump(long target) {
        cpu.setInstructionPointer(GuestLayout.slot(target));
        return List.of();
    }
}
