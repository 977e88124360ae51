package io.syncboot.autoconfigure.event;

import java.time.Duration;
import java.time.Instant;

import io.syncboot.client.SyncSession;

/**
 * Published when a download applied changes that other clients wrote: {@link #writtenAt()} is when
 * the newest of them was committed on the client that wrote it (by that client's clock), and
 * {@link #latency()} the time from then until they were applied here: the end-to-end latency from
 * a commit on one client to it being visible on this one (clock differences between the two
 * machines included; never negative). Not published for the document states of a first download.
 * Published on the manager's notification thread.
 */
public class SyncChangesReceivedEvent extends SyncEvent {

	private final Instant writtenAt;

	private final Duration latency;

	public SyncChangesReceivedEvent(SyncSession session, String sessionName, Instant writtenAt, Duration latency) {
		super(session, sessionName);
		this.writtenAt = writtenAt;
		this.latency = latency;
	}

	/** When the newest of the received changes was committed by its writer (the writer's clock). */
	public Instant writtenAt() {
		return this.writtenAt;
	}

	/** Time from that commit until the changes were applied on this client. */
	public Duration latency() {
		return this.latency;
	}

	@Override
	public String toString() {
		return "SyncChangesReceivedEvent{" + sessionName() + ": " + this.latency.toMillis() + " ms}";
	}

}
