package io.syncboot.starter.app;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncboot.autoconfigure.event.SyncSessionStateChangedEvent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * An application that uses only the starter (plus actuator and a web server): its sessions come
 * from properties, and it listens to session state changes.
 */
@SpringBootApplication
public class StarterTestApplication {

	/** Records the session state changes it hears of. */
	@Component
	public static class StateChanges {

		private final List<SyncSessionStateChangedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void onStateChanged(SyncSessionStateChangedEvent event) {
			this.events.add(event);
		}

		public List<SyncSessionStateChangedEvent> events() {
			return this.events;
		}

	}

}
