package io.safelock.lock.quarkus.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyReader;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * Reads every request body that a route takes as a record, strictly and with answers a person can act on
 * (400, {@code {"error": "'quantity' must be an integer, got a string (\"5\")", …}}):
 * <ul>
 * <li>an empty body is {@code null}: the route decides whether that means "all defaults" or is an error;</li>
 * <li>anything else must be one JSON object: {@code null}, whitespace, arrays, strings are refused;</li>
 * <li>a field given as {@code null} is refused (leave it out to get its default), an unknown field too;</li>
 * <li>whole numbers must be JSON integers that fit the field ({@code "5"}, {@code 1.5}, {@code true} are
 *     not), decimals JSON numbers, text JSON strings without control characters; duplicate keys are refused.</li>
 * </ul>
 * Ranges and other rules of the domain are the route's to check.
 * <p>
 * A {@link ServerMessageBodyReader}, so that REST does not parse the route method's parameter annotations
 * for every request (it does for a plain {@link MessageBodyReader}); each record type's components and
 * constructor are looked up once.
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
@Priority(Priorities.USER - 100)
public class JsonObjectReader implements ServerMessageBodyReader<Record> {

    /** A record type's components, their names and its canonical constructor, found once per type. */
    private record Shape(RecordComponent[] components, Set<String> names, Constructor<?> constructor) {
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(
                        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
                constructor.setAccessible(true);
                return new Shape(components, Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet()),
                        constructor);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("Could not find the canonical constructor of " + type.getSimpleName(), e);
            }
        }
    };

    private final ObjectMapper mapper;

    JsonObjectReader(ObjectMapper mapper) {
        this.mapper = mapper.copy()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord();
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo lazyMethod, MediaType mediaType) {
        return type.isRecord();
    }

    @Override
    public Record readFrom(Class<Record> type, Type genericType, MediaType mediaType, ServerRequestContext context) throws IOException {
        return readBody(type, context.getInputStream());
    }

    @Override
    public Record readFrom(Class<Record> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        return readBody(type, entityStream);
    }

    private Record readBody(Class<Record> type, InputStream entityStream) throws IOException {
        byte[] raw = entityStream.readAllBytes();
        if (raw.length == 0) {
            return null;
        }
        return read(type, raw);
    }

    /** The body as the record {@code type}; {@link InvalidInputException} says what is wrong with it. */
    public <T extends Record> T read(Class<T> type, byte[] raw) {
        JsonNode tree;
        try {
            tree = mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(JsonBodies.describe(e));
        } catch (IOException e) {
            throw new InvalidInputException("The body could not be read");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new InvalidInputException("The body must be a JSON object"
                    + (tree == null || tree.isMissingNode() ? ", got only whitespace" : ", got " + JsonBodies.kindOf(tree)));
        }
        Shape shape = SHAPES.get(type);
        RecordComponent[] components = shape.components();
        refuseUnknownFields(object, shape);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = value(components[i], object.get(components[i].getName()));
        }
        try {
            return type.cast(shape.constructor().newInstance(values));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Could not create " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not create " + type.getSimpleName(), e);
        }
    }

    private static void refuseUnknownFields(ObjectNode object, Shape shape) {
        Set<String> known = shape.names();
        RecordComponent[] components = shape.components();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("Unknown field" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(JsonObjectReader::quoted).collect(Collectors.joining(", "))
                    + "; this body takes " + Arrays.stream(components).map(c -> quoted(c.getName())).collect(Collectors.joining(", ")));
        }
    }

    private Object value(RecordComponent component, JsonNode node) {
        String field = component.getName();
        Class<?> type = component.getType();
        if (node == null) {
            if (type.isPrimitive()) {
                throw new InvalidInputException(quoted(field) + " is required");
            }
            return null;
        }
        if (node.isNull()) {
            throw new InvalidInputException(quoted(field) + " must not be null; leave it out for its default");
        }
        if (type == Integer.class || type == int.class) {
            return wholeNumber(field, node, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
        }
        if (type == Long.class || type == long.class) {
            return wholeNumber(field, node, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (type == BigDecimal.class) {
            if (!node.isNumber()) {
                throw new InvalidInputException(quoted(field) + " must be a number, got " + JsonBodies.kindOf(node));
            }
            return node.decimalValue();
        }
        if (type == String.class) {
            if (!node.isTextual()) {
                throw new InvalidInputException(quoted(field) + " must be a string, got " + JsonBodies.kindOf(node));
            }
            String text = node.textValue();
            if (text.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidInputException(quoted(field) + " must not contain control characters");
            }
            return text;
        }
        if (type == Boolean.class || type == boolean.class) {
            if (!node.isBoolean()) {
                throw new InvalidInputException(quoted(field) + " must be true or false, got " + JsonBodies.kindOf(node));
            }
            return node.booleanValue();
        }
        try {
            return mapper.treeToValue(node, mapper.constructType(component.getGenericType()));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(quoted(field) + " has the wrong shape: got " + JsonBodies.kindOf(node));
        }
    }

    private static Long wholeNumber(String field, JsonNode node, long min, long max) {
        if (!node.isIntegralNumber()) {
            if (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0) {
                throw new InvalidInputException(quoted(field) + " must be written as a whole number without exponent or"
                        + " decimal point, got " + JsonBodies.kindOf(node));
            }
            throw new InvalidInputException(quoted(field) + " must be a whole number, got " + JsonBodies.kindOf(node));
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw new InvalidInputException(quoted(field) + " is out of range: " + JsonBodies.kindOf(node));
        }
        return node.longValue();
    }

    private static String quoted(String name) {
        return "'" + name + "'";
    }
}
