package org.hvproof.impl.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.hvproof.model.failover.KeyValueUpdate;
import org.junit.jupiter.api.Test;

/**
 * The byte forms the checkpoint carries: the NIC's queue and the memory's words survive the trip
 * through their bytes exactly, whole 64-bit values (sign and high bytes) and every slot in order,
 * the memory's as the application's guest stores land in the host frames behind its pages.
 */
class FailoverDeviceBytesTest {
    private static final long[] WORDS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123_4567_89AB_CDEFL, 0x80L};

    @Test
    void aQueueRestoredFromItsBytesHoldsTheSameRequestsInOrderAndNothingElse() {
        VirtualNic nic = new VirtualNic(4);
        nic.receive(WORDS[2], WORDS[3]);
        nic.receive(WORDS[5], WORDS[4]);
        nic.receive(WORDS[6], 7);
        byte[] bytes = nic.serialise(8 + 16 * 4);

        VirtualNic other = new VirtualNic(4);
        other.receive(99, 99);
        other.restore(bytes);

        assertThat(other.queued())
                .containsExactly(
                        new KeyValueUpdate(WORDS[2], WORDS[3]),
                        new KeyValueUpdate(WORDS[5], WORDS[4]),
                        new KeyValueUpdate(WORDS[6], 7));
    }

    @Test
    void aCountBeyondTheSlotsIsClampedOnRestore() {
        VirtualNic nic = new VirtualNic(3);
        nic.receive(1, 2);
        nic.receive(3, 4);
        nic.receive(5, 6);
        VirtualNic smaller = new VirtualNic(2);
        smaller.restore(nic.serialise(8 + 16 * 3));
        assertThat(smaller.queued()).containsExactly(new KeyValueUpdate(1, 2), new KeyValueUpdate(3, 4));
    }

    @Test
    void everyWordTheApplicationStoresReadsBackWholeFromTheFrameBehindItsPage() {
        ApplicationHost host = new ApplicationHost(2, 64);
        host.bootApplication(2);
        for (int i = 0; i < WORDS.length; i++) {
            assertThat(host.store(i % 2, 8 * i, WORDS[i])).as("store %d", i).isTrue();
        }
        for (int i = 0; i < WORDS.length; i++) {
            byte[] page = host.readPage(i % 2);
            assertThat(ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong(8 * i))
                    .as("word %d", i)
                    .isEqualTo(WORDS[i]);
            assertThat(host.pages().get(i % 2).toArray()).isEqualTo(page);
        }
        assertThat(List.of(
                        ByteBuffer.wrap(host.readPage(0))
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getLong(8),
                        ByteBuffer.wrap(host.readPage(1))
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getLong(0)))
                .containsOnly(0L);
    }
}
