package org.hvproof.propcheck;

/** Shortlex order on choice sequences: shorter first, then lexicographic. Shrinking only ever descends it. */
final class Shortlex {
    private Shortlex() {}

    static int compare(long[] a, long[] b) {
        if (a.length != b.length) {
            return Integer.compare(a.length, b.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Long.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    static int compare(long[] a, int aFrom, int aTo, long[] b, int bFrom, int bTo) {
        int la = aTo - aFrom;
        int lb = bTo - bFrom;
        if (la != lb) {
            return Integer.compare(la, lb);
        }
        for (int i = 0; i < la; i++) {
            if (a[aFrom + i] != b[bFrom + i]) {
                return Long.compare(a[aFrom + i], b[bFrom + i]);
            }
        }
        return 0;
    }

    static boolean less(long[] a, long[] b) {
        return compare(a, b) < 0;
    }
}
