package org.hvproof.model.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link PageSet} and {@link PageMap} read like the {@code TreeSet} and {@code TreeMap} they
 * replace in the state: equal (both ways) and hashing alike for the same contents, sorted, and
 * spelled alike in messages.
 */
class PageSetTest {

    @Test
    void aPageSetEqualsAndHashesLikeATreeSetOfTheSamePages() {
        PageSet set = PageSet.of(9, 3, 5, 3);
        TreeSet<Long> tree = new TreeSet<>(List.of(3L, 5L, 9L));
        assertThat(set).isEqualTo(tree);
        assertThat(tree).isEqualTo(set);
        assertThat(set.hashCode()).isEqualTo(tree.hashCode());
        assertThat(set.toString()).isEqualTo(tree.toString());
        assertThat(set).isNotEqualTo(PageSet.of(3, 5));
        assertThat(set.first()).isEqualTo(3L);
        assertThat(set.last()).isEqualTo(9L);
        assertThat(set.headSet(5L)).containsExactly(3L);
        assertThat(set.tailSet(5L)).containsExactly(5L, 9L);
        assertThat(set.subSet(4L, 10L)).containsExactly(5L, 9L);
    }

    @Test
    void ofSortsAndDedupesInAnyOrderAndKeepsNoReferenceToItsArgument() {
        long[] ascending = {1, 4, 7};
        PageSet set = PageSet.of(ascending);
        ascending[0] = 99;
        assertThat(set).containsExactly(1L, 4L, 7L);
        assertThat(PageSet.of(1, 4, 4, 7)).containsExactly(1L, 4L, 7L);
        assertThat(PageSet.of(7, 4, 1)).containsExactly(1L, 4L, 7L);
        assertThat(PageSet.of()).isEmpty();
        assertThat(PageSet.of(5)).containsExactly(5L);
    }

    @Test
    void unionMinusAndIntersectsAreTheSetOperations() {
        PageSet a = PageSet.of(1, 2, 3, 7);
        PageSet b = PageSet.of(3, 4, 7, 8);
        assertThat(a.union(b)).containsExactly(1L, 2L, 3L, 4L, 7L, 8L);
        assertThat(a.minus(b)).containsExactly(1L, 2L);
        assertThat(a.intersects(b)).isTrue();
        assertThat(a.intersects(PageSet.of(4, 5))).isFalse();
        assertThat(a.containsAll(PageSet.of(1, 7))).isTrue();
        assertThat(a.containsAll(b)).isFalse();
        assertThat(PageSet.range(5, 3)).containsExactly(5L, 6L, 7L);
        assertThat(PageSet.of(1, 5, 9).minus(PageSet.of(0, 5, 6, 10))).containsExactly(1L, 9L);
        assertThat(PageSet.rangeMinus(5, 5, PageSet.of(1, 6, 8, 20))).isEqualTo(PageSet.of(5, 7, 9));
        assertThat(PageSet.rangeMinus(5, 2, PageSet.EMPTY)).isEqualTo(PageSet.range(5, 2));
        assertThat(a.indexOf(7)).isEqualTo(3);
        assertThat(a.indexOf(4)).isEqualTo(-1);
        assertThat(a.within(1, 7)).isTrue();
        assertThat(a.within(1, 6)).isFalse();
        assertThat(a.within(2, 9)).isFalse();
        assertThat(PageSet.EMPTY.within(0, 0)).isTrue();
    }

    @Test
    void aPageMapEqualsAndHashesLikeATreeMapOfTheSameEntries() {
        Map<Long, String> tree = new TreeMap<>(Map.of(4L, "d", 1L, "a", 2L, "b"));
        PageMap<String> map = PageMap.copyOf(tree);
        assertThat(map).isEqualTo(tree);
        assertThat(tree).isEqualTo(map);
        assertThat(map.hashCode()).isEqualTo(tree.hashCode());
        assertThat(map.toString()).isEqualTo(tree.toString());
        assertThat(map.get(2L)).isEqualTo("b");
        assertThat(map.get(3L)).isNull();
        assertThat(map.with(2, 3, "x")).isEqualTo(Map.of(1L, "a", 2L, "x", 3L, "x", 4L, "x"));
        assertThat(map.without(1, 2)).isEqualTo(Map.of(4L, "d"));
        assertThat(map.headMap(2L)).isEqualTo(Map.of(1L, "a"));
        assertThat(map.tailMap(2L)).isEqualTo(Map.of(2L, "b", 4L, "d"));
    }

    @Test
    void aBuilderKeepsTheLastEntryPutForAKeyInAnyOrder() {
        PageMap<String> map = new PageMap.Builder<String>()
                .put(5, "e")
                .put(1, "a")
                .put(5, "E")
                .build();
        assertThat(map).isEqualTo(Map.of(1L, "a", 5L, "E"));
        assertThatThrownBy(() -> new PageMap.Builder<String>().put(1, null)).isInstanceOf(NullPointerException.class);
    }
}
