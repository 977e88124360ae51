package io.syncboot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@link SyncPermissions} a {@link SyncPermissions.Builder} builds: partition patterns with
 * placeholders and wildcards, the greatest matching access wins. Immutable and thread-safe.
 */
final class PermissionRules implements SyncPermissions {

	static final SyncPermissions ALLOW_ALL = new SyncPermissions() {
		@Override
		public Access access(@Nullable String subject, Map<String, Object> claims, String partition) {
			return Access.READ_WRITE;
		}

		@Override
		public String toString() {
			return "SyncPermissions.allowAll()";
		}
	};

	private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._:@+=|-]");

	private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_:.-]{1,128}");

	private static final int MAX_PATTERN_LENGTH = 512;

	private final List<Rule> rules;

	PermissionRules(List<Rule> rules) {
		this.rules = List.copyOf(rules);
	}

	@Override
	public Access access(@Nullable String subject, Map<String, Object> claims, String partition) {
		Access access = Access.NONE;
		for (Rule rule : this.rules) {
			if (rule.access().ordinal() > access.ordinal() && rule.matches(subject, claims, partition)) {
				access = rule.access();
			}
		}
		return access;
	}

	@Override
	public String toString() {
		return "SyncPermissions" + this.rules;
	}

	/** One part of a pattern: a literal text or a placeholder (subject or claim). */
	private record Part(Kind kind, String text) {
	}

	private enum Kind {
		LITERAL, SUBJECT, CLAIM
	}

	/**
	 * The text between two wildcards of a pattern (or before the first, or after the last): literal
	 * parts and placeholders, possibly none.
	 *
	 * @param parts the parts in order
	 * @param literal the text of the parts when all of them are literal, else {@code null}
	 */
	private record Segment(List<Part> parts, @Nullable String literal) {

		static Segment of(List<Part> parts) {
			StringBuilder literal = new StringBuilder();
			for (Part part : parts) {
				if (part.kind() != Kind.LITERAL) {
					return new Segment(List.copyOf(parts), null);
				}
				literal.append(part.text());
			}
			return new Segment(List.of(), literal.toString());
		}

		/**
		 * The text this segment matches for a user, or {@code null} if a placeholder's value is
		 * missing, not a string, or not partition text.
		 */
		@Nullable String resolve(@Nullable String subject, Map<String, Object> claims) {
			if (this.literal != null) {
				return this.literal;
			}
			StringBuilder text = new StringBuilder();
			for (Part part : this.parts) {
				if (part.kind() == Kind.LITERAL) {
					text.append(part.text());
					continue;
				}
				Object value = (part.kind() == Kind.SUBJECT) ? subject : claims.get(part.text());
				if (!(value instanceof String string) || !Rule.isPartitionText(string)) {
					return null;
				}
				text.append(string);
			}
			return text.toString();
		}

	}

	/**
	 * One parsed rule: its pattern split at the wildcards once, when the rule is built. Matching
	 * compiles nothing and never backtracks: the text before the first wildcard must start the
	 * partition, the text after the last must end it, and each text in between is found at its
	 * first occurrence after the previous one (taking the first occurrence leaves the most room to
	 * the texts after it, so no other choice can match when it does not). The work is at most the
	 * partition's length times the pattern's.
	 *
	 * @param pattern the pattern as written
	 * @param access the access the rule grants
	 * @param segments the texts around the wildcards: one more than there are wildcards
	 */
	record Rule(String pattern, Access access, List<Segment> segments) {

		static Rule parse(String pattern, Access access) {
			if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
				throw new IllegalArgumentException("partition pattern must have 1 to " + MAX_PATTERN_LENGTH
						+ " characters, was " + ((pattern == null) ? "null" : "'" + pattern + "'"));
			}
			List<Segment> segments = new ArrayList<>();
			List<Part> parts = new ArrayList<>();
			StringBuilder literal = new StringBuilder();
			int i = 0;
			while (i < pattern.length()) {
				char c = pattern.charAt(i);
				if (c == '$' && pattern.startsWith("${", i)) {
					int end = pattern.indexOf('}', i);
					if (end < 0) {
						throw invalid(pattern, "'${' without '}'");
					}
					flush(literal, parts);
					parts.add(placeholder(pattern, pattern.substring(i + 2, end)));
					i = end + 1;
				}
				else if (c == '*') {
					flush(literal, parts);
					segments.add(Segment.of(parts));
					parts.clear();
					i++;
				}
				else if (LITERAL.matcher(String.valueOf(c)).matches()) {
					literal.append(c);
					i++;
				}
				else {
					throw invalid(pattern, "'" + c + "' is not allowed (partition names use A-Z a-z 0-9 . _ : @ + = | -)");
				}
			}
			flush(literal, parts);
			segments.add(Segment.of(parts));
			return new Rule(pattern, access, List.copyOf(segments));
		}

		private static Part placeholder(String pattern, String name) {
			if (name.equals("sub")) {
				return new Part(Kind.SUBJECT, name);
			}
			if (name.startsWith("claim.") && CLAIM_NAME.matcher(name.substring(6)).matches()) {
				return new Part(Kind.CLAIM, name.substring(6));
			}
			throw invalid(pattern, "unknown placeholder '${" + name + "}' (use ${sub} or ${claim.NAME})");
		}

		private static void flush(StringBuilder literal, List<Part> parts) {
			if (literal.length() > 0) {
				parts.add(new Part(Kind.LITERAL, literal.toString()));
				literal.setLength(0);
			}
		}

		private static IllegalArgumentException invalid(String pattern, String why) {
			return new IllegalArgumentException("invalid partition pattern '" + pattern + "': " + why);
		}

		boolean matches(@Nullable String subject, Map<String, Object> claims, String partition) {
			String[] texts = new String[this.segments.size()];
			for (int i = 0; i < texts.length; i++) {
				texts[i] = this.segments.get(i).resolve(subject, claims);
				if (texts[i] == null) {
					return false;
				}
			}
			if (texts.length == 1) {
				return partition.equals(texts[0]);
			}
			String first = texts[0];
			String last = texts[texts.length - 1];
			int from = first.length();
			int end = partition.length() - last.length();
			if (end < from || !partition.startsWith(first) || !partition.startsWith(last, end)
					|| containsLineTerminator(partition, from, end)) {
				return false;
			}
			for (int i = 1; i < texts.length - 1; i++) {
				int at = partition.indexOf(texts[i], from);
				if (at < 0 || at + texts[i].length() > end) {
					return false;
				}
				from = at + texts[i].length();
			}
			return true;
		}

		/**
		 * Whether the partition has a line terminator in a range: a wildcard does not match one, like
		 * {@code .} in a regular expression (partition names never contain one).
		 */
		private static boolean containsLineTerminator(String partition, int from, int end) {
			for (int i = from; i < end; i++) {
				char c = partition.charAt(i);
				if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
					return true;
				}
			}
			return false;
		}

		private static boolean isPartitionText(String text) {
			if (text.isEmpty()) {
				return false;
			}
			for (int i = 0; i < text.length(); i++) {
				if (!LITERAL.matcher(String.valueOf(text.charAt(i))).matches()) {
					return false;
				}
			}
			return text.length() <= 256 && !text.contains("..");
		}

		@Override
		public String toString() {
			return this.access + " " + this.pattern;
		}

	}

}
