package io.syncboot.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.ProtocolAction;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.server.internal.session.CursorSaltsTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server whose data directory is restored from an older copy (same server salt) and then written
 * by other clients: a client that followed the lost history must be reset, not resumed.
 */
class ServerRestoreTests {

	private static final String PARTITION = "restored";

	@TempDir
	Path dataDirectory;

	@TempDir
	Path backup;

	private long clock = 1_000_000;

	private SyncServer start() {
		return SyncServer.builder().port(0).allowAnonymous().dataDirectory(this.dataDirectory).build().start();
	}

	private Changeset put(long clientVersion, String id) {
		return new Changeset(clientVersion, 0, List.of(new Operation.Put("notes", id, ++this.clock, Map.of("id", id))));
	}

	/** A client file and where its download stopped: the cursor and the salt that came with it. */
	private record Resumable(RawSyncClient.Identity identity, long cursor, long cursorSalt) {

		Resumable at(SyncMessage.Download download) {
			return new Resumable(this.identity, download.serverVersion(), download.serverVersionSalt());
		}

	}

	private static Resumable bindNew(RawSyncClient client) {
		RawSyncClient.Identity identity = client.bindNew(1, PARTITION);
		return new Resumable(identity, 0, 0);
	}

	private static void ident(RawSyncClient client, Resumable file) {
		client.send(new SyncMessage.Bind(1, PARTITION, false));
		client.send(new SyncMessage.Ident(1, file.identity().fileId(), file.identity().fileSalt(), file.cursor(),
				file.cursorSalt(), file.identity().serverSalt()));
	}

	private static SyncMessage.Download lastOf(List<SyncMessage.Download> downloads) {
		return downloads.get(downloads.size() - 1);
	}

	@Test
	void aClientThatFollowedTheLostHistoryIsResetOnceTheRestoredServerReusedItsVersions() {
		Resumable a;
		Resumable b;
		Resumable c;
		try (SyncServer server = start(); RawSyncClient clientA = new RawSyncClient(server.url());
				RawSyncClient clientB = new RawSyncClient(server.url());
				RawSyncClient clientC = new RawSyncClient(server.url())) {
			a = bindNew(clientA);
			clientA.expect(SyncMessage.Download.class);
			b = bindNew(clientB);
			clientB.expect(SyncMessage.Download.class);
			// C's file is allocated now, but C downloads nothing before the copy is taken
			clientC.send(new SyncMessage.Bind(1, PARTITION, true));
			SyncMessage.Ident allocated = clientC.expect(SyncMessage.Ident.class);
			c = new Resumable(new RawSyncClient.Identity(allocated.clientFileId(), allocated.fileSalt(),
					allocated.serverSalt()), 0, 0);
			clientA.upload(1, put(1, "a1"));
			a = a.at(lastOf(clientA.downloadsUntil(d -> d.uploadAck() == 1)));
			SyncMessage.Download seen = lastOf(clientB.downloadsUntil(d -> d.serverVersion() == 1));
			assertThat(seen.changesets()).hasSize(1);
			b = b.at(seen);
			assertThat(a.cursor()).isEqualTo(1);
			assertThat(a.cursorSalt()).as("the salt of one entry, whoever receives it").isEqualTo(b.cursorSalt())
				.isNotZero();
		}
		copy(this.dataDirectory, this.backup);
		try (SyncServer server = start(); RawSyncClient clientA = new RawSyncClient(server.url());
				RawSyncClient clientC = new RawSyncClient(server.url())) {
			ident(clientA, a);
			clientA.expect(SyncMessage.Download.class);
			clientA.upload(1, put(2, "a2"));
			// the cursor moves past A's own changeset, which the download does not carry
			a = a.at(lastOf(clientA.downloadsUntil(d -> d.uploadAck() == 2)));
			assertThat(a.cursor()).isEqualTo(2);
			// C is bootstrapped from a snapshot at version 2
			ident(clientC, c);
			SyncMessage.Download snapshot = lastOf(clientC.downloadsUntil(d -> d.serverVersion() == 2));
			assertThat(snapshot.documents()).hasSize(2);
			c = c.at(snapshot);
			assertThat(c.cursorSalt()).isEqualTo(a.cursorSalt()).isNotZero();
		}
		copy(this.backup, this.dataDirectory);
		try (SyncServer server = start()) {
			try (RawSyncClient clientB = new RawSyncClient(server.url())) {
				ident(clientB, b);
				assertThat(clientB.expect(SyncMessage.Download.class).serverVersion())
					.as("B followed the history the copy kept: it resumes").isEqualTo(1);
				clientB.upload(1, put(1, "b1"), put(2, "b2"));
				assertThat(lastOf(clientB.downloadsUntil(d -> d.uploadAck() == 2)).serverVersion()).isEqualTo(3);
			}
			for (Resumable stale : List.of(a, c)) {
				try (RawSyncClient client = new RawSyncClient(server.url())) {
					ident(client, stale);
					SyncMessage reply = client.next();
					assertThat(reply).as("version 2 is b1 now, which the client never got")
						.isInstanceOf(SyncMessage.Error.class);
					SyncMessage.Error error = (SyncMessage.Error) reply;
					assertThat(error.session()).isEqualTo(1);
					assertThat(error.code()).isEqualTo(ErrorCode.BAD_SERVER_VERSION);
					assertThat(error.code().action()).isEqualTo(ProtocolAction.CLIENT_RESET);
				}
			}
			try (RawSyncClient client = new RawSyncClient(server.url())) {
				ident(client, new Resumable(a.identity(), a.cursor(), 0));
				assertThat(client.expect(SyncMessage.Download.class).serverVersion())
					.as("a file that stored no salt (written by an earlier version) is not checked").isEqualTo(3);
			}
		}
	}

	@Test
	void aClientIsResetWhenTheRestoredServerHoldsTheSameChangesetAtItsCursorButAnotherOneBefore() {
		Resumable a;
		Resumable d;
		Resumable w;
		Resumable x;
		try (SyncServer server = start(); RawSyncClient clientA = new RawSyncClient(server.url());
				RawSyncClient clientD = new RawSyncClient(server.url());
				RawSyncClient clientW = new RawSyncClient(server.url());
				RawSyncClient clientX = new RawSyncClient(server.url())) {
			a = bindNew(clientA);
			d = bindNew(clientD);
			w = bindNew(clientW);
			x = bindNew(clientX);
			for (RawSyncClient client : List.of(clientA, clientD, clientW, clientX)) {
				client.expect(SyncMessage.Download.class);
			}
		}
		copy(this.dataDirectory, this.backup);
		Changeset a1 = put(1, "a1");
		try (SyncServer server = start(); RawSyncClient clientA = new RawSyncClient(server.url());
				RawSyncClient clientD = new RawSyncClient(server.url());
				RawSyncClient clientW = new RawSyncClient(server.url())) {
			ident(clientD, d);
			clientD.expect(SyncMessage.Download.class);
			ident(clientW, w);
			clientW.expect(SyncMessage.Download.class);
			clientW.upload(1, put(1, "w1"));
			assertThat(lastOf(clientW.downloadsUntil(dl -> dl.uploadAck() == 1)).serverVersion()).isEqualTo(1);
			ident(clientA, a);
			clientA.expect(SyncMessage.Download.class);
			clientA.upload(1, a1);
			// A's acknowledgement is lost with the restore: A keeps its cursor and a1 in its outbox
			assertThat(lastOf(clientA.downloadsUntil(dl -> dl.uploadAck() == 1)).serverVersion()).isEqualTo(2);
			d = d.at(lastOf(clientD.downloadsUntil(dl -> dl.serverVersion() == 2)));
			assertThat(d.cursorSalt()).isNotZero();
		}
		copy(this.backup, this.dataDirectory);
		try (SyncServer server = start()) {
			try (RawSyncClient clientX = new RawSyncClient(server.url());
					RawSyncClient clientA = new RawSyncClient(server.url())) {
				ident(clientX, x);
				clientX.expect(SyncMessage.Download.class);
				clientX.upload(1, put(1, "x1"));
				assertThat(lastOf(clientX.downloadsUntil(dl -> dl.uploadAck() == 1)).serverVersion()).isEqualTo(1);
				ident(clientA, a);
				clientA.upload(1, a1);
				assertThat(lastOf(clientA.downloadsUntil(dl -> dl.uploadAck() == 1)).serverVersion())
					.as("the very changeset D saw at 2 is at 2 again").isEqualTo(2);
			}
			try (RawSyncClient clientD = new RawSyncClient(server.url())) {
				ident(clientD, d);
				SyncMessage reply = clientD.next();
				assertThat(reply).as("version 1 is x1 now, which D never got").isInstanceOf(SyncMessage.Error.class);
				SyncMessage.Error error = (SyncMessage.Error) reply;
				assertThat(error.session()).isEqualTo(1);
				assertThat(error.code()).isEqualTo(ErrorCode.BAD_SERVER_VERSION);
				assertThat(error.code().action()).isEqualTo(ProtocolAction.CLIENT_RESET);
			}
		}
	}

	@Test
	void theCursorSaltIsTheSameWhetherTheEntryWasSentFannedOutOrReadFromTheStore() {
		Resumable a;
		Resumable b;
		long saltAtOne;
		long saltAtThree;
		try (SyncServer server = start(); RawSyncClient clientA = new RawSyncClient(server.url());
				RawSyncClient clientB = new RawSyncClient(server.url())) {
			a = bindNew(clientA);
			clientA.expect(SyncMessage.Download.class);
			b = bindNew(clientB);
			clientB.expect(SyncMessage.Download.class);
			clientA.upload(1, put(1, "a1"));
			a = a.at(lastOf(clientA.downloadsUntil(d -> d.uploadAck() == 1)));
			saltAtOne = a.cursorSalt();
			b = b.at(lastOf(clientB.downloadsUntil(d -> d.serverVersion() == 1)));
			assertThat(b.cursorSalt()).isEqualTo(saltAtOne);
			clientB.upload(1, put(1, "b1"));
			clientA.downloadsUntil(d -> d.serverVersion() == 2);
			clientA.upload(1, put(2, "a2"));
			// the commit time of version 3 comes with the integration: A's cursor ends on its own changeset,
			// B is sent it, both from memory
			saltAtThree = lastOf(clientA.downloadsUntil(d -> d.uploadAck() == 2 && d.serverVersion() == 3))
				.serverVersionSalt();
			assertThat(lastOf(clientB.downloadsUntil(d -> d.serverVersion() == 3)).serverVersionSalt())
				.isEqualTo(saltAtThree);
		}
		assertThat(saltAtThree).isNotZero().isNotEqualTo(saltAtOne);
		// after a restart nothing is in memory: every salt is read from the store
		try (SyncServer server = start(); RawSyncClient clientA = new RawSyncClient(server.url());
				RawSyncClient clientB = new RawSyncClient(server.url());
				RawSyncClient fresh = new RawSyncClient(server.url())) {
			// A resumes at 1 and its download ends on its own changeset (the entry is read on its own)
			ident(clientA, a);
			SyncMessage.Download download = lastOf(clientA.downloadsUntil(d -> d.serverVersion() == 3));
			assertThat(download.changesets()).extracting(c -> c.serverVersion()).containsExactly(2L);
			assertThat(download.serverVersionSalt()).isEqualTo(saltAtThree);
			// B resumes at 1 and its batch ends on a2, which it carries (read with the batch)
			ident(clientB, b);
			download = lastOf(clientB.downloadsUntil(d -> d.serverVersion() == 3));
			assertThat(download.changesets()).extracting(c -> c.serverVersion()).containsExactly(3L);
			assertThat(download.serverVersionSalt()).isEqualTo(saltAtThree);
			// a new file is bootstrapped from a snapshot at 3
			bindNew(fresh);
			assertThat(lastOf(fresh.downloadsUntil(d -> d.serverVersion() == 3)).serverVersionSalt())
				.isEqualTo(saltAtThree);
		}
	}

	@Test
	void aCursorSaltComputedBeforeCommitTimesWereMixedInIsStillAccepted() {
		Changeset a1 = put(1, "a1");
		Resumable a;
		try (SyncServer server = start()) {
			try (RawSyncClient clientA = new RawSyncClient(server.url())) {
				a = bindNew(clientA);
				clientA.expect(SyncMessage.Download.class);
				clientA.upload(1, a1);
				a = a.at(lastOf(clientA.downloadsUntil(d -> d.uploadAck() == 1)));
			}
			long earlier = CursorSaltsTests
				.saltWithoutCommitTime(new ServerChangeset(1, a.identity().fileId(), 1, a1.operations()));
			assertThat(earlier).isNotEqualTo(a.cursorSalt());
			try (RawSyncClient client = new RawSyncClient(server.url())) {
				ident(client, new Resumable(a.identity(), 1, earlier));
				SyncMessage.Download download = client.expect(SyncMessage.Download.class);
				assertThat(download.serverVersion()).isEqualTo(1);
				assertThat(download.serverVersionSalt()).as("the client stores the salt of today")
					.isEqualTo(a.cursorSalt());
			}
			try (RawSyncClient client = new RawSyncClient(server.url())) {
				ident(client, new Resumable(a.identity(), 1, earlier ^ 1));
				assertThat(client.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.BAD_SERVER_VERSION);
			}
		}
	}

	/** Replaces {@code target}'s content with {@code source}'s (the server is closed). */
	private static void copy(Path source, Path target) {
		try {
			try (Stream<Path> old = Files.walk(target)) {
				for (Path path : old.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(target)).toList()) {
					Files.delete(path);
				}
			}
			try (Stream<Path> files = Files.walk(source)) {
				for (Path path : files.toList()) {
					Path to = target.resolve(source.relativize(path).toString());
					if (Files.isDirectory(path)) {
						Files.createDirectories(to);
					}
					else {
						Files.copy(path, to, StandardCopyOption.COPY_ATTRIBUTES);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
