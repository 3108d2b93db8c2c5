package org.hvproof.properties.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TLB benchmark replays one workload on both sides, and the side with caches really uses them. */
class TlbThroughputTest {
    @Test
    void theSameSeedGivesTheSameWorkload() {
        assertThat(TlbThroughput.workload(7, 300)).isEqualTo(TlbThroughput.workload(7, 300));
        assertThat(TlbThroughput.workload(7, 300)).isNotEqualTo(TlbThroughput.workload(8, 300));
    }

    @Test
    void cachingOnHitsAndCachingOffNeverDoes() {
        StringWriter text = new StringWriter();
        List<TlbThroughput.Figure> figures = TlbThroughput.measure(0, 0.2, 2_000, 1, new PrintWriter(text));

        TlbThroughput.Figure on = figures.get(0);
        TlbThroughput.Figure off = figures.get(1);
        assertThat(on.caching()).isTrue();
        assertThat(off.caching()).isFalse();
        assertThat(on.accesses()).isEqualTo(off.accesses()).isPositive();
        assertThat(on.hitRate()).isGreaterThan(0.5);
        assertThat(off.hits()).isZero();
        assertThat(off.misses()).isZero();
        assertThat(text.toString()).contains("TLB on ").contains("TLB off").contains("accesses/cpu-s");
    }
}
