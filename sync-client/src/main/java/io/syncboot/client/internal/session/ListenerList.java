package io.syncboot.client.internal.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncboot.client.ListenerToken;
import io.syncboot.client.internal.concurrent.EventLoop;

/**
 * Listeners of one kind; each notification runs on the notification thread, one listener after
 * the other, in the order notifications were posted. A notification reaches the listeners
 * registered when it was posted and not removed before it runs. An exception a listener throws is
 * logged and the next listener is called. Thread-safe.
 */
final class ListenerList<L> {

	private static final Logger logger = LoggerFactory.getLogger(ListenerList.class);

	private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();

	private final EventLoop notifier;

	ListenerList(EventLoop notifier) {
		this.notifier = notifier;
	}

	/** Registers a listener; one registered several times is called once per registration. */
	ListenerToken add(L listener) {
		Registration registration = new Registration(listener);
		this.registrations.add(registration);
		return registration;
	}

	/**
	 * Posts a call of every listener registered now to the notification thread; a registration
	 * closed before the call runs is skipped.
	 */
	void notifyAll(Consumer<L> call) {
		if (this.registrations.isEmpty()) {
			return;
		}
		List<Registration> registered = List.copyOf(this.registrations);
		this.notifier.post(() -> {
			for (Registration registration : registered) {
				if (this.registrations.contains(registration)) {
					callSafely(call, registration.listener);
				}
			}
		});
	}

	private static <L> void callSafely(Consumer<L> call, L listener) {
		try {
			call.accept(listener);
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			logger.error("Listener {} failed", listener, ex);
		}
	}

	private final class Registration implements ListenerToken {

		private final L listener;

		Registration(L listener) {
			this.listener = listener;
		}

		@Override
		public void close() {
			ListenerList.this.registrations.remove(this);
		}

	}

}
