package io.syncboot.autoconfigure.endpoint;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * HTTP status codes for {@link SyncEndpoint}'s write operation: 404 for an unknown session name,
 * 400 with {@code {"error": "..."}} for an unknown action, else 200 with the session's state.
 */
@EndpointWebExtension(endpoint = SyncEndpoint.class)
public class SyncEndpointWebExtension {

	private final SyncEndpoint endpoint;

	public SyncEndpointWebExtension(SyncEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/** Suspends, resumes or reconnects a session; a missing action is an unknown one. */
	@WriteOperation
	public WebEndpointResponse<Object> control(@Selector String name, @Nullable String action) {
		try {
			SyncEndpoint.SessionDescriptor result = this.endpoint.control(name, action);
			if (result == null) {
				return new WebEndpointResponse<>(Map.of("error", "No sync session named '" + name + "'"),
						WebEndpointResponse.STATUS_NOT_FOUND);
			}
			return new WebEndpointResponse<>(result);
		}
		catch (InvalidEndpointRequestException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getReason()), WebEndpointResponse.STATUS_BAD_REQUEST);
		}
	}

}
