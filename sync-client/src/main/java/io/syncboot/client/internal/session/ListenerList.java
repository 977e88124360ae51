package io.syncboot.client.internal.session;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.syncboot.client.ListenerToken;
import io.syncboot.client.internal.concurrent.EventLoop;

/**
 * Listeners of one kind; each notification runs on the notification thread, one listener after
 * the other, in the order notifications were posted. Thread-safe.
 */
final class ListenerList<L> {

	private final CopyOnWriteArrayList<L> listeners = new CopyOnWriteArrayList<>();

	private final EventLoop notifier;

	ListenerList(EventLoop notifier) {
		this.notifier = notifier;
	}

	ListenerToken add(L listener) {
		Registration registration = new Registration(listener);
		this.listeners.add(listener);
		return registration;
	}

	/** Posts a call of every listener registered now to the notification thread. */
	void notifyAll(Consumer<L> call) {
		if (this.listeners.isEmpty()) {
			return;
		}
		this.notifier.post(() -> {
			for (L listener : this.listeners) {
				call.accept(listener);
			}
		});
	}

	private final class Registration implements ListenerToken {

		private final L listener;

		Registration(L listener) {
			this.listener = listener;
		}

		@Override
		public void close() {
			ListenerList.this.listeners.remove(this.listener);
		}

	}

}
