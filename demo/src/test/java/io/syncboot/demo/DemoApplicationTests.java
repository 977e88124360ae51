package io.syncboot.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.syncboot.autoconfigure.client.SyncSessions;
import io.syncboot.client.ConnectionState;
import io.syncboot.client.Document;
import io.syncboot.client.ProgressDirection;
import io.syncboot.client.SyncClientSettings;
import io.syncboot.client.SyncConfiguration;
import io.syncboot.client.SyncCredentials;
import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncManager;
import io.syncboot.client.SyncSession;
import io.syncboot.client.SyncSessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo on its own configuration ({@code src/main/resources/application.properties}) on a free
 * port: it serves the sync protocol, its sessions sync through it, and the JSON API and the event
 * stream that the page uses work. A separate {@link SyncManager} in the test plays the other
 * instance.
 */
@SpringBootTest(classes = DemoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = "spring.config.location=file:src/main/resources/")
class DemoApplicationTests {

	private static final int PORT = freePort();

	@TempDir
	static Path data;

	@DynamicPropertySource
	static void demoProperties(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("demo.data-directory", () -> data.toString());
	}

	@Autowired
	SyncSessions sessions;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void servesThePageAndItsScriptsFromTheJar() throws Exception {
		HttpResponse<String> page = get("/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<script src=\"demo.js\">").doesNotContain("http://").doesNotContain("https://");
		assertThat(get("/demo.js").body()).contains("new EventSource('/api/events')");
		assertThat(get("/demo.css").statusCode()).isEqualTo(200);
	}

	@Test
	void exposesTheSyncActuatorEndpointAndHealth() throws Exception {
		HttpResponse<String> sync = get("/actuator/sync");
		assertThat(sync.statusCode()).isEqualTo(200);
		assertThat(sync.body()).contains("\"tasks\"").contains("\"demo-tasks\"").contains("\"bulk\"");
		assertThat(get("/actuator/health/sync").statusCode()).isEqualTo(200);
		for (String body : new String[] { "{}", "{\"action\":\"explode\"}" }) {
			HttpResponse<String> refused = send("POST", "/actuator/sync/tasks", body);
			assertThat(refused.statusCode()).as(body).isEqualTo(400);
			assertThat(refused.body()).as(body).contains("use suspend, resume or reconnect");
		}
	}

	@Test
	void aTaskAddedThroughTheApiReachesAnotherClientOfTheEmbeddedServer(@TempDir Path otherClient) throws Exception {
		String title = "Count stock " + UUID.randomUUID();
		HttpResponse<String> created = send("POST", "/api/tasks", "{\"title\":\"" + title + "\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		String id = this.json.readTree(created.body()).get("id").asString();

		try (SyncManager other = SyncManager.create(SyncClientSettings.builder()
			.serverUrl(URI.create("ws://localhost:" + PORT + "/sync"))
			.baseDirectory(otherClient)
			.build())) {
			SyncDatabase tasks = other
				.open(SyncConfiguration.builder(other.logIn(SyncCredentials.anonymous()), "demo-tasks").build());
			SyncSession session = other.sessionFor(tasks).orElseThrow();
			assertThat(session.downloadAllServerChanges(Duration.ofSeconds(30))).isTrue();
			assertThat(tasks.collection("tasks").get(id)).map(Document::fields)
				.hasValueSatisfying(fields -> assertThat(fields).containsEntry("title", title).containsEntry("done", false));

			// and the other way: a change made elsewhere shows through the API
			tasks.collection("tasks").update(id, Map.of("done", true));
			assertThat(session.uploadAllLocalChanges(Duration.ofSeconds(30))).isTrue();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get("/api/tasks").body()).contains("\"id\":\"" + id + "\"")
					.contains("\"title\":\"" + title + "\",\"done\":true"));
		}
	}

	@Test
	void aTaskDocumentThatIsNoTaskIsLeftOutOfTheListNotTheOthers() throws Exception {
		String good = this.json.readTree(send("POST", "/api/tasks", "{\"title\":\"A readable task\"}").body())
			.get("id")
			.asString();
		this.sessions.database("tasks").collection("tasks").put("not-a-task", Map.of("title", "odd", "done", "yes"));
		HttpResponse<String> list = get("/api/tasks");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"id\":\"" + good + "\"").doesNotContain("not-a-task");
		this.sessions.database("tasks").collection("tasks").delete("not-a-task");
	}

	@Test
	void suspendAndResumeThroughTheApiChangeTheSessionState() throws Exception {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.sessions.session("tasks").connectionState() == ConnectionState.CONNECTED);
		assertThat(send("POST", "/api/sessions/tasks/suspend", "").body()).contains("\"state\":\"INACTIVE\"");
		assertThat(this.sessions.session("tasks").state()).isEqualTo(SyncSessionState.INACTIVE);
		assertThat(this.sessions.session("tasks").connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		assertThat(send("POST", "/api/sessions/tasks/resume", "").body()).contains("\"state\":\"ACTIVE\"");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.sessions.session("tasks").connectionState() == ConnectionState.CONNECTED);
		HttpResponse<String> unknown = send("POST", "/api/sessions/tasks/explode", "");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("Unknown action 'explode'");
		assertThat(send("POST", "/api/sessions/nope/suspend", "").statusCode()).isEqualTo(404);
	}

	@Test
	void seedingUploadsEveryTaskAndCompletesTheUploadProgress() throws Exception {
		long before = this.sessions.database("bulk").collection("tasks").count();
		HttpResponse<String> seeded = send("POST", "/api/bulk/seed?count=1000", "");
		assertThat(seeded.body()).isEqualTo("{\"seeded\":1000}");
		assertThat(this.sessions.database("bulk").collection("tasks").count()).isEqualTo(before + 1000);
		assertThat(this.sessions.session("bulk").uploadAllLocalChanges(Duration.ofSeconds(60))).isTrue();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			var upload = this.sessions.status("bulk").orElseThrow().upload();
			assertThat(upload).isNotNull();
			assertThat(upload.estimate()).isEqualTo(1.0);
			assertThat(upload.transferredBytes()).isEqualTo(upload.transferableBytes()).isGreaterThan(50_000);
		});
		assertThat(this.sessions.transferredBytes("bulk", ProgressDirection.UPLOAD)).isGreaterThan(50_000);
		assertThat(send("POST", "/api/bulk/seed?count=0", "").statusCode()).isEqualTo(400);
	}

	@Test
	void theEventStreamSendsTheInstanceTheSessionsAndTheTasks() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + "/api/events")).build();
		HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("text/event-stream"));
		List<String> events = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while (events.size() < 3 && (line = reader.readLine()) != null) {
				if (line.startsWith("event:")) {
					events.add(line.substring("event:".length()));
				}
				else if (line.startsWith("data:") && events.size() == 2) {
					assertThat(line).contains("\"name\":\"tasks\"").contains("\"name\":\"bulk\"");
				}
			}
		}
		assertThat(events).containsExactly("info", "sessions", "tasks");
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + path))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
