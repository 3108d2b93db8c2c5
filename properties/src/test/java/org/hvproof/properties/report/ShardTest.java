package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How a shard deals whole commands and properties: every item to exactly one shard, evenly, by key. */
class ShardTest {
    private static final List<String> ITEMS =
            IntStream.range(0, 11).mapToObj(i -> "p" + (char) ('k' - i)).toList();

    @Test
    void theSharesOfNShardsCoverEveryItemOnceAndDifferBySizeAtMostOne() {
        for (int n = 1; n <= 5; n++) {
            List<String> union = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                List<String> share = new Shard(i, n).select(ITEMS, Function.identity());
                union.addAll(share);
                sizes.add(share.size());
            }
            assertThat(union).as("n=%d", n).containsExactlyInAnyOrderElementsOf(ITEMS);
            assertThat(sizes.stream().mapToInt(x -> x).max().orElseThrow()
                            - sizes.stream().mapToInt(x -> x).min().orElseThrow())
                    .as("n=%d", n)
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void theDealDependsOnTheKeysNotOnTheOrderTheyCameIn() {
        List<String> reversed = new ArrayList<>(ITEMS);
        java.util.Collections.reverse(reversed);
        Shard s = new Shard(2, 3);
        assertThat(s.select(reversed, Function.identity()))
                .containsExactlyInAnyOrderElementsOf(s.select(ITEMS, Function.identity()));
    }

    @Test
    void itemsWithOneKeyGoToOneShard() {
        List<String> twice = List.of("a", "b", "b", "c");
        assertThat(new Shard(2, 3).select(twice, Function.identity())).containsExactly("b", "b");
    }

    @Test
    void parseTakesIOverNAndRefusesAnythingElse() {
        assertThat(Shard.parse(" 2/3 ")).isEqualTo(new Shard(2, 3));
        assertThat(Shard.parse("1/1").whole()).isTrue();
        for (String bad : List.of("0/3", "4/3", "3", "a/b", "1/0", "1/2/3", "-1/2")) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
