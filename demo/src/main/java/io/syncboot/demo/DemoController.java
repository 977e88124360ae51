package io.syncboot.demo;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.SyncSession;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The JSON API behind the demo page: the sessions and their actions, the task list, the seed
 * button, and the event stream that keeps the page live.
 */
@RestController
@RequestMapping("/api")
class DemoController {

	private final SyncSessions sessions;

	private final TaskBoard board;

	private final LiveUpdates updates;

	private final DemoInfo info;

	DemoController(SyncSessions sessions, TaskBoard board, LiveUpdates updates, DemoInfo info) {
		this.sessions = sessions;
		this.board = board;
		this.updates = updates;
		this.info = info;
	}

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events() {
		return this.updates.subscribe();
	}

	@GetMapping("/info")
	Map<String, Object> info() {
		return this.info.describe();
	}

	@GetMapping("/sessions")
	List<SessionView> sessions() {
		return this.updates.sessions();
	}

	/** {@code suspend}, {@code resume} or {@code reconnect} one session. */
	@PostMapping("/sessions/{name}/{action}")
	List<SessionView> act(@PathVariable String name, @PathVariable String action) {
		SyncSession session = this.sessions.session(name);
		switch (action) {
			case "suspend" -> session.suspend();
			case "resume" -> session.resume();
			case "reconnect" -> session.reconnect();
			default -> throw new IllegalArgumentException(
					"Unknown action '" + action + "': use suspend, resume or reconnect");
		}
		this.updates.sessionsChanged();
		return this.updates.sessions();
	}

	@GetMapping("/tasks")
	List<TaskBoard.Task> tasks() {
		return this.board.list();
	}

	record TaskRequest(@Nullable String title, @Nullable Boolean done) {
	}

	@PostMapping("/tasks")
	@ResponseStatus(HttpStatus.CREATED)
	TaskBoard.Task add(@RequestBody TaskRequest request) {
		return this.board.add(request.title());
	}

	@PatchMapping("/tasks/{id}")
	TaskBoard.Task update(@PathVariable String id, @RequestBody TaskRequest request) {
		return this.board.update(id, request.title(), request.done());
	}

	@DeleteMapping("/tasks/{id}")
	ResponseEntity<Void> delete(@PathVariable String id) {
		return this.board.delete(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
	}

	/** Writes {@code count} tasks (10,000 by default) into the {@code bulk} session. */
	@PostMapping("/bulk/seed")
	Map<String, Object> seed(@RequestParam(defaultValue = "10000") int count) {
		return Map.of("seeded", this.board.seed(count));
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException ex) {
		return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(ex.getMessage())));
	}

	@ExceptionHandler(NoSuchElementException.class)
	ResponseEntity<Map<String, String>> notFound(NoSuchElementException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", String.valueOf(ex.getMessage())));
	}

}
