package io.syncboot.demo;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the demo page in a real headless Chromium ({@code /usr/bin/chromium} with
 * {@code /usr/bin/chromedriver}) against two demo processes started from the built jar: instance A
 * runs the sync server and its sessions, instance B runs client-only against A. Checks that an edit
 * on one page appears on the other, that suspend shows on the page, and that the progress bars
 * reach 100 % after seeding 10,000 tasks. Screenshots go to {@code target/screenshots}.
 *
 * <p>Run with {@code ./mvnw -B verify -Pbrowser} (after {@code apt-get install chromium chromium-driver}).
 */
class DemoBrowserIT {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final Duration SYNC = Duration.ofSeconds(60);

	private static final Path WORK = Path.of("target", "browser-it");

	private static final List<Process> processes = new ArrayList<>();

	private static final List<WebDriver> browsers = new ArrayList<>();

	private static int portA;

	private static int portB;

	private static WebDriver pageA;

	private static WebDriver pageB;

	@BeforeAll
	static void startTwoInstancesAndTwoBrowsers() throws Exception {
		Path jar = Path.of(System.getProperty("demo.jar", "target/syncboot-demo.jar"));
		assertThat(jar).as("the demo jar, built by mvn package").exists();
		Path work = WORK.resolve("run-" + System.currentTimeMillis());
		Files.createDirectories(work);
		portA = freePort();
		portB = freePort();
		while (portB == portA) {
			portB = freePort();
		}
		String data = "--demo.data-directory=" + work.resolve("demo-data").toAbsolutePath();
		start(jar, work.resolve("instance-a.log"), "--server.port=" + portA, data);
		awaitUp(portA, work.resolve("instance-a.log"));
		start(jar, work.resolve("instance-b.log"), "--spring.profiles.active=client", "--server.port=" + portB,
				"--sync.server-url=ws://localhost:" + portA + "/sync", data);
		awaitUp(portB, work.resolve("instance-b.log"));
		pageA = browser(work.resolve("chromium-a"));
		pageB = browser(work.resolve("chromium-b"));
		pageA.get("http://localhost:" + portA + "/");
		pageB.get("http://localhost:" + portB + "/");
	}

	@AfterAll
	static void stopEverything() throws InterruptedException {
		for (WebDriver browser : browsers) {
			try {
				browser.quit();
			}
			catch (RuntimeException ex) {
				// already gone
			}
		}
		for (Process process : processes) {
			process.destroy();
		}
		for (Process process : processes) {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	@Test
	void editsSyncBetweenInstancesSuspendShowsAndSeedingCompletesTheProgressBars() throws IOException, InterruptedException {
		// Both pages show both sessions connected.
		for (WebDriver page : List.of(pageA, pageB)) {
			awaitText(page, "#session-tasks .connection", "CONNECTED");
			awaitText(page, "#session-bulk .connection", "CONNECTED");
			awaitText(page, "#session-tasks .state", "ACTIVE");
		}
		assertThat(pageA.findElement(By.id("instance")).getText()).contains("port " + portA)
			.contains("sync server and client");
		assertThat(pageB.findElement(By.id("instance")).getText()).contains("port " + portB).contains("client only");

		// A task added on page A appears on page B without reloading.
		String title = "Count stock on shelf 7 (" + UUID.randomUUID().toString().substring(0, 6) + ")";
		pageA.findElement(By.id("new-task")).sendKeys(title);
		pageA.findElement(By.id("add-task")).click();
		WebElement onB = awaitTask(pageB, title);

		// Renaming it on page B shows the new title on page A.
		String renamed = title + " - done by B";
		onB.sendKeys(Keys.END, " - done by B", Keys.ENTER);
		awaitTask(pageA, renamed);

		// Suspend on page A: the session becomes INACTIVE and disconnected; a task written meanwhile
		// stays pending and reaches B after resume.
		pageA.findElement(By.cssSelector("#session-tasks button.suspend")).click();
		awaitText(pageA, "#session-tasks .state", "INACTIVE");
		awaitText(pageA, "#session-tasks .connection", "DISCONNECTED");
		String offline = "Written while suspended (" + UUID.randomUUID().toString().substring(0, 6) + ")";
		pageA.findElement(By.id("new-task")).sendKeys(offline);
		pageA.findElement(By.id("add-task")).click();
		awaitText(pageA, "#session-tasks .pending", "1");
		// B does not get it while A stays suspended
		for (long until = System.nanoTime() + Duration.ofSeconds(2).toNanos(); System.nanoTime() < until;) {
			assertThat(titles(pageB)).doesNotContain(offline);
			Thread.sleep(200);
		}
		pageA.findElement(By.cssSelector("#session-tasks button.resume")).click();
		awaitText(pageA, "#session-tasks .state", "ACTIVE");
		awaitText(pageA, "#session-tasks .connection", "CONNECTED");
		awaitTask(pageB, offline);
		awaitText(pageA, "#session-tasks .pending", "0");

		// Seeding 10,000 tasks on A: A's upload bar and B's download bar reach 100 %.
		String upload = "#session-bulk .bar.upload";
		String download = "#session-bulk .bar.download";
		Set<String> uploadSeen = new LinkedHashSet<>();
		Set<String> downloadSeen = new LinkedHashSet<>();
		pageA.findElement(By.id("seed")).click();
		new WebDriverWait(pageA, SYNC).ignoring(StaleElementReferenceException.class)
			.pollingEvery(Duration.ofMillis(50))
			.withMessage(() -> "progress bars did not reach 100 %: upload on A " + uploadSeen + ", download on B "
					+ downloadSeen)
			.until(driver -> {
				uploadSeen.add(percent(pageA, upload));
				downloadSeen.add(percent(pageB, download));
				return complete(pageA, upload) && complete(pageB, download);
			});
		System.out.println("Seeding 10,000 tasks: upload bar on A showed " + uploadSeen + " %, download bar on B "
				+ downloadSeen + " %");
		awaitText(pageA, "#seed-result", "10,000 tasks written locally");
		awaitText(pageA, "#session-bulk .count", "10,000");
		awaitText(pageB, "#session-bulk .count", "10,000");
		awaitText(pageA, "#session-bulk .pending", "0");
		// the bars show the last progress notification, which may arrive after the pending count
		// (read from the file) is 0: more tasks were written after the bars first reached 100 %
		awaitPrefix(pageA, upload, "100 %");
		awaitPrefix(pageB, download, "100 %");

		Path screenshots = Path.of(System.getProperty("demo.screenshots", "target/screenshots"));
		Files.createDirectories(screenshots);
		Path a = screenshot(pageA, screenshots.resolve("demo-a.png"));
		Path b = screenshot(pageB, screenshots.resolve("demo-b.png"));
		assertThat(Files.size(a)).isGreaterThan(10_000);
		assertThat(Files.size(b)).isGreaterThan(10_000);
	}

	/** The bar's data-percent and data-transferred, read in one script (the page re-renders the bars). */
	private static List<String> bar(WebDriver page, String selector) {
		Object values = ((JavascriptExecutor) page).executeScript(
				"const bar = document.querySelector(arguments[0]);"
						+ "return bar ? [bar.dataset.percent || '-', bar.dataset.transferred || '0'] : ['-', '0'];",
				selector);
		return ((List<?>) values).stream().map(String::valueOf).toList();
	}

	private static String text(WebDriver page, String selector) {
		return String.valueOf(((JavascriptExecutor) page).executeScript(
				"const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector));
	}

	private static String percent(WebDriver page, String selector) {
		return bar(page, selector).get(0);
	}

	/** 100 % of more than 1,000,000 bytes: 10,000 tasks, not an empty transfer. */
	private static boolean complete(WebDriver page, String selector) {
		List<String> bar = bar(page, selector);
		return "100".equals(bar.get(0)) && Long.parseLong(bar.get(1)) > 1_000_000;
	}

	private static void awaitText(WebDriver page, String selector, String expected) {
		new WebDriverWait(page, SYNC).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> selector + " never showed '" + expected + "' on " + page.getCurrentUrl() + ": '"
					+ page.findElements(By.cssSelector(selector)).stream().map(WebElement::getText).toList() + "'")
			.until(driver -> driver.findElements(By.cssSelector(selector))
				.stream()
				.anyMatch(element -> expected.equals(element.getText().strip())));
	}

	private static void awaitPrefix(WebDriver page, String selector, String prefix) {
		new WebDriverWait(page, SYNC).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> selector + " never started with '" + prefix + "' on " + page.getCurrentUrl() + ": '"
					+ text(page, selector) + "'")
			.until(driver -> text(page, selector).startsWith(prefix));
	}

	private static WebElement awaitTask(WebDriver page, String title) {
		return new WebDriverWait(page, SYNC).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> "task '" + title + "' never appeared on " + page.getCurrentUrl() + "; tasks: "
					+ titles(page))
			.until(driver -> driver.findElements(By.cssSelector("#tasks input.title"))
				.stream()
				.filter(input -> title.equals(input.getDomProperty("value")))
				.findFirst()
				.orElse(null));
	}

	private static List<String> titles(WebDriver page) {
		return page.findElements(By.cssSelector("#tasks input.title"))
			.stream()
			.map(input -> input.getDomProperty("value"))
			.toList();
	}

	private static Path screenshot(WebDriver page, Path target) throws IOException {
		File file = ((TakesScreenshot) page).getScreenshotAs(OutputType.FILE);
		Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
		return target;
	}

	private static WebDriver browser(Path userDataDir) throws IOException {
		Files.createDirectories(userDataDir);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--disable-quic", "--window-size=1400,1000",
				"--user-data-dir=" + userDataDir.toAbsolutePath());
		WebDriver driver = new ChromeDriver(service, options);
		browsers.add(driver);
		return driver;
	}

	private static void start(Path jar, Path log, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-jar");
		command.add(jar.toAbsolutePath().toString());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		processes.add(process);
	}

	private static void awaitUp(int port, Path log) throws Exception {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/info"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			Process last = processes.get(processes.size() - 1);
			if (!last.isAlive()) {
				throw new IllegalStateException("demo on port " + port + " exited with " + last.exitValue() + ":\n"
						+ Files.readString(log));
			}
			try {
				if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("demo on port " + port + " did not start within " + STARTUP + ":\n"
				+ Files.readString(log));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
