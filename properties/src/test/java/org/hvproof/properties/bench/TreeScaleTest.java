package org.hvproof.properties.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.hvproof.model.tree.BPlusTree;
import org.junit.jupiter.api.Test;

/** The tree-scale benchmark's figures are consistent (its timings are printed, never asserted). */
class TreeScaleTest {
    @Test
    void everyLookUpReadsDepthPlusOneNodesAtEitherOrder() {
        for (BPlusTree shape : new BPlusTree[] {BPlusTree.PAGE_SIZED, BPlusTree.SMALL}) {
            StringWriter text = new StringWriter();
            TreeScale.Figure f = TreeScale.measure(20_000, shape, 4_000, 1, 7, new PrintWriter(text));
            assertThat(f.order()).isEqualTo(shape.order());
            assertThat(f.depth()).isBetween(1, shape.depthBound(f.mappings() + (long) f.nodes()));
            assertThat(f.nodesVisited()).as("nodes read per look-up").isEqualTo(f.depth() + 1.0);
            // node pages are keys too: at least one per order's worth of keys; at a minimum fill of
            // m > 2 fewer than n / (m - 2), else about one per mapped page (TreeScale.config)
            long most = shape.min() > 2 ? f.mappings() / (shape.min() - 2) : 3L * f.mappings();
            assertThat((long) f.nodes()).isBetween((long) f.mappings() / shape.order(), most);
            assertThat(f.walkNanos()).isPositive();
            assertThat(f.treeMapNanos()).isPositive();
            assertThat(text.toString()).contains("walk/TreeMap", String.valueOf(f.mappings()));
        }
    }
}
