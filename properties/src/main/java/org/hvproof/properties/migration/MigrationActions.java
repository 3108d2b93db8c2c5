package org.hvproof.properties.migration;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.Bytes;
import org.hvproof.model.migration.MigrationAction;
import org.hvproof.model.migration.MigrationConfig;
import org.hvproof.model.migration.MigrationEmbodiment;
import org.hvproof.model.migration.MigrationPhase;
import org.hvproof.model.migration.MigrationState;
import org.hvproof.model.migration.MigrationStrategy;
import org.hvproof.model.migration.WorkRequest;
import org.hvproof.propcheck.Action;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/**
 * The trace generator of the migration mechanism. The first step boots the VM with figures from
 * their whole domain: 3 to 8 data pages, 1 to 3 buffer pages, 1 to 8 ring slots, either
 * embodiment and either strategy, QEMU's bandwidth and downtime limit or ones a few pages' time
 * wide (0 included), round limits of 1 to 4 or QEMU-like 30. Then each next action is drawn from
 * the model's state, at every interleaving point: VM writes and reads of any data page (buffer
 * pages, the ring page, the others; out of range and crossing), descriptors (receives and
 * transmits anywhere in the buffer, crossing pages; every hostile kind), doorbells (the driver's
 * tail, or empty, behind, more than a ring ahead, any value), DMA steps of 1 byte to the whole
 * request, completion interrupts, migration starts (destinations of exactly the guest's size, more,
 * far more, too small; a second start) and rounds, whole or (with {@code microRounds}) in
 * micro-steps: a round's re-arm and copy of each page are steps of their own, and while a round
 * is in progress the VM's accesses lean to the round's next page and the page it copied last.
 * With {@code contract}, the VM keeps away from buffers the device owns (the driver's contract,
 * for the two-run MIG-1).
 */
public final class MigrationActions {
    /** The figures a trace boots with when its boot step was shrunk away: small, forced after one round. */
    public static final MigrationConfig FALLBACK = new MigrationConfig(
            4,
            2,
            4,
            MigrationConfig.PAGE_BYTES,
            MigrationConfig.DEFAULT_BANDWIDTH,
            0,
            1,
            MigrationEmbodiment.COPY_AS_DEVICE_BUFFER,
            MigrationStrategy.DOORBELL_AND_COMPLETION);

    private static final int PAGE = (int) MigrationConfig.PAGE_BYTES;

    private MigrationActions() {}

    /** The next step of a single-run trace: its boot, then an action drawn from the state. */
    public static Gen<Action<MigrationTrace>> next(MigrationTrace trace) {
        if (!trace.booted()) {
            return config().map(c -> Action.<MigrationTrace>of(() -> "boot " + c, (t, ctx) -> t.boot(c)));
        }
        return action(trace.state(), false, true)
                .map(a -> Action.<MigrationTrace>of(a::toString, (t, ctx) -> t.apply(a, ctx)));
    }

    /** Figures for one run. */
    static Gen<MigrationConfig> config() {
        Gen<Integer> dataPages =
                Gens.frequency(Gens.weighted(6, Gens.integers(3, 5)), Gens.weighted(2, Gens.integers(3, 8)));
        Gen<Integer> ringSlots =
                Gens.frequency(Gens.weighted(5, Gens.integers(2, 4)), Gens.weighted(2, Gens.integers(1, 8)));
        Gen<Integer> limitPages = Gens.frequency(
                Gens.weighted(3, Gens.constant(0)),
                Gens.weighted(2, Gens.integers(1, 2)),
                Gens.weighted(1, Gens.integers(3, 12)));
        Gen<Integer> rounds = Gens.frequency(
                Gens.weighted(6, Gens.integers(1, 4)),
                Gens.weighted(1, Gens.constant(MigrationConfig.DEFAULT_ROUND_LIMIT)));
        Gen<Boolean> qemuLimit = Gens.booleans(0.15);
        Gen<MigrationEmbodiment> embodiment = Gens.elements(MigrationEmbodiment.values());
        Gen<MigrationStrategy> strategy = Gens.elements(MigrationStrategy.values());
        return Gens.combine(
                List.of(dataPages, Gens.integers(1, 3), ringSlots, limitPages, rounds, qemuLimit, embodiment, strategy),
                xs -> {
                    int pages = (Integer) xs.get(0);
                    int buffer = Math.min((Integer) xs.get(1), pages - 2);
                    long pageTime = (MigrationConfig.PAGE_BYTES * 1_000_000 + MigrationConfig.DEFAULT_BANDWIDTH - 1)
                            / MigrationConfig.DEFAULT_BANDWIDTH;
                    long limit = (Boolean) xs.get(5)
                            ? MigrationConfig.DEFAULT_DOWNTIME_LIMIT_MICROS
                            : (Integer) xs.get(3) * pageTime;
                    return new MigrationConfig(
                            pages,
                            Math.max(1, buffer),
                            (Integer) xs.get(2),
                            MigrationConfig.PAGE_BYTES,
                            MigrationConfig.DEFAULT_BANDWIDTH,
                            limit,
                            (Integer) xs.get(4),
                            (MigrationEmbodiment) xs.get(6),
                            (MigrationStrategy) xs.get(7));
                });
    }

    /**
     * The next action for state {@code s}, rounds whole; with {@code contract} the VM leaves
     * buffers the device owns alone.
     */
    public static Gen<MigrationAction> action(MigrationState s, boolean contract) {
        return action(s, contract, false);
    }

    /**
     * The next action for state {@code s}; with {@code contract} the VM leaves buffers the device
     * owns alone; with {@code microRounds} pre-copy rounds also run in micro-steps ({@link
     * MigrationAction.RoundStep}), the VM and its device running between them, and a round in
     * progress mostly goes on a micro-step at a time (now and then it is finished in one step).
     */
    public static Gen<MigrationAction> action(MigrationState s, boolean contract, boolean microRounds) {
        boolean running = s.phase() == MigrationPhase.RUNNING;
        boolean precopy = s.phase() == MigrationPhase.PRE_COPY;
        boolean inRound = s.roundInProgress();
        double whole = !precopy ? 0.2 : !microRounds ? 2.5 : inRound ? 1.2 : 2.5;
        double micro = !microRounds ? 0 : !precopy ? 0.1 : inRound ? 8 : 1;
        return Gens.<MigrationAction>mix()
                .add(inRound && microRounds ? 8 : 5, write(s, contract))
                .add(1.5, read(s, contract))
                .add(3.5, submit(s))
                .add(3, doorbell(s))
                .add(contract ? 0 : 0.3, registerWrite(s))
                .add(5, deviceStep(s))
                .add(3, Gens.constant(new MigrationAction.CompletionInterrupt()))
                .add(running ? 1.5 : 0.2, start(s))
                .add(whole, Gens.constant(new MigrationAction.MigrationRound()))
                .add(micro, Gens.constant(new MigrationAction.RoundStep()))
                .build();
    }

    // ------------------------------------------------------------ the VM

    private static Gen<MigrationAction> write(MigrationState s, boolean contract) {
        Gen<Integer> length = Gens.frequency(
                Gens.weighted(8, Gens.integers(1, 32)),
                Gens.weighted(1, Gens.integers(1, PAGE)),
                Gens.weighted(1, Gens.constant(PAGE)));
        return Gens.combine(place(s, length, contract), Gens.integers(1, 1 << 20), (at, seed) -> {
            byte[] b = new byte[at[2]];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (seed * 31 + i * 7 + 1);
            }
            return (MigrationAction) new MigrationAction.GuestWrite(at[0], at[1], Bytes.of(b));
        });
    }

    private static Gen<MigrationAction> read(MigrationState s, boolean contract) {
        return place(s, Gens.integers(1, 64), contract)
                .map(at -> (MigrationAction) new MigrationAction.GuestRead(at[0], at[1], at[2]));
    }

    /**
     * Page, offset and length of a VM access: a buffer page, the ring page or any data page, at
     * the start, anywhere or at the end of it; or out of range (past the last page, negative,
     * crossing the page's end) when not keeping the contract; while a round runs in micro-steps,
     * often the round's next data page or the data page it copied last.
     */
    private static Gen<int[]> place(MigrationState s, Gen<Integer> length, boolean contract) {
        MigrationConfig c = s.config();
        List<Integer> round = new ArrayList<>();
        List<Long> left = s.roundPagesLeft();
        List<Long> copied = s.roundPagesCopied();
        if (!left.isEmpty() && left.get(0) < c.dataPages()) {
            round.add(left.get(0).intValue());
        }
        if (!copied.isEmpty() && copied.get(copied.size() - 1) < c.dataPages()) {
            round.add(copied.get(copied.size() - 1).intValue());
        }
        Gen<Integer> page = Gens.frequency(
                Gens.weighted(round.isEmpty() ? 0 : 10, round.isEmpty() ? Gens.constant(0) : Gens.elements(round)),
                Gens.weighted(4, Gens.integers(1, c.bufferPages())),
                Gens.weighted(1, Gens.constant(0)),
                Gens.weighted(4, Gens.integers(0, c.dataPages() - 1)),
                Gens.weighted(contract ? 0 : 0.6, Gens.elements(c.dataPages(), -1, Integer.MAX_VALUE)));
        Gen<Integer> where = Gens.integers(0, 2);
        Gen<Boolean> crossing = Gens.booleans(contract ? 0 : 0.05);
        return Gens.combine(List.of(page, length, where, Gens.integers(0, PAGE - 1), crossing), xs -> {
            int p = (Integer) xs.get(0);
            int len = (Integer) xs.get(1);
            int offset = switch ((Integer) xs.get(2)) {
                case 0 -> 0;
                case 1 -> Math.min((Integer) xs.get(3), PAGE - len);
                default -> PAGE - len;
            };
            if ((Boolean) xs.get(4)) {
                offset = PAGE - len + 1 + (Integer) xs.get(3) % Math.max(1, len);
            }
            if (contract && owned(s, (long) p * PAGE + offset, len)) {
                p = c.dataPages() - 1;
                offset = 0;
                len = Math.min(len, PAGE);
            }
            return new int[] {p, offset, len};
        });
    }

    /** Whether {@code [address, address + length)} overlaps a buffer the device owns. */
    private static boolean owned(MigrationState s, long address, int length) {
        List<WorkRequest> owned = new ArrayList<>(s.inFlight());
        owned.addAll(s.posted());
        return owned.stream().anyMatch(r -> r.overlaps(address, length));
    }

    static Gen<MigrationAction> submit(MigrationState s) {
        MigrationConfig c = s.config();
        long start = c.bufferStart();
        long size = c.bufferEnd() - start;
        Gen<Long> address = Gens.frequency(
                Gens.weighted(5, Gens.longs(start, c.bufferEnd() - 1)),
                Gens.weighted(2, Gens.longs(0, c.bufferPages() - 1).map(i -> start + i * PAGE)),
                Gens.weighted(1, Gens.longs(1, c.bufferPages()).map(i -> start + i * PAGE - 16)));
        Gen<Long> length = Gens.frequency(
                Gens.weighted(5, Gens.longs(1, 64)),
                Gens.weighted(3, Gens.longs(1, 1200)),
                Gens.weighted(1, Gens.longs(1, size)));
        Gen<MigrationAction> valid = Gens.combine(address, length, Gens.integers(0, 1), (a, l, d) -> {
            long len = Math.max(1, Math.min(l, c.bufferEnd() - a));
            return (MigrationAction) new MigrationAction.Submit(a, len, d);
        });
        Gen<MigrationAction> hostile = Gens.combine(
                Gens.integers(0, 9), Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE), Gens.integers(0, 1), (how, x, d) -> {
                    long end = (long) c.dataPages() * PAGE;
                    return (MigrationAction)
                            switch (how) {
                                case 0 -> new MigrationAction.Submit(start, 0, d);
                                case 1 -> new MigrationAction.Submit(start, size + 1 + Math.floorMod(x, 1000), d);
                                case 2 -> new MigrationAction.Submit(start, 0xFFFF_FFFFL, d);
                                case 3 -> new MigrationAction.Submit(Math.floorMod(x, PAGE), 16, d);
                                case 4 -> new MigrationAction.Submit(end - 8, 16, d);
                                case 5 -> new MigrationAction.Submit(Long.MAX_VALUE - 4, 16, d);
                                case 6 -> new MigrationAction.Submit(x, 16, d);
                                case 7 -> new MigrationAction.Submit(start, 16, 2 + Math.floorMod(x, 1L << 31));
                                case 8 ->
                                    new MigrationAction.Submit(
                                            c.doorbellPage() * PAGE + Math.floorMod(x, PAGE - 16), 16, d);
                                default -> new MigrationAction.Submit(c.bufferEnd(), 16, d);
                            };
                });
        return Gens.frequency(Gens.weighted(8, valid), Gens.weighted(2, hostile));
    }

    private static Gen<MigrationAction> doorbell(MigrationState s) {
        long head = s.deviceHead();
        long slots = s.config().ringSlots();
        Gen<Long> tail = Gens.frequency(
                Gens.weighted(8, Gens.constant(s.driverTail())),
                Gens.weighted(1, Gens.longs(head + 1, head + slots)),
                Gens.weighted(1, Gens.elements(head, head - 1, head + slots + 1, Long.MIN_VALUE, Long.MAX_VALUE)));
        return tail.map(t -> (MigrationAction) new MigrationAction.Doorbell(t));
    }

    /**
     * A VM write to the device's MMIO page other than the driver's doorbell: the whole register
     * with any tail, part of it, past it, across its end, at the page's end, or out of the page.
     */
    private static Gen<MigrationAction> registerWrite(MigrationState s) {
        return Gens.combine(Gens.integers(0, 6), Gens.longs(Long.MIN_VALUE, Long.MAX_VALUE), (how, x) -> {
            int length = switch (how) {
                case 0, 6 -> MigrationConfig.DOORBELL_BYTES;
                case 1 -> 1 + (int) Math.floorMod(x, 7L);
                case 2 -> 16;
                default -> 1 + (int) Math.floorMod(x, 8L);
            };
            int offset = switch (how) {
                case 0, 1, 2 -> MigrationConfig.DOORBELL_OFFSET;
                case 3 -> MigrationConfig.DOORBELL_BYTES + (int) Math.floorMod(x, 64L);
                case 4 -> MigrationConfig.DOORBELL_BYTES - 1;
                case 5 -> PAGE - length;
                default -> PAGE - 4;
            };
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) {
                b[i] = (byte) (x >>> (8 * (i % 8)));
            }
            return (MigrationAction) new MigrationAction.RegisterWrite(offset, Bytes.of(b));
        });
    }

    static Gen<MigrationAction> deviceStep(MigrationState s) {
        int left = s.inFlight().isEmpty()
                ? 64
                : s.inFlight().get(0).length() - s.inFlight().get(0).done();
        return Gens.frequency(
                        Gens.weighted(6, Gens.integers(1, Math.max(1, Math.min(left, 64)))),
                        Gens.weighted(3, Gens.constant(Math.max(1, left))),
                        Gens.weighted(1, Gens.elements(0, -1, Integer.MAX_VALUE)))
                .map(n -> (MigrationAction) new MigrationAction.DeviceStep(n));
    }

    // ------------------------------------------------------------ the migration

    private static Gen<MigrationAction> start(MigrationState s) {
        long total = s.config().totalPages();
        return Gens.frequency(
                        Gens.weighted(3, Gens.constant(total)),
                        Gens.weighted(4, Gens.longs(total, total + 4096)),
                        Gens.weighted(1, Gens.constant(Long.MAX_VALUE)),
                        Gens.weighted(2, Gens.elements(total - 1, 0L, -1L, Long.MIN_VALUE)))
                .map(n -> (MigrationAction) new MigrationAction.StartMigration(n));
    }
}
