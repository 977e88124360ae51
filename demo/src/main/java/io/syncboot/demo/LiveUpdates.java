package io.syncboot.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.syncboot.autoconfigure.client.SyncSessions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes the sessions and the task list to every open page as server-sent events: {@code sessions}
 * (a list of {@link SessionView}) whenever a session's status changed, checked every 200 ms, and
 * {@code tasks} (the task list) whenever the {@code tasks} database changed, locally or from the
 * server.
 */
@Component
class LiveUpdates implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LiveUpdates.class);

	private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

	private final SyncSessions sessions;

	private final TaskBoard board;

	private final JsonMapper json;

	private final DemoInfo info;

	private final AtomicBoolean tasksChanged = new AtomicBoolean();

	private volatile @Nullable String lastSessions;

	private volatile boolean running;

	LiveUpdates(SyncSessions sessions, TaskBoard board, JsonMapper json, DemoInfo info) {
		this.sessions = sessions;
		this.board = board;
		this.json = json;
		this.info = info;
		sessions.database("tasks").addChangeListener(change -> this.tasksChanged.set(true));
	}

	/** The sessions now, in declaration order. */
	List<SessionView> sessions() {
		List<SessionView> views = new ArrayList<>();
		this.sessions.statuses()
			.forEach((name, status) -> views.add(SessionView.of(status, TaskBoard.count(this.sessions, name))));
		return views;
	}

	/** Opens an event stream for one page and sends it the current state. */
	synchronized SseEmitter subscribe() {
		SseEmitter emitter = new SseEmitter(0L);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		emitter.onError(ex -> this.emitters.remove(emitter));
		this.emitters.add(emitter);
		send(emitter, "info", this.json.writeValueAsString(this.info.describe()));
		send(emitter, "sessions", this.json.writeValueAsString(sessions()));
		send(emitter, "tasks", this.json.writeValueAsString(this.board.list()));
		return emitter;
	}

	@Scheduled(fixedDelay = 200)
	synchronized void tick() {
		if (this.emitters.isEmpty()) {
			return;
		}
		try {
			String sessions = this.json.writeValueAsString(sessions());
			if (!sessions.equals(this.lastSessions)) {
				this.lastSessions = sessions;
				broadcast("sessions", sessions);
			}
			if (this.tasksChanged.getAndSet(false)) {
				broadcast("tasks", this.json.writeValueAsString(this.board.list()));
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not build the live update", ex);
		}
	}

	/** Sends the sessions at once, after the page asked for an action. */
	void sessionsChanged() {
		this.lastSessions = null;
		tick();
	}

	private void broadcast(String event, String data) {
		for (SseEmitter emitter : this.emitters) {
			send(emitter, event, data);
		}
	}

	private void send(SseEmitter emitter, String event, String data) {
		try {
			emitter.send(SseEmitter.event().name(event).data(data));
		}
		catch (IOException | IllegalStateException ex) {
			this.emitters.remove(emitter);
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends every event stream first on shutdown, so that the web server need not wait for them. */
	@Override
	public void stop() {
		this.running = false;
		for (SseEmitter emitter : this.emitters) {
			emitter.complete();
		}
		this.emitters.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
