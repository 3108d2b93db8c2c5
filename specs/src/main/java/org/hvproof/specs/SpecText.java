package org.hvproof.specs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a spec's text as UTF-8, and says where it is not: Java's own message for a bad byte is only
 * "Input length = 1", which names neither the file nor the place.
 */
public final class SpecText {
    private SpecText() {}

    /**
     * The text of {@code spec}.
     *
     * @throws SpecError {@code FILE:LINE:COL: not UTF-8 (byte offset N)} at the first invalid byte, or
     *     {@code FILE:1:1: cannot read spec: ...} when the file cannot be read
     */
    public static String read(Path spec) throws SpecError {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(spec);
        } catch (IOException | RuntimeException e) {
            throw new SpecError(spec.toString(), 1, 1, "cannot read spec: " + e);
        }
        return decode(spec, bytes);
    }

    /** {@code bytes} decoded as UTF-8; {@code spec} only names the file in the error (any text file: the catalogue too). */
    public static String decode(Path spec, byte[] bytes) throws SpecError {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        out.flip();
        if (result.isError()) {
            String before = out.toString();
            int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
            int column = before.length() - before.lastIndexOf('\n');
            throw new SpecError(spec.toString(), line, column, "not UTF-8 (byte offset " + in.position() + ")");
        }
        return out.toString();
    }
}
