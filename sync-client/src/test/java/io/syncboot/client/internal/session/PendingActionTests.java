package io.syncboot.client.internal.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.syncboot.client.internal.store.FileOwnership;
import io.syncboot.client.internal.store.LocalWrite;
import io.syncboot.client.internal.store.SqliteStore;
import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.model.DocumentKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A recorded action never moves or deletes a file that a store has open; the list of actions never
 * shares a name with a user's directory.
 */
class PendingActionTests {

	@TempDir
	Path base;

	@Test
	void anActionOnAFileOpenElsewhereFailsAndStaysRecordedUntilTheFileIsClosed() {
		Path database = this.base.resolve("user").resolve("p.db");
		Object manager = new Object();
		PendingAction delete = new PendingAction(manager, PendingAction.Kind.DELETE, database, null);
		PendingAction reset = new PendingAction(manager, PendingAction.Kind.RESET, database,
				this.base.resolve("backups").resolve("p.db"));
		try (SqliteStore elsewhere = SqliteStore.open(database, new MessageCodec(), System::currentTimeMillis, 1 << 20)) {
			elsewhere.commitLocal(List.of(new LocalWrite.Put("tasks", "t1", Map.of("v", 1))));
			delete.record(this.base);
			assertThatIllegalStateException().isThrownBy(() -> delete.run(this.base))
				.withMessageContaining("is open in another SyncManager");
			assertThatIllegalStateException().isThrownBy(() -> reset.run(this.base));
			PendingAction.runAll(this.base);
			assertThat(database).exists();
			assertThat(elsewhere.get(new DocumentKey("tasks", "t1"))).isPresent();
		}
		// closed: the action recorded before runs at the next start (the lock file stays: deleted, a
		// second owner could lock a new file of the same name while the first still holds the old one)
		PendingAction.runAll(this.base);
		assertThat(database).doesNotExist();
		assertThat(FileOwnership.lockFile(database)).exists();
	}

	@Test
	void aUserWhoseIdIsTheFormerListNameNeitherHidesNorBreaksTheList() throws Exception {
		// that user's files live in <base>/syncboot-pending-actions/, where earlier builds kept the list
		Path database = this.base.resolve("syncboot-pending-actions").resolve("p.db");
		Files.createDirectories(database.getParent());
		Files.writeString(database, "not opened by this test");
		PendingAction delete = new PendingAction(new Object(), PendingAction.Kind.DELETE, database, null);
		delete.record(this.base);
		assertThat(this.base.resolve(PendingAction.FILE_NAME)).isRegularFile();
		PendingAction.runAll(this.base);
		assertThat(database).doesNotExist();
		assertThat(this.base.resolve(PendingAction.FILE_NAME)).doesNotExist();
	}

	@Test
	void aListKeptUnderTheFormerNameRunsAtTheNextStart() throws Exception {
		Path database = this.base.resolve("user").resolve("p.db");
		Files.createDirectories(database.getParent());
		Files.writeString(database, "not opened by this test");
		Files.writeString(this.base.resolve("syncboot-pending-actions"), "DELETE\t" + database.toAbsolutePath() + "\n");
		PendingAction.runAll(this.base);
		assertThat(database).doesNotExist();
		assertThat(this.base.resolve("syncboot-pending-actions")).doesNotExist();
		assertThat(this.base.resolve(PendingAction.FILE_NAME)).doesNotExist();
	}

	@Test
	void aListUnderTheFormerNameBesideTheListIsMergedIntoIt() throws Exception {
		Path first = this.base.resolve("user").resolve("a.db");
		Path second = this.base.resolve("user").resolve("b.db");
		Files.createDirectories(first.getParent());
		Files.writeString(first, "not opened by this test");
		Files.writeString(second, "not opened by this test");
		new PendingAction(new Object(), PendingAction.Kind.DELETE, first, null).record(this.base);
		Files.writeString(this.base.resolve("syncboot-pending-actions"), "DELETE\t" + second.toAbsolutePath() + "\n");
		PendingAction.runAll(this.base);
		assertThat(first).doesNotExist();
		assertThat(second).doesNotExist();
		assertThat(this.base.resolve("syncboot-pending-actions")).doesNotExist();
	}

}
