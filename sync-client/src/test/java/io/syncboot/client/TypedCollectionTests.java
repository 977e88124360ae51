package io.syncboot.client;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link TypedCollection} offline, on a real local database: records and beans mapped both ways,
 * what the stored documents look like to untyped readers, the id, transactions and bad input.
 */
class TypedCollectionTests {

	private static final Instant DUE = Instant.parse("2026-03-01T09:30:00.123456789Z");

	@TempDir
	Path base;

	private SyncManager manager;

	private SyncDatabase db;

	@BeforeEach
	void open() {
		this.manager = SyncManager.create(OfflineClients.settings(this.base));
		SyncUser user = this.manager.logIn(SyncCredentials.anonymous());
		this.db = this.manager.open(SyncConfiguration.builder(user, "p").build());
	}

	@AfterEach
	void close() {
		this.manager.close();
	}

	enum Status {

		OPEN, DONE

	}

	record Address(String street, int number) {
	}

	record Task(String id, String title, boolean done, int priority, Status status, Instant due, LocalDate day,
			OffsetDateTime start, ZonedDateTime meeting, Duration estimate, BigDecimal price, UUID owner,
			List<String> tags, Address where) {

		static Task sample(String id, String title) {
			return new Task(id, title, false, 3, Status.OPEN, DUE, LocalDate.of(2026, 3, 1),
					OffsetDateTime.of(2026, 3, 1, 8, 0, 0, 0, ZoneOffset.ofHours(2)),
					ZonedDateTime.of(2026, 3, 1, 8, 0, 0, 0, ZoneId.of("Europe/Paris")), Duration.ofMinutes(90),
					new BigDecimal("12.50"), UUID.fromString("7c0c4f4e-8d4a-4f25-9d1a-2c4b8a0e9f11"),
					List.of("stock", "shelf"), new Address("Main St", 42));
		}

		Task withId(String newId) {
			return new Task(newId, this.title, this.done, this.priority, this.status, this.due, this.day, this.start,
					this.meeting, this.estimate, this.price, this.owner, this.tags, this.where);
		}

	}

	/** A plain bean with an id property. */
	static class Note {

		private String id;

		private String text;

		private long views;

		private List<Double> scores = new ArrayList<>();

		public Note() {
		}

		Note(String id, String text, long views, List<Double> scores) {
			this.id = id;
			this.text = text;
			this.views = views;
			this.scores = scores;
		}

		public String getId() {
			return this.id;
		}

		public void setId(String id) {
			this.id = id;
		}

		public String getText() {
			return this.text;
		}

		public void setText(String text) {
			this.text = text;
		}

		public long getViews() {
			return this.views;
		}

		public void setViews(long views) {
			this.views = views;
		}

		public List<Double> getScores() {
			return this.scores;
		}

		public void setScores(List<Double> scores) {
			this.scores = scores;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Note note && Objects.equals(this.id, note.id) && Objects.equals(this.text, note.text)
					&& this.views == note.views && Objects.equals(this.scores, note.scores);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.id, this.text);
		}

		@Override
		public String toString() {
			return "Note{" + this.id + ", " + this.text + ", " + this.views + ", " + this.scores + "}";
		}

	}

	/** A type without an id property, with a renamed one. */
	record Counter(@JsonProperty("shelf_count") long count, String label) {
	}

	/** A type whose getter fails. */
	static class Broken {

		public String getFine() {
			return "fine";
		}

		public String getExploding() {
			throw new IllegalStateException("boom");
		}

	}

	/** Numbers of several declared types, written by typed and untyped code. */
	record Priced(String id, int n, double price, Long stock, List<Long> sizes) {
	}

	/** Types whose id property is not a string. */
	record NumberId(long id, String title) {
	}

	record BoxedId(Integer id, String title) {
	}

	/** Types whose id property is one of the accepted kinds. */
	record AnyId(Object id, String title) {
	}

	/** An id wrapper Jackson writes as its string. */
	record Sku(@JsonValue String value) {

		@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
		Sku {
		}

	}

	record SkuId(Sku id, String title) {
	}

	record UuidId(UUID id, String title) {
	}

	record EnumId(Status id, String title) {
	}

	record TextId(CharSequence id, String title) {
	}

	interface Shape {
	}

	abstract static class AbstractShape {
	}

	@Test
	void aRecordRoundTripsWithItsIdAndJavaTimeValues() {
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);
		assertThat(tasks.name()).isEqualTo("tasks");
		assertThat(tasks.type()).isEqualTo(Task.class);

		tasks.put("t1", Task.sample(null, "Count stock"));

		assertThat(tasks.get("t1")).contains(Task.sample("t1", "Count stock"));
		assertThat(tasks.get("t2")).isEmpty();
		assertThat(tasks.count()).isEqualTo(1);
		assertThat(this.db.pendingChanges()).isEqualTo(1);
		assertThat(this.db.isDocumentPending("tasks", "t1")).isTrue();
	}

	@Test
	void theStoredDocumentIsPlainJsonForUntypedReaders() {
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);
		tasks.put("t1", Task.sample("t1", "Count stock"));

		Document stored = this.db.collection("tasks").get("t1").orElseThrow();
		assertThat(stored.fields()).doesNotContainKey("id");
		assertThat(stored.fields()).containsEntry("title", "Count stock")
			.containsEntry("done", false)
			.containsEntry("priority", 3L)
			.containsEntry("status", "OPEN")
			.containsEntry("due", "2026-03-01T09:30:00.123456789Z")
			.containsEntry("day", "2026-03-01")
			.containsEntry("start", "2026-03-01T08:00:00+02:00")
			.containsEntry("meeting", "2026-03-01T08:00:00+01:00[Europe/Paris]")
			.containsEntry("estimate", "PT1H30M")
			.containsEntry("price", "12.50")
			.containsEntry("owner", "7c0c4f4e-8d4a-4f25-9d1a-2c4b8a0e9f11")
			.containsEntry("tags", List.of("stock", "shelf"))
			.containsEntry("where", Map.of("street", "Main St", "number", 42L));
		assertThat(tasks.untyped().name()).isEqualTo("tasks");
		assertThat(tasks.untyped().get("t1")).contains(stored);
	}

	@Test
	void aBeanRoundTripsAndPutWithoutAnIdTakesItFromTheValue() {
		TypedCollection<Note> notes = this.db.collection("notes", Note.class);
		Note note = new Note("n1", "hello", 7, List.of(0.5, 2.0));

		notes.put(note);

		assertThat(notes.get("n1")).contains(note);
		assertThat(this.db.collection("notes").get("n1").map(Document::fields))
			.contains(Map.of("text", "hello", "views", 7L, "scores", List.of(0.5, 2.0)));
	}

	@Test
	void findAllAndCountSeeTypedAndUntypedDocumentsOrderedById() {
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);
		tasks.put("b", Task.sample("b", "second"));
		tasks.put("a", Task.sample(null, "first"));
		tasks.put("c", Task.sample("c", "third"));
		tasks.update("c", Map.of("status", Status.DONE, "due", DUE.plusSeconds(60)));
		this.db.collection("tasks").update("b", Map.of("done", true));

		assertThat(tasks.all()).extracting(Task::id).containsExactly("a", "b", "c");
		assertThat(tasks.count()).isEqualTo(3);
		assertThat(tasks.find("status", Status.DONE)).extracting(Task::id).containsExactly("c");
		assertThat(tasks.find("status", "OPEN")).extracting(Task::id).containsExactly("a", "b");
		assertThat(tasks.find("done", true)).extracting(Task::id).containsExactly("b");
		assertThat(tasks.find("due", DUE)).extracting(Task::id).containsExactly("a", "b");
		assertThat(tasks.find("where", new Address("Main St", 42))).hasSize(3);
		assertThat(tasks.find("title", null)).isEmpty();
		assertThat(tasks.get("c").map(Task::due)).contains(DUE.plusSeconds(60));

		tasks.unset("a", "title", "priority");
		assertThat(tasks.get("a").map(task -> task.title() + "/" + task.priority())).contains("null/0");
		tasks.delete("b");
		assertThat(tasks.get("b")).isEmpty();
		assertThat(tasks.all()).extracting(Task::id).containsExactly("a", "c");
	}

	@Test
	void theIdPropertyMustAgreeWithTheDocumentId() {
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("t2", Task.sample("t1", "x")))
			.withMessageContaining("'t1'")
			.withMessageContaining("'t2'");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put(Task.sample(null, "x")))
			.withMessageContaining("id property")
			.withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put(Task.sample("", "x")))
			.withMessageContaining("document id");
		tasks.put(Task.sample("t1", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.update("t1", Map.of("id", "t9")))
			.withMessageContaining("'id'");
		assertThat(tasks.count()).isEqualTo(1);
		assertThat(this.db.pendingChanges()).isEqualTo(1);

		// a field named id written by untyped code does not override the document id
		this.db.collection("tasks").update("t1", Map.of("id", "other"));
		assertThat(tasks.get("t1").map(Task::id)).contains("t1");
	}

	@Test
	void updateAndFindMapValuesThroughTheDeclaredPropertyType() {
		TypedCollection<Priced> prices = this.db.collection("prices", Priced.class);
		SyncCollection raw = this.db.collection("prices");
		prices.put("a", new Priced(null, 1, 3.5, 10L, List.of(1L)));
		prices.put("b", new Priced(null, 2, 3.0, 20L, List.of(2L)));

		prices.update("a", Map.of("price", 4, "stock", 11, "sizes", List.of(1, 2.0)));
		assertThat(raw.get("a").orElseThrow().fields()).containsEntry("price", 4.0)
			.containsEntry("stock", 11L)
			.containsEntry("sizes", List.of(1L, 2L));
		assertThat(prices.get("a").map(Priced::price)).contains(4.0);
		assertThat(prices.find("price", 4.0)).extracting(Priced::id).containsExactly("a");
		assertThat(prices.find("price", 4)).extracting(Priced::id).containsExactly("a");
		assertThat(prices.find("price", 3)).extracting(Priced::id).containsExactly("b");
		assertThat(prices.find("price", 3.0f)).extracting(Priced::id).containsExactly("b");
		assertThat(prices.find("n", 2.0)).extracting(Priced::id).containsExactly("b");
		assertThat(prices.find("stock", 20)).extracting(Priced::id).containsExactly("b");
		assertThat(prices.find("sizes", List.of(1.0, 2))).extracting(Priced::id).containsExactly("a");

		assertThatIllegalArgumentException().isThrownBy(() -> prices.update("a", Map.of("n", 2.7)))
			.withMessageContaining("field 'n'")
			.withMessageContaining("int");
		assertThatIllegalArgumentException().isThrownBy(() -> prices.find("n", 2.7))
			.withMessageContaining("field 'n'")
			.withMessageContaining("int");
		assertThatIllegalArgumentException().isThrownBy(() -> prices.update("a", Map.of("price", "cheap")))
			.withMessageContaining("field 'price'");
		assertThat(raw.get("a").orElseThrow().fields()).containsEntry("n", 1L);

		// a field the type does not have is mapped as a plain value
		prices.update("a", Map.of("note", 5, "ratio", 0.5));
		assertThat(raw.get("a").orElseThrow().fields()).containsEntry("note", 5L).containsEntry("ratio", 0.5);
		assertThat(prices.find("note", 5)).extracting(Priced::id).containsExactly("a");
		assertThat(prices.find("note", 5.0)).as("a whole number matches in either form").extracting(Priced::id)
			.containsExactly("a");
		assertThat(prices.find("price", null)).isEmpty();
	}

	@Test
	void aFractionalNumberIsNotReadIntoAnIntegralProperty() {
		TypedCollection<Priced> prices = this.db.collection("prices", Priced.class);
		SyncCollection raw = this.db.collection("prices");
		raw.put("whole", Map.of("n", 3.0, "price", 3, "stock", 4.0, "sizes", List.of(1.0, 2L)));
		assertThat(prices.get("whole")).contains(new Priced("whole", 3, 3.0, 4L, List.of(1L, 2L)));

		raw.put("x", Map.of("n", 2.7));
		assertThatIllegalStateException().isThrownBy(() -> prices.get("x"))
			.withMessageContaining("prices/x")
			.withMessageContaining(Priced.class.getName())
			.withMessageContaining("'n'");
		raw.put("x", Map.of("stock", 1e30));
		assertThatIllegalStateException().isThrownBy(() -> prices.get("x")).withMessageContaining("'stock'");
		raw.put("x", Map.of("sizes", List.of(1L, 0.5)));
		assertThatIllegalStateException().isThrownBy(prices::all).withMessageContaining("prices/x");
	}

	@Test
	void anIdPropertyThatDoesNotMapToAStringIsRejectedAtOnce() {
		for (Class<?> bad : List.of(NumberId.class, BoxedId.class)) {
			assertThatIllegalArgumentException().as(bad.getName())
				.isThrownBy(() -> this.db.collection("things", bad))
				.withMessageContaining(bad.getName())
				.withMessageContaining("id property");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.db.collection("things", NumberId.class))
			.withMessageContaining("long");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.db.write(tx -> tx.collection("things", BoxedId.class)))
			.withMessageContaining("java.lang.Integer");

		UUID uuid = UUID.fromString("7c0c4f4e-8d4a-4f25-9d1a-2c4b8a0e9f11");
		TypedCollection<UuidId> byUuid = this.db.collection("uuids", UuidId.class);
		byUuid.put(new UuidId(uuid, "u"));
		assertThat(byUuid.get(uuid.toString())).contains(new UuidId(uuid, "u"));
		TypedCollection<EnumId> byEnum = this.db.collection("enums", EnumId.class);
		byEnum.put(new EnumId(Status.DONE, "e"));
		assertThat(byEnum.get("DONE")).contains(new EnumId(Status.DONE, "e"));
		TypedCollection<TextId> byText = this.db.collection("texts", TextId.class);
		byText.put(new TextId(new StringBuilder("t1"), "t"));
		assertThat(byText.get("t1").map(text -> text.id().toString())).contains("t1");
		TypedCollection<SkuId> bySku = this.db.collection("skus", SkuId.class);
		bySku.put(new SkuId(new Sku("s1"), "wrapped"));
		assertThat(bySku.get("s1")).contains(new SkuId(new Sku("s1"), "wrapped"));
		TypedCollection<AnyId> byAny = this.db.collection("any", AnyId.class);
		byAny.put("a1", new AnyId(null, "declared Object"));
		assertThat(byAny.get("a1")).contains(new AnyId("a1", "declared Object"));
		assertThatIllegalArgumentException().isThrownBy(() -> byAny.put(new AnyId(7, "a number")))
			.withMessageContaining("id");
	}

	@Test
	void findMatchesAWholeNumberInTheFormAnotherWriterStoredIt() {
		TypedCollection<Priced> prices = this.db.collection("prices", Priced.class);
		SyncCollection raw = this.db.collection("prices");
		raw.put("untyped", Map.of("price", 4, "n", 3.0));
		prices.put("typed", new Priced(null, 3, 4.0, null, List.of()));

		assertThat(prices.find("price", 4.0)).extracting(Priced::id).containsExactly("typed", "untyped");
		assertThat(prices.find("price", 4)).extracting(Priced::id).containsExactly("typed", "untyped");
		assertThat(prices.find("n", 3)).extracting(Priced::id).containsExactly("typed", "untyped");
		assertThat(prices.find("price", 4.5)).isEmpty();
	}

	@Test
	void aTypeWithoutAnIdPropertyIsWrittenUnderTheGivenIdOnly() {
		TypedCollection<Counter> counters = this.db.collection("counters", Counter.class);
		counters.put("shelf-1", new Counter(12, "front"));

		assertThat(counters.get("shelf-1")).contains(new Counter(12, "front"));
		assertThat(this.db.collection("counters").get("shelf-1").map(Document::fields))
			.contains(Map.of("shelf_count", 12L, "label", "front"));
		assertThat(counters.find("shelf_count", 12)).containsExactly(new Counter(12, "front"));
		counters.update("shelf-1", Map.of("id", "a plain field here"));
		assertThat(counters.get("shelf-1")).contains(new Counter(12, "front"));
		assertThatIllegalArgumentException().isThrownBy(() -> counters.put(new Counter(1, "x")))
			.withMessageContaining(Counter.class.getName())
			.withMessageContaining("no id property");
	}

	@Test
	void readsIgnoreUnknownFieldsAndDefaultMissingOnesAndPutReplacesAll() {
		SyncCollection raw = this.db.collection("tasks");
		raw.put("t1", Map.of("title", "from elsewhere", "color", "red"));
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);

		Task read = tasks.get("t1").orElseThrow();
		assertThat(read.id()).isEqualTo("t1");
		assertThat(read.title()).isEqualTo("from elsewhere");
		assertThat(read.done()).isFalse();
		assertThat(read.priority()).isZero();
		assertThat(read.due()).isNull();
		assertThat(read.tags()).isNull();

		tasks.put("t1", read);
		assertThat(raw.get("t1").orElseThrow().fields()).doesNotContainKey("color").containsEntry("title", "from elsewhere");
	}

	@Test
	void typedAndUntypedWritesOfOneBlockCommitAsOneChangeset() {
		this.db.write(tx -> {
			tx.collection("tasks", Task.class).put("t1", Task.sample("t1", "Count stock"));
			tx.collection("tasks", Task.class).update("t1", Map.of("done", true));
			tx.collection("log").put("l1", Map.of("msg", "created t1"));
		});
		assertThat(this.db.pendingChanges()).isEqualTo(1);
		assertThat(this.db.collection("tasks", Task.class).get("t1").map(Task::done)).contains(true);
		assertThat(this.db.collection("log").count()).isEqualTo(1);

		List<TypedCollection<Task>> escaped = new ArrayList<>();
		assertThatIllegalStateException().isThrownBy(() -> this.db.write(tx -> {
			TypedCollection<Task> tasks = tx.collection("tasks", Task.class);
			escaped.add(tasks);
			tasks.put("t2", Task.sample("t2", "Order"));
			tx.collection("log").put("l2", Map.of("msg", "created t2"));
			throw new IllegalStateException("abort");
		})).withMessage("abort");
		assertThat(this.db.pendingChanges()).isEqualTo(1);
		assertThat(this.db.collection("tasks", Task.class).get("t2")).isEmpty();
		assertThat(this.db.collection("log").get("l2")).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> escaped.get(0).put("t3", Task.sample("t3", "late")))
			.withMessageContaining("ended");
		assertThatIllegalArgumentException().isThrownBy(() -> this.db.write(tx -> tx.collection("tasks", null)))
			.withMessageContaining("type");
	}

	@Test
	void typesThatCannotBeDocumentsAreRejectedAtOnce() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.db.collection("tasks", null))
			.withMessage("type must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.db.collection("1bad", Task.class))
			.withMessageContaining("collection");
		for (Class<?> bad : List.of(String.class, Map.class, List.class, Integer.class, Instant.class, Object.class,
				int.class, String[].class, Status.class, Shape.class, AbstractShape.class)) {
			assertThatIllegalArgumentException().as(bad.getName())
				.isThrownBy(() -> this.db.collection("tasks", bad))
				.withMessageContaining(bad.getName())
				.withMessageContaining("cannot map to a document");
		}
	}

	@Test
	void valuesThatCannotBeMappedFailNamingTheTypeAndTheField() {
		TypedCollection<Broken> broken = this.db.collection("broken", Broken.class);
		assertThatIllegalArgumentException().isThrownBy(() -> broken.put("b1", new Broken()))
			.withMessageContaining(Broken.class.getName())
			.withMessageContaining("exploding");
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.update("t1", Map.of("due", new Object())))
			.withMessageContaining("field 'due'")
			.withMessageContaining("java.lang.Object");
		assertThat(this.db.pendingChanges()).isZero();

		this.db.collection("tasks").put("t1", Map.of("due", "next tuesday"));
		assertThatIllegalStateException().isThrownBy(() -> tasks.get("t1"))
			.withMessageContaining("tasks/t1")
			.withMessageContaining(Task.class.getName())
			.withMessageContaining("'due'");
		assertThatIllegalStateException().isThrownBy(tasks::all).withMessageContaining("tasks/t1");
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void everyMethodRejectsBadArgumentsAndAClosedDatabase() {
		TypedCollection<Task> tasks = this.db.collection("tasks", Task.class);
		Task task = Task.sample(null, "x");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put(null, task)).withMessageContaining("id");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put("t1", null)).withMessage("value must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.put(null)).withMessage("value must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> ((TypedCollection) tasks).put("t1", "a string"))
			.withMessageContaining("java.lang.String")
			.withMessageContaining(Task.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.get(null)).withMessageContaining("id");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.find(null, 1)).withMessageContaining("field");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.update("t1", null)).withMessageContaining("fields");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.update("t1", Map.of())).withMessageContaining("field");
		Map<String, Object> nullKey = new LinkedHashMap<>();
		nullKey.put(null, 1);
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.update("t1", nullKey)).withMessageContaining("key");
		assertThatIllegalStateException().isThrownBy(() -> tasks.update("missing", Map.of("done", true)))
			.withMessageContaining("does not exist locally");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.unset("t1")).withMessageContaining("field");
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.delete(null)).withMessageContaining("id");
		assertThat(this.db.pendingChanges()).isZero();

		this.db.close();
		assertThatIllegalStateException().isThrownBy(() -> tasks.get("t1")).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> tasks.put("t1", task)).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> this.db.collection("tasks", Task.class))
			.withMessageContaining("closed");
	}

}
