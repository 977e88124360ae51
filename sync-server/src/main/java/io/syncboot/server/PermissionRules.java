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

	/** One part of a pattern: a literal text, a wildcard, or a placeholder (subject or claim). */
	private record Part(Kind kind, String text) {
	}

	private enum Kind {
		LITERAL, WILDCARD, SUBJECT, CLAIM
	}

	/** One parsed rule. */
	record Rule(String pattern, Access access, List<Part> parts) {

		static Rule parse(String pattern, Access access) {
			if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
				throw new IllegalArgumentException("partition pattern must have 1 to " + MAX_PATTERN_LENGTH
						+ " characters, was " + ((pattern == null) ? "null" : "'" + pattern + "'"));
			}
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
					parts.add(new Part(Kind.WILDCARD, "*"));
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
			return new Rule(pattern, access, List.copyOf(parts));
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
			StringBuilder regex = new StringBuilder();
			for (Part part : this.parts) {
				switch (part.kind()) {
					case LITERAL -> regex.append(Pattern.quote(part.text()));
					case WILDCARD -> regex.append(".*");
					case SUBJECT, CLAIM -> {
						Object value = (part.kind() == Kind.SUBJECT) ? subject : claims.get(part.text());
						if (!(value instanceof String text) || !isPartitionText(text)) {
							return false;
						}
						regex.append(Pattern.quote(text));
					}
				}
			}
			return Pattern.compile(regex.toString()).matcher(partition).matches();
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
