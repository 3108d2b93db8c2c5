package org.hvproof.model.domains;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A value derived from one or two immutable objects (the maps, sets and records of a {@link
 * DomainsState}), remembered by the objects' identity. The inputs never change, so a remembered
 * value is the one deriving it again would give: a hit can never be stale. A few slots, the older
 * entry overwritten on a collision. Safe to share between threads: an entry is published whole
 * (final fields), and a lost race only derives the value again.
 *
 * @param <A> the first input
 * @param <B> the second input ({@code null} where only one is needed)
 * @param <V> the derived value, itself immutable
 */
public final class IdentityMemo<A, B, V> {
    /** Whether two immutable values are equal, remembered: parts shared from step to step are compared once. */
    public static final IdentityMemo<Object, Object, Boolean> EQUAL = new IdentityMemo<>(64, Objects::equals);

    private record Entry<A, B, V>(A a, B b, V value) {}

    private final Entry<A, B, V>[] slots;
    private final BiFunction<? super A, ? super B, ? extends V> derive;

    /** A memo of {@code size} slots (a power of two) for {@code derive}, which must be a pure function of immutable inputs. */
    @SuppressWarnings("unchecked")
    public IdentityMemo(int size, BiFunction<? super A, ? super B, ? extends V> derive) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two, was " + size);
        }
        this.slots = (Entry<A, B, V>[]) new Entry<?, ?, ?>[size];
        this.derive = Objects.requireNonNull(derive);
    }

    /** Whether the two immutable values are equal; true at once when they are the same object. */
    public static boolean equal(Object a, Object b) {
        return a == b || (a != null && b != null && EQUAL.get(a, b));
    }

    /** {@code derive(a, b)}, from the memo when these very objects were seen. */
    public V get(A a, B b) {
        int h = System.identityHashCode(a) * 0x9E3779B9 + System.identityHashCode(b);
        int i = (h ^ (h >>> 16)) & (slots.length - 1);
        Entry<A, B, V> e = slots[i];
        if (e != null && e.a == a && e.b == b) {
            return e.value;
        }
        V value = derive.apply(a, b);
        slots[i] = new Entry<>(a, b, value);
        return value;
    }
}
