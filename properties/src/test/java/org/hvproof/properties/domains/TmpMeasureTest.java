package org.hvproof.properties.domains;

import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.api.Test;

class TmpMeasureTest {
    @Test
    void measure() {
        for (long seed : new long[] {1L, 2L}) {
            long t0 = System.nanoTime();
            PropertyResult r = DomainsSpecConformance.modelTracesAreSpecTraces()
                    .run(Settings.none().withSeed(seed));
            System.out.println(
                    "MEASURE seed " + seed + " " + (System.nanoTime() - t0) / 1_000_000 + " ms\n" + r.report());
        }
    }
}
