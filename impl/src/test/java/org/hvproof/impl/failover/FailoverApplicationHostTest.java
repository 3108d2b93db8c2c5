package org.hvproof.impl.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.hvproof.model.common.Bytes;
import org.junit.jupiter.api.Test;

/**
 * A failover host on the machine: the application's stores are guest writes that reach host
 * frames through its page tables and the nested table, the hypervisor reads and writes those
 * frames, and losing power loses all of it.
 */
class FailoverApplicationHostTest {

    private static long word(byte[] page, int offset) {
        return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    @Test
    void theApplicationsFirstStoreToAPageBacksItWithAFrameTheHypervisorReads() {
        ApplicationHost host = new ApplicationHost(3, 32);
        host.bootApplication(3);
        assertThat(host.frame(2)).isZero();
        assertThat(host.store(2, 24, 0x1122_3344_5566_7788L)).isTrue();
        long frame = host.frame(2);
        assertThat(frame).isNotZero();
        assertThat(word(host.readFrame(frame), 24)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(host.frame(0)).as("an untouched page stays unbacked").isZero();
        assertThat(host.pages().get(0)).isEqualTo(Bytes.zeros(32));
        assertThat(word(host.pages().get(2).toArray(), 24)).isEqualTo(0x1122_3344_5566_7788L);
    }

    @Test
    void aPageTheHypervisorWritesIsWhatTheModelReadsOfIt() {
        ApplicationHost host = new ApplicationHost(4, 16);
        byte[] chunk = new byte[16];
        chunk[0] = 7;
        chunk[15] = -1;
        host.writePage(3, chunk);
        assertThat(host.frame(3)).isNotZero();
        assertThat(host.readPage(3)).isEqualTo(chunk);
        assertThat(host.pages().get(3).toArray()).isEqualTo(chunk);
    }

    @Test
    void losingPowerZeroesEveryPageAndTheApplicationRunsOnlyAfterANewBoot() {
        ApplicationHost host = new ApplicationHost(2, 8);
        host.bootApplication(2);
        assertThat(host.store(1, 0, 42)).isTrue();
        assertThat(host.pages()).containsExactly(Bytes.zeros(8), Bytes.of(new byte[] {42, 0, 0, 0, 0, 0, 0, 0}));

        host.powerCycle();
        assertThat(host.pages()).containsExactly(Bytes.zeros(8), Bytes.zeros(8));
        assertThat(host.store(1, 0, 43)).as("no page tables on a blank machine").isFalse();
        assertThat(host.pages()).containsExactly(Bytes.zeros(8), Bytes.zeros(8));

        host.bootApplication(2);
        assertThat(host.store(1, 0, 43)).isTrue();
        assertThat(word(host.readPage(1), 0)).isEqualTo(43);
    }

    @Test
    void aSecondStoreToAPageAlreadyReadShowsInTheNextReadOfTheMemory() {
        ApplicationHost host = new ApplicationHost(2, 16);
        host.bootApplication(2);
        assertThat(host.store(0, 8, 5)).isTrue();
        assertThat(word(host.pages().get(0).toArray(), 8)).isEqualTo(5);
        assertThat(host.store(0, 8, 6)).isTrue();
        assertThat(word(host.pages().get(0).toArray(), 8)).isEqualTo(6);
        assertThat(host.pages().get(1)).isEqualTo(Bytes.zeros(16));
    }

    @Test
    void theApplicationReachesOnlyThePagesItBootedWithAndBootsOncePerPowerCycle() {
        ApplicationHost host = new ApplicationHost(3, 8);
        host.bootApplication(2);
        host.bootApplication(2);
        assertThat(host.store(1, 0, 9)).isTrue();
        assertThat(host.store(2, 0, 9))
                .as("page 2 holds no application data: unmapped")
                .isFalse();
        assertThat(host.pages().get(2)).isEqualTo(Bytes.zeros(8));
    }
}
