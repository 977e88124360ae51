package io.syncboot.autoconfigure.event;

import io.syncboot.client.SyncSession;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the events published for an auto-configured sync session: the source is the
 * {@link SyncSession}, and {@link #sessionName()} is its name under {@code sync.sessions}.
 *
 * <p>Events are published on SyncBoot's notification thread, in the order the session reported
 * them, except {@link SyncProgressEvent}s, which come on the session's progress thread (in order per
 * direction, in no set order against the other events). {@code @EventListener} methods run on those
 * threads: keep them short, and do not block on the session there (for example with
 * {@code uploadAllLocalChanges}).
 */
public abstract class SyncEvent extends ApplicationEvent {

	private final String sessionName;

	protected SyncEvent(SyncSession session, String sessionName) {
		super(session);
		this.sessionName = sessionName;
	}

	/** The session's name (its key under {@code sync.sessions} and its bean qualifier). */
	public String sessionName() {
		return this.sessionName;
	}

	/** The session. */
	public SyncSession session() {
		return (SyncSession) getSource();
	}

}
