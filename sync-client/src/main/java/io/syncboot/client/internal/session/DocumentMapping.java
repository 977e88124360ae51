package io.syncboot.client.internal.session;

import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.syncboot.core.model.JsonValues;
import io.syncboot.core.model.Names;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsonFormatVisitors.JsonAnyFormatVisitor;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitable;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsonFormatVisitors.JsonObjectFormatVisitor;
import tools.jackson.databind.jsonFormatVisitors.JsonStringFormatVisitor;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.ToStringSerializer;

/**
 * How the objects of one type map to document fields and back, with the one {@link JsonMapper}
 * every typed collection shares. A value is written to JSON and read back as plain values, then
 * normalized as untyped writes are ({@link JsonValues}); a document is read by converting its
 * fields (plus its id, if the type has an {@code id} property) to the type. {@code java.time}
 * values and dates are ISO-8601 strings (offsets and zone ids kept), {@code BigDecimal} and
 * {@code BigInteger} decimal strings; unknown fields are ignored and missing primitives read as
 * their default. An integral property reads a floating-point number only if it is whole and in
 * range (another replica may store {@code 3.0}); a fractional one fails rather than being
 * truncated. Mappings are computed once per class. Thread-safe.
 *
 * @param <T> the mapped type
 */
final class DocumentMapping<T> {

	/** The property that holds the document id. */
	static final String ID = "id";

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
		.disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
		.enable(DateTimeFeature.WRITE_DATES_WITH_ZONE_ID)
		.addModule(new SimpleModule("syncboot-exact-numbers").addSerializer(BigDecimal.class, ToStringSerializer.instance)
			.addSerializer(BigInteger.class, ToStringSerializer.instance)
			.setDeserializerModifier(new WholeNumbers()))
		.build();

	private static final ClassValue<DocumentMapping<?>> MAPPINGS = new ClassValue<>() {
		@Override
		protected DocumentMapping<?> computeValue(Class<?> type) {
			return new DocumentMapping<>(type);
		}
	};

	private final Class<T> type;

	private final boolean hasId;

	/** The declared type of each property, by JSON property name. */
	private final Map<String, JavaType> properties;

	private DocumentMapping(Class<T> type) {
		String unsuitable = unsuitable(type);
		Map<String, JavaType> properties = (unsuitable != null) ? Map.of() : objectProperties(type);
		if (unsuitable == null && properties == null) {
			unsuitable = "Jackson does not write it as a JSON object";
		}
		if (unsuitable != null) {
			throw new IllegalArgumentException("type " + type.getName() + " cannot map to a document: " + unsuitable
					+ "; use a record or a bean class whose properties are the document's fields");
		}
		JavaType idType = properties.get(ID);
		if (idType != null && !writtenAsText(idType)) {
			throw new IllegalArgumentException("type " + type.getName() + " cannot map to a document: its id property is a "
					+ idType.toCanonical() + ", which Jackson does not write as a string, but it holds the document id, "
					+ "a string; declare it as a String, UUID, enum or another type written as a JSON string");
		}
		this.type = type;
		this.hasId = idType != null;
		this.properties = Map.copyOf(properties);
	}

	/**
	 * The mapping of a type.
	 * @throws IllegalArgumentException if {@code type} is null or cannot map to a document
	 */
	@SuppressWarnings("unchecked")
	static <T> DocumentMapping<T> of(@Nullable Class<T> type) {
		Checks.notNull(type, "type");
		return (DocumentMapping<T>) MAPPINGS.get(type);
	}

	Class<T> type() {
		return this.type;
	}

	/** Whether the type has an {@code id} property, which holds the document id. */
	boolean hasId() {
		return this.hasId;
	}

	/** A value as a document: its id and its fields (without the id), normalized. */
	record Mapped(String id, Map<String, Object> fields) {
	}

	/**
	 * A value as a document.
	 * @param id the id to write it under; {@code null} to take it from the value's id property
	 * @throws IllegalArgumentException if the value cannot be mapped, its id property is another id,
	 * or {@code id} is null and the value has no id
	 */
	Mapped toDocument(@Nullable String id, @Nullable Object value) {
		Map<String, Object> fields = toObject(value);
		Object own = this.hasId ? fields.remove(ID) : null;
		if (own != null && !(own instanceof String)) {
			throw new IllegalArgumentException("the id property of type " + this.type.getName()
					+ " must map to a JSON string, was " + describe(own));
		}
		String documentId = id;
		if (documentId == null) {
			if (!this.hasId) {
				throw new IllegalArgumentException("type " + this.type.getName()
						+ " has no id property; give the id with put(id, value)");
			}
			if (own == null) {
				throw new IllegalArgumentException("the id property of the " + this.type.getName()
						+ " value is null; set it or give the id with put(id, value)");
			}
			documentId = (String) own;
		}
		else if (own != null && !own.equals(id)) {
			throw new IllegalArgumentException("the value's id property is " + describe(own) + " but it is written under id '"
					+ id + "'; leave it null or set it to the same id");
		}
		return new Mapped(Names.id(documentId), normalize(fields));
	}

	/**
	 * Fields for an update: names checked, values mapped as {@link #fieldValue} maps them.
	 * @throws IllegalArgumentException if {@code fields} is null, a name is malformed, a value cannot
	 * be mapped, or a name is the id property
	 */
	Map<String, Object> updateFields(@Nullable Map<String, ?> fields) {
		Checks.notNull(fields, "fields");
		Map<String, Object> out = new LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : ((Map<?, ?>) fields).entrySet()) {
			if (!(entry.getKey() instanceof String name)) {
				throw new IllegalArgumentException("field map has a non-string key: " + entry.getKey());
			}
			Names.field(name);
			if (this.hasId && name.equals(ID)) {
				throw new IllegalArgumentException("field 'id' is the document id of type " + this.type.getName()
						+ " and cannot be updated; put the document under another id instead");
			}
			out.put(name, fieldValue(name, entry.getValue()));
		}
		return out;
	}

	/**
	 * A value for a field, stored as {@code put} stores that property: converted to the declared
	 * type of the property of that name (so {@code 4} for a {@code double} is {@code 4.0}, an
	 * ISO-8601 string for an {@code Instant} is checked), then mapped as a property value is. A
	 * field the type has no property for, or the {@code id} property, is mapped as a plain value.
	 * @throws IllegalArgumentException if the value cannot be converted to the property's type or
	 * cannot be mapped
	 */
	@Nullable Object fieldValue(String field, @Nullable Object value) {
		String what = "field '" + field + "'";
		JavaType declared = field.equals(ID) ? null : this.properties.get(field);
		if (value == null || declared == null) {
			return jsonValue(value, what);
		}
		Object converted;
		try {
			converted = MAPPER.convertValue(value, declared);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("cannot map the " + what + " of type " + this.type.getName() + " from a "
					+ value.getClass().getName() + " to its declared type " + declared.toCanonical() + ": "
					+ ex.getOriginalMessage(), ex);
		}
		return jsonValue(converted, what);
	}

	/**
	 * A value mapped as a property value is, then normalized.
	 * @throws IllegalArgumentException if it cannot be mapped
	 */
	private static @Nullable Object jsonValue(@Nullable Object value, String what) {
		if (value == null) {
			return null;
		}
		Object plain;
		try {
			plain = MAPPER.readValue(MAPPER.writeValueAsBytes(value), Object.class);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("cannot map the " + what + " of type " + value.getClass().getName()
					+ " to a JSON value" + at(ex) + ": " + ex.getOriginalMessage(), ex);
		}
		try {
			return JsonValues.normalize(plain);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("cannot map the " + what + " of type " + value.getClass().getName()
					+ ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * A document as a {@code T}.
	 * @throws IllegalStateException if its fields cannot be read as a {@code T}
	 */
	T fromFields(String collection, String id, Map<String, Object> fields) {
		Map<String, Object> input = fields;
		if (this.hasId) {
			input = new LinkedHashMap<>(fields);
			input.put(ID, id);
		}
		try {
			T value = MAPPER.convertValue(input, this.type);
			if (value == null) {
				throw new IllegalStateException("document " + collection + "/" + id + " was read as null by "
						+ this.type.getName());
			}
			return value;
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("document " + collection + "/" + id + " cannot be read as "
					+ this.type.getName() + at(ex) + ": " + ex.getOriginalMessage(), ex);
		}
	}

	/** The JSON object of a value, as a mutable map of plain values (not normalized yet). */
	@SuppressWarnings("unchecked")
	private Map<String, Object> toObject(@Nullable Object value) {
		Checks.notNull(value, "value");
		if (!this.type.isInstance(value)) {
			throw new IllegalArgumentException("value is a " + value.getClass().getName() + ", not a " + this.type.getName());
		}
		Object plain;
		try {
			plain = MAPPER.readValue(MAPPER.writeValueAsBytes(value), Object.class);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("cannot map a " + this.type.getName() + " to document fields" + at(ex)
					+ ": " + ex.getOriginalMessage(), ex);
		}
		if (!(plain instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException("a " + this.type.getName() + " value maps to "
					+ ((plain == null) ? "null" : "a JSON " + plain.getClass().getSimpleName()) + ", not a JSON object");
		}
		return (Map<String, Object>) map;
	}

	private Map<String, Object> normalize(Map<String, Object> fields) {
		try {
			return JsonValues.normalizeFields(fields);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("cannot map a " + this.type.getName() + " to document fields: "
					+ ex.getMessage(), ex);
		}
	}

	/** Where in the value an exception happened: {@code " at 'a.b[2]'"}, or nothing. */
	private static String at(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "" : " at field '" + path + "'";
	}

	private static String describe(Object value) {
		return (value instanceof String text) ? "'" + text + "'" : value + " (" + value.getClass().getSimpleName() + ")";
	}

	/** Whether an id property of this declared type maps to a JSON string and reads back from one. */
	/**
	 * Whether Jackson writes values of the type as JSON strings (String, UUID, enums, a wrapper with a
	 * {@code @JsonValue} string, ...) or may (a declared {@code Object}: checked when written).
	 */
	private static boolean writtenAsText(JavaType type) {
		Class<?> raw = type.getRawClass();
		if (raw == String.class || raw == CharSequence.class || raw == UUID.class || raw.isEnum()
				|| raw == Object.class) {
			return true;
		}
		boolean[] text = new boolean[1];
		try {
			MAPPER.acceptJsonFormatVisitor(type, new JsonFormatVisitorWrapper.Base() {
				@Override
				public JsonStringFormatVisitor expectStringFormat(JavaType visited) {
					text[0] = true;
					return null;
				}

				@Override
				public JsonAnyFormatVisitor expectAnyFormat(JavaType visited) {
					text[0] = true;
					return null;
				}
			});
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return true; // cannot tell here: each write checks the id's JSON form
		}
		return text[0];
	}

	/** Why a class cannot be a document type, or {@code null}. */
	private static @Nullable String unsuitable(Class<?> type) {
		if (type.isPrimitive() || type.isArray()) {
			return "it is a primitive or array type";
		}
		if (type.isEnum()) {
			return "it is an enum";
		}
		if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
			return "it is an interface or abstract class, which Jackson cannot create";
		}
		if (type.isAnonymousClass() || type.isLocalClass()
				|| (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()))) {
			return "it is an anonymous, local or non-static inner class, which Jackson cannot create";
		}
		String name = type.getName();
		if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")) {
			return "it is a JDK type";
		}
		return null;
	}

	/**
	 * The JSON property names Jackson writes for a type, with their declared types, or {@code null}
	 * if it is not written as an object.
	 */
	private static @Nullable Map<String, JavaType> objectProperties(Class<?> type) {
		Map<String, JavaType> names = new TreeMap<>();
		boolean[] object = new boolean[1];
		try {
			MAPPER.acceptJsonFormatVisitor(type, new JsonFormatVisitorWrapper.Base() {
				@Override
				public JsonObjectFormatVisitor expectObjectFormat(JavaType javaType) {
					object[0] = true;
					return new JsonObjectFormatVisitor.Base(getContext()) {
						@Override
						public void property(BeanProperty property) {
							names.put(property.getName(), property.getType());
						}

						@Override
						public void property(String name, JsonFormatVisitable handler, JavaType propertyType) {
							names.put(name, propertyType);
						}

						@Override
						public void optionalProperty(BeanProperty property) {
							property(property);
						}

						@Override
						public void optionalProperty(String name, JsonFormatVisitable handler, JavaType propertyType) {
							property(name, handler, propertyType);
						}
					};
				}
			});
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("type " + type.getName() + " cannot map to a document: "
					+ ex.getOriginalMessage(), ex);
		}
		return object[0] ? names : null;
	}

	/**
	 * Lets integral types ({@code int}, {@code long}, ... and {@code BigInteger}) read a whole
	 * floating-point number in their range; any other floating-point number goes to Jackson's own
	 * deserializer, which rejects it since {@code ACCEPT_FLOAT_AS_INT} is off.
	 */
	private static final class WholeNumbers extends ValueDeserializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
				ValueDeserializer<?> deserializer) {
			Class<?> type = description.getBeanClass();
			boolean integral = type == int.class || type == Integer.class || type == long.class || type == Long.class
					|| type == short.class || type == Short.class || type == byte.class || type == Byte.class
					|| type == BigInteger.class;
			return integral ? new WholeNumberDeserializer(deserializer) : deserializer;
		}

	}

	private static final class WholeNumberDeserializer extends DelegatingDeserializer {

		WholeNumberDeserializer(ValueDeserializer<?> delegate) {
			super(delegate);
		}

		@Override
		protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
			return new WholeNumberDeserializer(delegate);
		}

		@Override
		public Object deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
				Object whole = whole(parser.getDoubleValue(), handledType());
				if (whole != null) {
					return whole;
				}
			}
			return super.deserialize(parser, context);
		}

		private static @Nullable Object whole(double value, Class<?> type) {
			if (value != Math.rint(value) || Math.abs(value) >= 0x1p63) {
				return null;
			}
			long number = (long) value;
			if (type == int.class || type == Integer.class) {
				return (number == (int) number) ? (Object) (int) number : null;
			}
			if (type == short.class || type == Short.class) {
				return (number == (short) number) ? (Object) (short) number : null;
			}
			if (type == byte.class || type == Byte.class) {
				return (number == (byte) number) ? (Object) (byte) number : null;
			}
			if (type == BigInteger.class) {
				return BigInteger.valueOf(number);
			}
			return number;
		}

	}

}
