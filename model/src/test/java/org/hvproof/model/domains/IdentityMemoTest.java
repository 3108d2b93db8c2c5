package org.hvproof.model.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hvproof.model.domains.Ids.Frame;
import org.junit.jupiter.api.Test;

/** Remembered answers are per object identity: a new (even equal) immutable input is derived afresh, never mixed up. */
class IdentityMemoTest {

    @Test
    void derivesOncePerInputObject() {
        AtomicInteger calls = new AtomicInteger();
        IdentityMemo<Map<Integer, Integer>, Object, Integer> size = new IdentityMemo<>(4, (m, unused) -> {
            calls.incrementAndGet();
            return m.size();
        });
        Map<Integer, Integer> one = Map.of(1, 1);
        Map<Integer, Integer> two = Map.of(1, 1, 2, 2);
        assertThat(size.get(one, null)).isEqualTo(1);
        assertThat(size.get(one, null)).isEqualTo(1);
        assertThat(size.get(two, null)).isEqualTo(2);
        assertThat(size.get(Map.copyOf(new HashMap<>(two)), null)).isEqualTo(2);
        assertThat(calls.get()).isBetween(3, 4);
    }

    @Test
    void equalityOfDistinctObjectsIsComputedAndKeptPerPair() {
        Map<Frame, Long> a = Map.of(new Frame(1), 1L);
        Map<Frame, Long> b = Map.copyOf(new HashMap<>(a));
        Map<Frame, Long> c = Map.of(new Frame(1), 2L);
        assertThat(a).isNotSameAs(b);
        assertThat(IdentityMemo.equal(a, b)).isTrue();
        assertThat(IdentityMemo.equal(a, c)).isFalse();
        assertThat(IdentityMemo.equal(a, c)).isFalse();
        assertThat(IdentityMemo.equal(c, a)).isFalse();
        assertThat(IdentityMemo.equal(a, null)).isFalse();
        assertThat(IdentityMemo.equal(null, null)).isTrue();
    }

    @Test
    void aStateWithOneFrameChangedIsNotEqualThoughItSharesTheDomains() {
        DomainsState s = DomainsState.example(2, 2, 7);
        Frame f = s.root().npt().get(new Ids.GuestPage(2));
        DomainsState t = s.withFrame(f, new FrameContent(Map.of(), 99));
        assertThat(t.domains()).isSameAs(s.domains());
        assertThat(t).isNotEqualTo(s);
        assertThat(s.withFrame(f, s.frames().get(f))).isEqualTo(s);
        assertThat(RootView.rootFrames(t)).isNotEqualTo(RootView.rootFrames(s));
        assertThat(t.secureFrames()).isSameAs(s.secureFrames());
    }
}
