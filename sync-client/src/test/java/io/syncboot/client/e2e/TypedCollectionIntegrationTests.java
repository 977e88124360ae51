package io.syncboot.client.e2e;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.TypedCollection;
import io.syncboot.server.SyncServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link TypedCollection} end to end: typed writes on one client reach another through a real
 * server, and read back as the same objects there.
 */
class TypedCollectionIntegrationTests extends SyncFixture {

	enum Status {

		OPEN, DONE

	}

	record Task(String id, String title, Status status, Instant due, List<String> tags) {
	}

	record Item(String id, int count, double price) {
	}

	@Test
	void typedChangesSyncToAnotherClientAndReadBackAsTheSameObjects() {
		SyncServer server = server();
		Client a = client(server, this.dirA);
		Client b = client(server, this.dirB);
		Task count = new Task("t1", "Count stock", Status.OPEN, Instant.parse("2026-03-01T09:30:00Z"), List.of("shelf"));
		Task order = new Task("t2", "Order", Status.OPEN, null, List.of());

		a.db().write(tx -> {
			tx.collection("tasks", Task.class).put(count);
			tx.collection("tasks", Task.class).put(order);
			tx.collection("log").put("l1", Map.of("msg", "two tasks"));
		});
		assertThat(a.session().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(b.session().downloadAllServerChanges(LONG)).isTrue();

		TypedCollection<Task> tasksOnB = b.db().collection("tasks", Task.class);
		assertThat(tasksOnB.all()).containsExactly(count, order);
		assertThat(b.db().collection("log").get("l1")).isPresent();

		tasksOnB.update("t1", Map.of("status", Status.DONE));
		b.db().collection("tasks", Task.class).delete("t2");
		assertThat(b.session().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(a.session().downloadAllServerChanges(LONG)).isTrue();

		TypedCollection<Task> tasksOnA = a.db().collection("tasks", Task.class);
		assertThat(tasksOnA.all()).containsExactly(
				new Task("t1", "Count stock", Status.DONE, Instant.parse("2026-03-01T09:30:00Z"), List.of("shelf")));
		assertThat(tasksOnA.find("status", Status.DONE)).extracting(Task::id).containsExactly("t1");
	}

	@Test
	void typedNumbersKeepTheirDeclaredTypeAcrossClients() {
		SyncServer server = server();
		Client a = client(server, this.dirA);
		Client b = client(server, this.dirB);

		TypedCollection<Item> itemsOnA = a.db().collection("items", Item.class);
		itemsOnA.put(new Item("a", 1, 3.0));
		itemsOnA.update("a", Map.of("price", 4));
		a.db().collection("items").put("b", Map.of("count", 2.7, "price", 5.5));
		assertThat(a.session().uploadAllLocalChanges(LONG)).isTrue();
		assertThat(b.session().downloadAllServerChanges(LONG)).isTrue();

		assertThat(b.db().collection("items").get("a").orElseThrow().fields()).containsEntry("price", 4.0);
		TypedCollection<Item> itemsOnB = b.db().collection("items", Item.class);
		assertThat(itemsOnB.get("a")).contains(new Item("a", 1, 4.0));
		assertThat(itemsOnB.find("price", 4)).containsExactly(new Item("a", 1, 4.0));
		assertThatIllegalStateException().isThrownBy(() -> itemsOnB.get("b"))
			.withMessageContaining("items/b")
			.withMessageContaining(Item.class.getName())
			.withMessageContaining("'count'");
	}

	/** A client's open database of partition "p", and its session. */
	private record Client(SyncDatabase db, SyncSession session) {
	}

	/** A client of {@code server} with its files in {@code dir}. */
	private Client client(SyncServer server, Path dir) {
		SyncManager manager = manager(server, dir);
		SyncDatabase db = manager.open(config(manager, "p").build());
		return new Client(db, manager.sessionFor(db).orElseThrow());
	}

}
