package io.safelock.lock.quarkus.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.stream.Collectors;

/** Words for what is wrong with a JSON body, without the parser's class names. */
public final class JsonBodies {

    private JsonBodies() {
    }

    /** "Malformed JSON body: …" for syntax errors; for anything else the field it is about, never a type name. */
    public static String describe(JsonProcessingException e) {
        if (e instanceof JsonParseException || e.getClass().getName().startsWith("com.fasterxml.jackson.core")) {
            return "Malformed JSON body: " + withoutParserDetails(e.getOriginalMessage());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "'" + field + "' has the wrong type or value";
        }
        return "The body does not have the expected JSON shape";
    }

    /**
     * The parser's sentence without what names its own settings or our source: the part from
     * "(start marker at [Source: …" on, and backquoted names of parser features.
     */
    static String withoutParserDetails(String message) {
        if (message == null) {
            return "";
        }
        String text = message.lines().findFirst().orElse("");
        for (String cut : new String[] {" (start marker at", " at [Source", "[Source"}) {
            int at = text.indexOf(cut);
            if (at >= 0) {
                text = text.substring(0, at);
            }
        }
        return text.replace("`", "'").replace("\u0000", "\\u0000").strip();
    }

    /** "a string ("5")", "an array ([1])": a JSON value's kind and (abbreviated) text, for messages. */
    public static String kindOf(JsonNode node) {
        String kind = switch (node.getNodeType()) {
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
        if (node.isNull()) {
            return kind;
        }
        String text = node.toString().replace("\u0000", "\\u0000");
        return kind + " (" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + ")";
    }
}
