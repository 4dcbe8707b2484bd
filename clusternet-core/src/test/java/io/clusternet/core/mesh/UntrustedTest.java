package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class UntrustedTest {

  @Test
  void plainTextIsUnchanged() {
    String s = "node-1.example.com 10.244.1.0/24 fd00::1 ümlaut 日本";
    assertThat(Untrusted.lineSafe(s)).isEqualTo(s);
    assertThat(Untrusted.lineSafe("plain ascii")).isSameAs("plain ascii");
    assertThat(Untrusted.quote(s)).isEqualTo("\"" + s + "\"");
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> unsafe() {
    return java.util.stream.Stream.of(
        new String[] {"newline", "a\nb", "a\\nb"},
        new String[] {"carriage return", "a\rb", "a\\rb"},
        new String[] {"tab", "a\tb", "a\\tb"},
        new String[] {"escape (ANSI)", "\u001b[2J", "\\u001b[2J"},
        new String[] {"NUL", "a\u0000b", "a\\u0000b"},
        new String[] {"DEL", "a\u007fb", "a\\u007fb"},
        new String[] {"C1 NEL", "a\u0085b", "a\\u0085b"},
        new String[] {"line separator", "a\u2028b", "a\\u2028b"},
        new String[] {"paragraph separator", "a\u2029b", "a\\u2029b"},
        new String[] {"RTL override", "a\u202eb", "a\\u202eb"},
        new String[] {"zero-width space", "a\u200bb", "a\\u200bb"},
        new String[] {"BOM", "\ufeffa", "\\ufeffa"},
        new String[] {"private use", "a\ue000b", "a\\ue000b"})
        .map(a -> org.junit.jupiter.params.provider.Arguments.of((Object[]) a));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsafe")
  void unsafeCharactersAreEscaped(String what, String in, String out) {
    assertThat(Untrusted.lineSafe(in)).as(what).isEqualTo(out);
    assertThat(Untrusted.quote(in)).as(what).isEqualTo("\"" + out + "\"");
  }

  @Test
  void unpairedSurrogatesAndSupplementaryFormatCharactersAreEscaped() {
    assertThat(Untrusted.lineSafe("a\ud800b")).isEqualTo("a\\ud800b");
    assertThat(Untrusted.lineSafe("a\udc00")).isEqualTo("a\\udc00");
    assertThat(Untrusted.lineSafe("a" + new String(Character.toChars(0xE0001)) + "b"))
        .isEqualTo("a\\U000e0001b"); // LANGUAGE TAG, a format character
    String emoji = new String(Character.toChars(0x1F600));
    assertThat(Untrusted.lineSafe(emoji)).isEqualTo(emoji);
  }

  @Test
  void quoteEscapesQuotesAndBackslashesLineSafeKeepsThem() {
    assertThat(Untrusted.quote("a\"b\\n")).isEqualTo("\"a\\\"b\\\\n\"");
    assertThat(Untrusted.lineSafe("a\"b\\n")).isEqualTo("a\"b\\n");
    // lineSafe over quoted text does not escape twice.
    String q = Untrusted.quote("x\ny");
    assertThat(Untrusted.lineSafe(q)).isEqualTo(q);
  }

  @Test
  void longTextIsCutWithACount() {
    String s = "x".repeat(10_000);
    assertThat(Untrusted.quote(s))
        .isEqualTo("\"" + "x".repeat(Untrusted.MAX_VALUE) + "...(9744 more chars)\"");
    assertThat(Untrusted.lineSafe(s)).startsWith("x".repeat(Untrusted.MAX_LINE))
        .endsWith("...(8976 more chars)").hasSize(Untrusted.MAX_LINE + 20);
    assertThat(Untrusted.lineSafe("abcdef", 3)).isEqualTo("abc...(3 more chars)");
    assertThat(Untrusted.quote(null)).isEqualTo("null");
    assertThat(Untrusted.lineSafe(null)).isEqualTo("null");
  }
}
