package io.syncboot.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.syncboot.core.codec.MessageCodec;
import io.syncboot.core.merge.DocumentState;
import io.syncboot.core.model.Changeset;
import io.syncboot.core.model.Operation;
import io.syncboot.core.protocol.SyncMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding an upload of 100 changesets of one 200 B put each; encoding a snapshot
 * download of 1,000 stored document states of 200 B (as a server sends a bootstrap batch) and
 * decoding it (as a bootstrap receives it), in the field order the codec writes (one streaming pass)
 * and with its {@code type} field last (through a JSON tree).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmarks {

	private final MessageCodec codec = new MessageCodec();

	private SyncMessage upload;

	private String uploadText;

	private String snapshotText;

	private String snapshotTypeLastText;

	private SyncMessage snapshot;

	@Setup
	public void setUp() {
		List<Changeset> changesets = new ArrayList<>();
		for (int i = 1; i <= 100; i++) {
			changesets.add(new Changeset(i, 0, List.of(new Operation.Put("tasks", "task-" + i, 1_000_000L + i,
					Map.of("title", "t".repeat(150), "done", false, "n", i)))));
		}
		this.upload = new SyncMessage.Upload(1, changesets);
		this.uploadText = this.codec.encode(this.upload);
		List<DocumentState> states = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			states.add(DocumentState.of(new Operation.Put("s8", "d-" + i, 1_000_000L + i,
					Map.of("n", (long) i, "body", "p".repeat(180))), 7));
		}
		this.snapshotText = this.codec.encode(new SyncMessage.Download(1, 1000, 0, 0, 0, List.of(), states));
		// as a server holds a snapshot batch: states known by their stored text
		List<DocumentState> stored = new ArrayList<>();
		for (DocumentState state : states) {
			stored.add(this.codec.decodeDocumentStateLazily(state.key(), this.codec.encodeDocumentState(state)));
		}
		this.snapshot = new SyncMessage.Download(1, 1000, 0, 0, 0, List.of(), stored);
		String prefix = "{\"type\":\"download\",";
		this.snapshotTypeLastText = "{" + this.snapshotText.substring(prefix.length(), this.snapshotText.length() - 1)
				+ ",\"type\":\"download\"}";
	}

	@Benchmark
	public String encodeUpload() {
		return this.codec.encode(this.upload);
	}

	@Benchmark
	public SyncMessage decodeUpload() {
		return this.codec.decode(this.uploadText);
	}

	@Benchmark
	public String encodeSnapshotDownload() {
		return this.codec.encode(this.snapshot);
	}

	@Benchmark
	public SyncMessage decodeSnapshotDownload() {
		return this.codec.decode(this.snapshotText);
	}

	@Benchmark
	public SyncMessage decodeSnapshotDownloadTypeLast() {
		return this.codec.decode(this.snapshotTypeLastText);
	}

}
