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
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.TypedCollection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * The demo's data: the task list of the {@code tasks} session, which the page edits, and the
 * {@code bulk} session, into which the page seeds large batches of tasks, both read and written as
 * {@link Task} records through typed collections. Every write is durable locally at once and
 * uploaded by the session when it is connected.
 */
@Service
public class TaskBoard {

	private static final Logger logger = LoggerFactory.getLogger(TaskBoard.class);

	/** The collection that holds the tasks, in both sessions. */
	public static final String COLLECTION = "tasks";

	/** Tasks written per transaction when seeding, so that uploads report progress batch by batch. */
	static final int SEED_BATCH = 250;

	/** The most tasks one seed request may write. */
	static final int MAX_SEED = 100_000;

	private final TypedCollection<Task> tasks;

	private final SyncDatabase bulk;

	TaskBoard(@Qualifier("tasks") SyncDatabase tasks, @Qualifier("bulk") SyncDatabase bulk) {
		this.tasks = tasks.collection(COLLECTION, Task.class);
		this.bulk = bulk;
	}

	/**
	 * A task as it is stored and as the page shows it: the id is the document id, the other
	 * components are the document's fields ({@code created} in epoch milliseconds).
	 */
	public record Task(String id, String title, boolean done, long created) {

		public Task {
			title = (title != null) ? title : ""; // a document written without one by another client
		}

	}

	/** Every task of the {@code tasks} session, oldest first. */
	public List<Task> list() {
		List<Task> all;
		try {
			all = new ArrayList<>(this.tasks.all());
		}
		catch (IllegalStateException ex) {
			// a document another client wrote that is no Task (say "done": "yes"): show the others
			all = new ArrayList<>();
			for (Document document : this.tasks.untyped().all()) {
				try {
					this.tasks.get(document.id()).ifPresent(all::add);
				}
				catch (IllegalStateException unreadable) {
					logger.warn("Task {} is left out: {}", document.id(), unreadable.getMessage());
				}
			}
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
		Task task = new Task(UUID.randomUUID().toString(), trimmed, false, System.currentTimeMillis());
		this.tasks.put(task);
		return task;
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
		return this.tasks.get(id).orElseThrow();
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
				TypedCollection<Task> collection = tx.collection(COLLECTION, Task.class);
				for (int i = from; i < to; i++) {
					collection.put(new Task(prefix + "-" + i, "Seeded task " + (i + 1) + " of " + count, false,
							created + i));
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
