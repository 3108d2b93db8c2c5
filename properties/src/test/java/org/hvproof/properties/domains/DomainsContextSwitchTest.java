package org.hvproof.properties.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hvproof.impl.domains.DomainLayout;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.impl.domains.DomainsSystem;
import org.hvproof.impl.domains.DomainsSystemAction;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.domains.DomainsObservation;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Context;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.propcheck.StatefulProperty;
import org.junit.jupiter.api.Test;

/**
 * The register half of a domain switch, which the abstraction (one register, RAX) cannot see: on
 * every return to the root (exit gate, interrupt, exception) the vCPU holds exactly the root's
 * RBX..R15, instruction pointer and CR3 of the moment it called in, with RAX cleared; on every
 * entry it holds the secure domain's RBX..R15 as that domain last left them on this vCPU (its
 * launch registers the first time), with the caller's RAX carried in, at the gate. Generated traces of the
 * claim generator, plus code on either side writing any of its sixteen registers, so every
 * register of both contexts carries a value a lost save or restore would change.
 */
class DomainsContextSwitchTest {

    static final String RETURN = "a return to the root";
    static final String REENTRY = "an entry to a domain that left this vCPU before";

    /** The machine and what each side's registers must be when control comes back to it. */
    static final class ContextSwitches {
        private final DomainsSystem system;
        /** Per vCPU: the root's registers, instruction pointer and CR3 when it called in; null while root runs. */
        private final long[][] rootAtEntry;
        /** Per secure domain, per vCPU: the registers it must find on entry. */
        private final Map<Integer, long[][]> secureFiles = new HashMap<>();
        /** Per secure domain, per vCPU: whether the domain has left this vCPU before. */
        private final Map<Integer, boolean[]> leftBefore = new HashMap<>();
        /** The first wrong entry or return, null while every one restored what it had to. */
        private String violation;

        ContextSwitches(DomainsImplFlaw flaw) {
            this.system = new DomainsSystem(DomainsActions.LAYOUT, DomainsTrace.SECRET, flaw);
            int vcpus = DomainsActions.LAYOUT.vcpus();
            this.rootAtEntry = new long[vcpus][];
            for (int d = 1; d <= DomainsActions.LAYOUT.secureDomains(); d++) {
                long[][] files = new long[vcpus][];
                for (int v = 0; v < vcpus; v++) {
                    files[v] = system.service().secureFile(d, v);
                }
                secureFiles.put(d, files);
                leftBefore.put(d, new boolean[vcpus]);
            }
        }

        /** Runs one machine action and checks every entry and return it caused. */
        void apply(DomainsSystemAction action, Context ctx) {
            Optional<VirtualCpu> cpu = cpu(action.vcpu());
            long[] before = cpu.map(ContextSwitches::context).orElse(null);
            for (DomainsObservation o : system.apply(action)) {
                if (o instanceof DomainsObservation.Entered e) {
                    checkEntry(e, before, ctx);
                } else if (o instanceof DomainsObservation.Returned r) {
                    checkReturn(r, before, ctx);
                }
            }
        }

        /** Throws when an entry or return so far left a register, the instruction pointer or CR3 wrong. */
        void checkRestored() {
            if (violation != null) {
                throw new AssertionError(violation);
            }
        }

        private void violated(String what) {
            if (violation == null) {
                violation = what;
            }
        }

        /** Code on vCPU {@code v} (root or secure, whichever runs) writes {@code value} into register {@code r}. */
        void scribble(int v, int r, long value) {
            cpu(v).orElseThrow().setRegister(r, value);
        }

        private void checkEntry(DomainsObservation.Entered e, long[] before, Context ctx) {
            int v = e.vcpu();
            int d = e.into().n();
            long[] now = context(cpu(v).orElseThrow());
            long[] expected = secureFiles.get(d)[v];
            if (rootAtEntry[v] != null) {
                violated("vCPU " + v + " entered domain " + d + " while already in secure code");
            }
            if (!Arrays.equals(expected, 1, VirtualCpu.GENERAL_REGISTERS, now, 1, VirtualCpu.GENERAL_REGISTERS)) {
                violated("entry to domain " + d + " on vCPU " + v + ": RAX..R15 are " + registers(now)
                        + ", the domain left them " + registers(expected));
            }
            if (now[0] != before[0]) {
                violated("entry to domain " + d + " on vCPU " + v + ": RAX is " + Long.toHexString(now[0])
                        + ", the caller's argument was " + Long.toHexString(before[0]));
            }
            if (now[VirtualCpu.GENERAL_REGISTERS] != DomainLayout.gateAddress(d)) {
                violated("entry to domain " + d + " on vCPU " + v + ": IP is "
                        + Long.toHexString(now[VirtualCpu.GENERAL_REGISTERS]) + ", not the gate "
                        + Long.toHexString(DomainLayout.gateAddress(d)));
            }
            if (leftBefore.get(d)[v]) {
                ctx.label(REENTRY);
            }
            rootAtEntry[v] = before;
        }

        private void checkReturn(DomainsObservation.Returned r, long[] before, Context ctx) {
            int v = r.vcpu();
            long[] now = context(cpu(v).orElseThrow());
            long[] root = rootAtEntry[v];
            if (root == null) {
                violated("vCPU " + v + " returned to the root without having entered");
                return;
            }
            if (!Arrays.equals(root, 1, root.length, now, 1, now.length)) {
                violated("return to the root on vCPU " + v + " from domain "
                        + r.domain().n()
                        + (r.byInterrupt() ? " by an event" : " by the exit gate") + ": RAX..R15 are "
                        + registers(now) + ", the root had " + registers(root));
            }
            if (now[0] != 0 || r.register() != 0) {
                violated("return to the root on vCPU " + v + ": RAX is " + Long.toHexString(now[0]) + " (reported "
                        + Long.toHexString(r.register()) + "), not cleared");
            }
            long[] left = Arrays.copyOf(before, VirtualCpu.GENERAL_REGISTERS);
            secureFiles.get(r.domain().n())[v] = left;
            leftBefore.get(r.domain().n())[v] = true;
            rootAtEntry[v] = null;
            ctx.label(RETURN);
        }

        private Optional<VirtualCpu> cpu(int v) {
            return v < 0 ? Optional.empty() : system.machine().vcpu(new VCpu(v));
        }

        /** RAX..R15, then the instruction pointer and CR3. */
        private static long[] context(VirtualCpu cpu) {
            long[] c = new long[VirtualCpu.GENERAL_REGISTERS + 2];
            for (int r = 0; r < VirtualCpu.GENERAL_REGISTERS; r++) {
                c[r] = cpu.register(r);
            }
            c[VirtualCpu.GENERAL_REGISTERS] = cpu.instructionPointer();
            c[VirtualCpu.GENERAL_REGISTERS + 1] = cpu.cr3();
            return c;
        }

        /** RAX..R15 in hex, then the instruction pointer and CR3 if {@code values} holds them. */
        private static String registers(long[] values) {
            String file = Arrays.stream(values, 0, VirtualCpu.GENERAL_REGISTERS)
                    .mapToObj(Long::toHexString)
                    .toList()
                    .toString();
            return values.length == VirtualCpu.GENERAL_REGISTERS
                    ? file
                    : file + ", IP " + Long.toHexString(values[VirtualCpu.GENERAL_REGISTERS]) + ", CR3 "
                            + Long.toHexString(values[VirtualCpu.GENERAL_REGISTERS + 1]);
        }
    }

    /** The claim generator's next step, or code on some vCPU writing one of its registers. */
    private static Gen<Action<ContextSwitches>> next(ContextSwitches t) {
        Gen<Action<ContextSwitches>> step = DomainsActions.next(t.system.abstractState())
                .map(s -> Action.of(s::toString, (ContextSwitches c, Context ctx) -> {
                    for (DomainsSystemAction a : s.actions()) {
                        c.apply(a, ctx);
                    }
                }));
        Gen<Action<ContextSwitches>> scribble = Gens.combine(
                Gens.integers(0, DomainsActions.LAYOUT.vcpus() - 1),
                Gens.integers(1, VirtualCpu.GENERAL_REGISTERS - 1),
                Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE),
                (v, r, x) -> Action.of(
                        "vcpu" + v + " writes r" + r + " = " + Long.toHexString(x),
                        (ContextSwitches c, Context ctx) -> c.scribble(v, r, x)));
        return Gens.frequency(Gens.weighted(3, step), Gens.weighted(1, scribble));
    }

    private static StatefulProperty<ContextSwitches> contextSwitchesRestoreEachSide(DomainsImplFlaw flaw) {
        return StatefulProperty.<ContextSwitches>named("domains: a switch restores the registers each side left")
                .initial(() -> new ContextSwitches(flaw))
                .actions(DomainsContextSwitchTest::next)
                .assertion("every entry and return restored the registers", ContextSwitches::checkRestored)
                .steps(DomainsProperties.STEPS)
                .tries(300)
                .cover(50, RETURN)
                .cover(20, REENTRY);
    }

    @Test
    void aReturnRestoresTheRootsRegistersAndAnEntryTheDomainsOwn() {
        contextSwitchesRestoreEachSide(DomainsImplFlaw.NONE)
                .run(Settings.none())
                .assertPassed();
    }

    @Test
    void registersLeftInPlaceOnAnInterruptAreCaught() {
        PropertyResult r = contextSwitchesRestoreEachSide(DomainsImplFlaw.SECURE_REGISTERS_LEAK_ON_INTERRUPT)
                .run(Settings.none().withQuiet(true));
        assertThat(r.failed()).as("%s", r.report()).isTrue();
        assertThat(r.report()).contains("return to the root").contains("by an event");
    }
}
