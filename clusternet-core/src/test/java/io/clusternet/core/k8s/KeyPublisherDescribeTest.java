package io.clusternet.core.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import org.junit.jupiter.api.Test;

/** Server text in a publication error is untrusted: it reaches logs and status as one safe line. */
class KeyPublisherDescribeTest {
  @Test
  void serverTextIsOneSafeLine() {
    String hostile = "denied\nhealth: healthy\u001b[2J \u202eyek\u200b";
    String line = KeyPublisher.describe(new ApiException(403, hostile));
    assertThat(line).startsWith("HTTP 403 ").contains("denied")
        .doesNotContain("\n", "\u001b", "\u202e", "\u200b")
        .contains("\\n", "\\u001b", "\\u202e", "\\u200b");
  }

  @Test
  void aHugeMessageIsCut() {
    String line = KeyPublisher.describe(new IllegalStateException("x".repeat(100_000)));
    assertThat(line.length()).isLessThan(340);
    assertThat(line).endsWith("more chars)");
  }

  @Test
  void aConnectionFailureShowsItsCause() {
    ApiException e = new ApiException(new java.net.ConnectException("Connection refused"));
    assertThat(KeyPublisher.describe(e)).contains("Connection refused");
  }
}
