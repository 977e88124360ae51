package io.syncboot.core.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.syncboot.core.model.ServerChangeset;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.testing.Generators;

/** Seeded random valid messages of every kind. */
final class RandomMessages {

	private static final List<String> PARTITIONS = List.of("p", "store-42", "user-alice@example.com",
			"A.b_c:d@e+f=g|h-i", "x".repeat(256));

	private RandomMessages() {
	}

	static long anyLong(Random random) {
		switch (random.nextInt(5)) {
			case 0:
				return Long.MIN_VALUE;
			case 1:
				return Long.MAX_VALUE;
			case 2:
				return random.nextInt(1000) - 500;
			default:
				return random.nextLong();
		}
	}

	static long positive(Random random) {
		return random.nextBoolean() ? 1 + random.nextInt(100) : 1 + (random.nextLong() >>> 1) % Long.MAX_VALUE;
	}

	static String text(Random random) {
		StringBuilder out = new StringBuilder();
		int length = random.nextInt(20);
		for (int i = 0; i < length; i++) {
			int pick = random.nextInt(10);
			if (pick < 5) {
				out.append((char) (' ' + random.nextInt(95)));
			}
			else if (pick < 7) {
				out.append((char) random.nextInt(0x20)); // control characters, escaped on the wire
			}
			else if (pick < 9) {
				out.append((char) (0xA0 + random.nextInt(0xD000))); // BMP, below the surrogates
			}
			else {
				out.appendCodePoint(0x1F600 + random.nextInt(50)); // a surrogate pair
			}
		}
		return out.toString();
	}

	static SyncMessage message(Random random, int kind) {
		long session = positive(random);
		switch (kind) {
			case 0:
				return new SyncMessage.Bind(session, PARTITIONS.get(random.nextInt(PARTITIONS.size())), random.nextBoolean());
			case 1: {
				long cursor = positive(random) - 1;
				return new SyncMessage.Ident(session, positive(random), anyLong(random), cursor,
						(cursor == 0) ? 0 : anyLong(random), anyLong(random));
			}
			case 2:
				return new SyncMessage.Upload(session, Generators.changesets(random, 4));
			case 3: {
				long cursor = random.nextInt(60);
				List<ServerChangeset> changesets = Generators.serverChangesets(random, 4, cursor);
				return new SyncMessage.Download(session, cursor, (cursor == 0) ? 0 : anyLong(random), random.nextInt(100),
						positive(random) - 1, changesets,
						random.nextBoolean() ? Generators.documentStates(random, random.nextInt(12)) : List.of(),
						random.nextBoolean() ? 0 : positive(random));
			}
			case 4:
				return new SyncMessage.Mark(session, positive(random) - 1);
			case 5:
				return new SyncMessage.Unbind(session);
			case 6: {
				ErrorCode[] codes = ErrorCode.values();
				List<String> documents = new ArrayList<>();
				int count = random.nextInt(3);
				for (int i = 0; i < count; i++) {
					documents.add(random.nextBoolean() ? "tasks/" + random.nextInt(10) : text(random));
				}
				return new SyncMessage.Error(positive(random) - 1, codes[random.nextInt(codes.length)], text(random),
						random.nextBoolean(), positive(random) - 1, documents);
			}
			case 7:
				return new SyncMessage.Ping(anyLong(random));
			default:
				return new SyncMessage.Pong(anyLong(random));
		}
	}

	static SyncMessage message(Random random) {
		return message(random, random.nextInt(9));
	}

}
