package org.mpp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import org.mpp.Names;

/**
 * The CLI's {@code --json} output: one indented JSON document on stdout. Every control character is written as a
 * {@code \}{@code uNNNN} escape, DEL, C1 controls and bidirectional overrides included (JSON itself requires it only below
 * U+0020), so that a file name cannot drive the terminal the document is printed on; parsed, the strings are unchanged.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        MAPPER.getFactory().setCharacterEscapes(new ControlEscapes());
    }

    /** JSON's own escapes, plus a {@code \}{@code u} escape for whatever {@link Names#printable} escapes. */
    private static final class ControlEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        ControlEscapes() {
            ascii[0x7f] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch <= 0xffff && Names.hasControl(String.valueOf((char) ch))
                    ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch)) : null;
        }
    }

    private Json() {
    }

    /** A JSON object that keeps its keys in insertion order; times become ISO-8601 strings (database clock, no zone). */
    static final class Obj extends LinkedHashMap<String, Object> {
        Obj with(String key, Object value) {
            put(key, value instanceof LocalDateTime t ? t.toString() : value);
            return this;
        }
    }

    static Obj obj() {
        return new Obj();
    }

    static void print(Object document) {
        try {
            System.out.println(MAPPER.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            // Only maps, lists, strings, numbers and booleans reach here.
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
