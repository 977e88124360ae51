package io.syncboot.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.Document;
import io.syncboot.client.SyncCollection;
import io.syncboot.client.SyncDatabase;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * The demo's data: the task list of the {@code tasks} session, which the page edits, and the
 * {@code bulk} session, into which the page seeds large batches of tasks. Every write is durable
 * locally at once and uploaded by the session when it is connected.
 */
@Service
public class TaskBoard {

	/** The collection that holds the tasks, in both sessions. */
	public static final String COLLECTION = "tasks";

	/** Tasks written per transaction when seeding, so that uploads report progress batch by batch. */
	static final int SEED_BATCH = 250;

	/** The most tasks one seed request may write. */
	static final int MAX_SEED = 100_000;

	private final SyncCollection tasks;

	private final SyncDatabase bulk;

	TaskBoard(@Qualifier("tasks") SyncDatabase tasks, @Qualifier("bulk") SyncDatabase bulk) {
		this.tasks = tasks.collection(COLLECTION);
		this.bulk = bulk;
	}

	/** A task as the page shows it. */
	public record Task(String id, String title, boolean done, long created) {

		static Task of(Document document) {
			Object title = document.get("title");
			Object done = document.get("done");
			Object created = document.get("created");
			return new Task(document.id(), (title != null) ? title.toString() : "",
					Boolean.TRUE.equals(done), (created instanceof Number number) ? number.longValue() : 0L);
		}

	}

	/** Every task of the {@code tasks} session, oldest first. */
	public List<Task> list() {
		List<Task> all = new ArrayList<>();
		for (Document document : this.tasks.all()) {
			all.add(Task.of(document));
		}
		all.sort(Comparator.comparingLong(Task::created).thenComparing(Task::id));
		return all;
	}

	/**
	 * Adds a task.
	 * @throws IllegalArgumentException if the title is blank
	 */
	public Task add(@Nullable String title) {
		String trimmed = requireTitle(title);
		String id = UUID.randomUUID().toString();
		long created = System.currentTimeMillis();
		this.tasks.put(id, Map.of("title", trimmed, "done", false, "created", created));
		return new Task(id, trimmed, false, created);
	}

	/**
	 * Changes the title and/or the done flag of a task.
	 * @throws NoSuchElementException if there is no task with that id
	 * @throws IllegalArgumentException if a title is given and blank
	 */
	public Task update(String id, @Nullable String title, @Nullable Boolean done) {
		if (this.tasks.get(id).isEmpty()) {
			throw new NoSuchElementException("No task with id '" + id + "'");
		}
		Map<String, Object> fields = new LinkedHashMap<>();
		if (title != null) {
			fields.put("title", requireTitle(title));
		}
		if (done != null) {
			fields.put("done", done);
		}
		if (!fields.isEmpty()) {
			this.tasks.update(id, fields);
		}
		return Task.of(this.tasks.get(id).orElseThrow());
	}

	/** Deletes a task; false if there was none with that id. */
	public boolean delete(String id) {
		if (this.tasks.get(id).isEmpty()) {
			return false;
		}
		this.tasks.delete(id);
		return true;
	}

	/**
	 * Writes {@code count} tasks into the {@code bulk} session, {@value #SEED_BATCH} per transaction.
	 * @throws IllegalArgumentException if count is not between 1 and {@value #MAX_SEED}
	 */
	public int seed(int count) {
		if (count < 1 || count > MAX_SEED) {
			throw new IllegalArgumentException("count must be between 1 and " + MAX_SEED + ", was " + count);
		}
		String prefix = UUID.randomUUID().toString().substring(0, 8);
		long created = System.currentTimeMillis();
		for (int start = 0; start < count; start += SEED_BATCH) {
			int from = start;
			int to = Math.min(count, start + SEED_BATCH);
			this.bulk.write(tx -> {
				SyncCollection collection = tx.collection(COLLECTION);
				for (int i = from; i < to; i++) {
					collection.put(prefix + "-" + i, Map.of("title", "Seeded task " + (i + 1) + " of " + count,
							"done", false, "created", created + i));
				}
			});
		}
		return count;
	}

	/** Tasks in the named session's database. */
	static long count(SyncSessions sessions, String name) {
		SyncDatabase database = sessions.database(name);
		return database.isClosed() ? 0 : database.collection(COLLECTION).count();
	}

	private static String requireTitle(@Nullable String title) {
		if (title == null || title.isBlank()) {
			throw new IllegalArgumentException("A task needs a non-blank title");
		}
		String trimmed = title.strip();
		if (trimmed.length() > 500) {
			throw new IllegalArgumentException("A task title has at most 500 characters, was " + trimmed.length());
		}
		return trimmed;
	}

}
