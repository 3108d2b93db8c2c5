package org.hvproof.propcheck;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * One-line, URL-safe encoding of a choice sequence: {@code pc1.<property-id>.<base64url varints>}.
 * The property id (a hash of the name) keeps a token given as a system property from being applied to
 * other properties of the same run.
 */
final class ReplayToken {

    static final String PREFIX = "pc1.";

    private ReplayToken() {}

    /** A decoded token. */
    record Decoded(String propertyId, long[] choices) {}

    static String encode(String propertyName, long[] choices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(choices.length + 8);
        for (long c : choices) {
            long v = c;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
        return PREFIX + propertyId(propertyName) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    static Decoded decode(String token) {
        String t = token.trim();
        if (!t.startsWith(PREFIX)) {
            throw new IllegalArgumentException(
                    "not a propcheck replay token (expected it to start with \"" + PREFIX + "\"): " + token);
        }
        int dot = t.indexOf('.', PREFIX.length());
        if (dot < 0) {
            throw new IllegalArgumentException("malformed replay token (missing property id): " + token);
        }
        String id = t.substring(PREFIX.length(), dot);
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(t.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed replay token (bad base64): " + token, e);
        }
        long[] out = new long[bytes.length];
        int n = 0;
        long v = 0;
        int shift = 0;
        for (byte b : bytes) {
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                out[n++] = v;
                v = 0;
                shift = 0;
            } else {
                shift += 7;
                if (shift > 63) {
                    throw new IllegalArgumentException("malformed replay token (varint too long): " + token);
                }
            }
        }
        if (shift != 0) {
            throw new IllegalArgumentException("malformed replay token (truncated): " + token);
        }
        return new Decoded(id, Arrays.copyOf(out, n));
    }

    static String propertyId(String name) {
        int h = 0x811C9DC5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x01000193;
        }
        return String.format("%08x", h);
    }
}
