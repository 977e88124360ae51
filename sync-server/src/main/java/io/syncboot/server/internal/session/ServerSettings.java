package io.syncboot.server.internal.session;

import java.time.Duration;

/**
 * The engine's tuning, fixed at start. Immutable.
 *
 * @param maxMessageBytes the largest inbound message, in UTF-8 bytes
 * @param sendTimeout how long one outbound send may stay unfinished before the connection is closed
 * @param batchBytes the content budget of one download message
 * @param outboundLimitBytes sessions read the next batch only while their connection's queue is below this
 * @param outboundHardLimitBytes a connection whose queue would exceed this is closed as a slow consumer
 * @param inboundLimitBytes received but unprocessed bytes above which reading from a connection pauses
 * @param maxSessionsPerConnection the most sessions one connection may bind
 */
public record ServerSettings(int maxMessageBytes, Duration sendTimeout, int batchBytes, long outboundLimitBytes,
		long outboundHardLimitBytes, long inboundLimitBytes, int maxSessionsPerConnection) {

	/** Settings derived from the two public knobs. */
	public static ServerSettings of(int maxMessageBytes, Duration sendTimeout, int batchBytes) {
		return new ServerSettings(maxMessageBytes, sendTimeout, batchBytes, 4L * batchBytes,
				Math.max(8L * 1024 * 1024, 2L * maxMessageBytes), Math.max(4L * 1024 * 1024, maxMessageBytes), 1000);
	}

}
