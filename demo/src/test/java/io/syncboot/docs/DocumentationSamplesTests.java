package io.syncboot.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code java} sample in the documents, and every {@code properties} sample in the guides, is a
 * piece of a compiled test source under {@code demo/src/test} (compared line by line, ignoring
 * indentation and blank lines), so the documentation cannot drift from code that builds and passes.
 */
class DocumentationSamplesTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```(\\w+)\\s*$(.*?)^\\s*```\\s*$");

	@ParameterizedTest
	@ValueSource(strings = { "docs/getting-started.md", "docs/migrating-from-realm.md", "docs/configuration.md",
			"docs/api.md", "docs/architecture.md", "README.md" })
	void everyCodeSampleComesFromTheTestSources(String document) throws IOException {
		Path file = ROOT.resolve(document);
		assertThat(file).exists();
		String text = Files.readString(file);
		List<String> sources = sources();
		Matcher fence = FENCE.matcher(text);
		int checked = 0;
		while (fence.find()) {
			String language = fence.group(1);
			boolean guide = document.contains("getting-started") || document.contains("migrating");
			if (language.equals("java") || (guide && language.equals("properties"))) {
				List<String> sample = normalize(fence.group(2));
				assertThat(sources.stream().anyMatch(source -> containsInOrder(normalize(source), sample)))
					.as("%s sample not found in demo/src/test:%n%s", document, fence.group(2))
					.isTrue();
				checked++;
			}
		}
		if (document.contains("getting-started") || document.contains("migrating")) {
			assertThat(checked).as("code samples in %s", document).isGreaterThanOrEqualTo(3);
		}
	}

	private static boolean containsInOrder(List<String> source, List<String> sample) {
		if (sample.isEmpty()) {
			return true;
		}
		for (int start = 0; start + sample.size() <= source.size(); start++) {
			if (source.subList(start, start + sample.size()).equals(sample)) {
				return true;
			}
		}
		return false;
	}

	private static List<String> normalize(String code) {
		List<String> lines = new ArrayList<>();
		for (String line : code.split("\\R")) {
			String stripped = line.strip();
			if (!stripped.isEmpty() && !stripped.contains("tag::") && !stripped.contains("end::")) {
				lines.add(stripped);
			}
		}
		return lines;
	}

	private static List<String> sources() throws IOException {
		List<String> sources = new ArrayList<>();
		for (String directory : List.of("src/test/java", "src/test/resources")) {
			try (Stream<Path> files = Files.walk(Path.of(directory))) {
				for (Path path : files.filter(Files::isRegularFile).toList()) {
					if (path.toString().endsWith(".java") || path.toString().endsWith(".properties")) {
						sources.add(Files.readString(path));
					}
				}
			}
		}
		return sources;
	}

}
