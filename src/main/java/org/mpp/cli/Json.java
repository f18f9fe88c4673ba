package org.mpp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;

/** The CLI's {@code --json} output: one indented JSON document on stdout. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
