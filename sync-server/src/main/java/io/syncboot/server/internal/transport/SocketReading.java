package io.syncboot.server.internal.transport;

import jakarta.websocket.Session;
import org.apache.tomcat.websocket.WsSession;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Stops and restarts the reading of one connection's socket, where the container can: Tomcat's
 * {@code WsSession.suspend()} and {@code resume()} (the read resumes on a container thread). The
 * Tomcat classes are only touched when they are on the class path, so a server on another container
 * runs without them ({@link #of} answers null, and the caller waits instead). Not thread-safe: the
 * caller serializes suspend and resume and pairs them.
 */
final class SocketReading {

	private static final boolean TOMCAT_PRESENT = ClassUtils.isPresent("org.apache.tomcat.websocket.WsSession",
			SocketReading.class.getClassLoader());

	private final Object session; // a WsSession; Object so that this class loads without Tomcat

	private SocketReading(Object session) {
		this.session = session;
	}

	/** The reading control of a container session, or null if its container cannot suspend reading. */
	static @Nullable SocketReading of(@Nullable Session session) {
		return (TOMCAT_PRESENT && session != null && Tomcat.isTomcat(session)) ? new SocketReading(session) : null;
	}

	/** Stops reading once the message being handled is done. */
	void suspend() {
		Tomcat.suspend(this.session);
	}

	/** Reads again (also while the session closes: it then reads the peer's close frame). */
	void resume() {
		Tomcat.resume(this.session);
	}

	/** The Tomcat calls, in a class of their own that loads only when Tomcat is present. */
	private static final class Tomcat {

		static boolean isTomcat(Session session) {
			return session instanceof WsSession;
		}

		static void suspend(Object session) {
			((WsSession) session).suspend();
		}

		static void resume(Object session) {
			((WsSession) session).resume();
		}

	}

}
