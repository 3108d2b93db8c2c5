package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.model.common.AccessKind;
import org.hvproof.model.common.GuestPhysicalPage;
import org.junit.jupiter.api.Test;

/**
 * The listing of a nested table's leaves ({@code forEachLeaf}, {@code forEachLeafFrame}, {@code
 * version}) keeps each table frame's decoding and decodes again only the entries that changed:
 * these tests rewrite tables between listings, in the ways that decoding must follow (the first
 * entry, adjacent entries, an entry past every present one, a removed one), and link table frames
 * at more than one place, as a hostile or recursive table does, where a frame's decoding depends
 * on where it is linked. Every listing is compared, as a list with duplicates kept, with what a
 * walk of the tables gives.
 */
class NestedTableDecodingTest {
    private final HostMemory memory = new HostMemory(1L << 30);
    private final NestedPageTable npt =
            NestedPageTable.create(memory, ViewId.DEFAULT).orElseThrow();

    private List<String> leaves() {
        List<String> out = new ArrayList<>();
        npt.forEachLeaf((page, e) -> out.add(page.number() + ">" + e.hostFrame() + rights(e.permissions())));
        return out;
    }

    private static String rights(NestedPermissions p) {
        return (p.read() ? "r" : "") + (p.write() ? "w" : "") + (p.execute() ? "x" : "");
    }

    /** The host address of {@code page}'s entry at {@code level}, walked by hand from the root. */
    private long entryAddress(long page, int level) {
        long table = npt.rootFrame();
        for (int l = 4; l > level; l--) {
            long index = (page >>> (9 * (l - 1))) & 511;
            table = (memory.readLong((table << 12) + 8 * index) & NestedPageTable.ADDRESS_MASK) >>> 12;
        }
        return (table << 12) + 8 * ((page >>> (9 * (level - 1))) & 511);
    }

    @Test
    void aTableRewrittenAtItsFirstAdjacentAndLastEntriesIsListedAsItNowIs() {
        long[] frames = new long[8];
        for (int p = 0; p < 8; p++) {
            frames[p] = memory.allocateFrame().orElseThrow();
            assertThat(npt.map(new GuestPhysicalPage(p), frames[p], NestedPermissions.RWX))
                    .isTrue();
        }
        assertThat(leaves()).hasSize(8);
        long before = npt.version();

        npt.setPermissions(new GuestPhysicalPage(0), NestedPermissions.RX);
        npt.setPermissions(new GuestPhysicalPage(1), new NestedPermissions(true, false, false));
        memory.writeLong(entryAddress(5, 1), 0);
        long extra = memory.allocateFrame().orElseThrow();
        npt.map(new GuestPhysicalPage(100), extra, NestedPermissions.EXECUTE_ONLY);

        assertThat(leaves())
                .containsExactly(
                        "0>" + frames[0] + "rx",
                        "1>" + frames[1] + "r",
                        "2>" + frames[2] + "rwx",
                        "3>" + frames[3] + "rwx",
                        "4>" + frames[4] + "rwx",
                        "6>" + frames[6] + "rwx",
                        "7>" + frames[7] + "rwx",
                        "100>" + extra + "x");
        assertThat(npt.version()).isGreaterThan(before);

        // Rewritten once more, back to an entry at index 5 and the first one removed.
        memory.writeLong(entryAddress(0, 1), 0);
        npt.map(new GuestPhysicalPage(5), frames[5], NestedPermissions.RWX);
        assertThat(leaves())
                .containsExactly(
                        "1>" + frames[1] + "r",
                        "2>" + frames[2] + "rwx",
                        "3>" + frames[3] + "rwx",
                        "4>" + frames[4] + "rwx",
                        "5>" + frames[5] + "rwx",
                        "6>" + frames[6] + "rwx",
                        "7>" + frames[7] + "rwx",
                        "100>" + extra + "x");
    }

    /** A level-2 table with exactly eight last-level tables under it: every one is listed and versioned. */
    @Test
    void eightLastLevelTablesUnderOneTableAreAllListed() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long f = memory.allocateFrame().orElseThrow();
            npt.map(new GuestPhysicalPage(512L * i), f, NestedPermissions.RWX);
            expected.add(512L * i + ">" + f);
        }
        long v = npt.version();
        List<String> frames = new ArrayList<>();
        npt.forEachLeafFrame((page, frame, writable) -> frames.add(page + ">" + frame));
        assertThat(frames).isEqualTo(expected);
        assertThat(npt.version()).isEqualTo(v);

        memory.writeLong(entryAddress(512L * 7, 1), 0);
        assertThat(npt.version()).isGreaterThan(v);
        List<String> after = new ArrayList<>();
        npt.forEachLeafFrame((page, frame, writable) -> after.add(page + ">" + frame));
        assertThat(after).isEqualTo(expected.subList(0, 7));
    }

    /**
     * Two top-level entries pointing at one table frame, as a hostile table may link it: the walk
     * finds the page under both, and so does every listing, each time it is asked.
     */
    @Test
    void aTableLinkedUnderTwoTopLevelEntriesIsListedUnderEach() {
        long f = memory.allocateFrame().orElseThrow();
        npt.map(new GuestPhysicalPage(3), f, NestedPermissions.RWX);
        long root = npt.rootFrame() << 12;
        memory.writeLong(root + 8, memory.readLong(root));
        long alias = 3 + (1L << 27);

        assertThat(npt.translate(alias << 12, AccessKind.READ)).isEqualTo(new NestedWalk.Translated(f << 12));
        List<String> expected = List.of("3>" + f + "rwx", alias + ">" + f + "rwx");
        assertThat(leaves()).isEqualTo(expected);
        assertThat(leaves()).isEqualTo(expected);

        // The shared table changes: both places see it.
        npt.setPermissions(new GuestPhysicalPage(3), NestedPermissions.RX);
        assertThat(leaves()).isEqualTo(List.of("3>" + f + "rx", alias + ">" + f + "rx"));
    }

    /**
     * A root whose entry 0 links the root itself (a recursive table): the walk for page 0 reads
     * the root at every level and lands on the root's frame. The listing follows the walk: page 0,
     * mapped to the root frame, once.
     */
    @Test
    void aRootThatLinksItselfIsListedAsTheWalkReadsIt() {
        long root = npt.rootFrame();
        memory.writeLong(root << 12, (root << 12) | NestedPageTable.READ | NestedPageTable.WRITE);

        assertThat(npt.translate(0x123, AccessKind.WRITE)).isEqualTo(new NestedWalk.Translated((root << 12) | 0x123));
        List<String> expected = List.of("0>" + root + "rw");
        assertThat(leaves()).isEqualTo(expected);
        assertThat(leaves()).isEqualTo(expected);
        List<String> frames = new ArrayList<>();
        npt.forEachLeafFrame((page, frame, writable) -> frames.add(page + ">" + frame + (writable ? "w" : "")));
        assertThat(frames).containsExactly("0>" + root + "w");
    }
}
