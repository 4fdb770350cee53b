package io.bellwether.activities.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArgvTemplateTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            List.of("deploy", "{instance}"),
            "web-1",
            "10.0.0.5:8080",
            "2.0",
            List.of("deploy", "web-1")),
        Arguments.of(
            List.of("--to={host}:{port}"),
            "i",
            "10.0.0.5:8080",
            "v",
            List.of("--to=10.0.0.5:8080")),
        Arguments.of(
            List.of("{address}", "{version}"), "i", "h:1", "2.0.0", List.of("h:1", "2.0.0")),
        Arguments.of(List.of("{version}"), "i", "h:1", "1.0; rm -rf /", List.of("1.0; rm -rf /")),
        Arguments.of(List.of("{version}"), "i", "h:1", "{instance}", List.of("{instance}")),
        Arguments.of(List.of("{version}"), "i", "h:1", "$1 \\ $x", List.of("$1 \\ $x")),
        Arguments.of(List.of("{unknown}", "{host}"), "i", "h", "v", List.of("{unknown}", "h")),
        Arguments.of(List.of("[{port}]"), "i", "h", "v", List.of("[]")),
        Arguments.of(List.of("{host}|{port}"), "i", "[::1]:80", "v", List.of("[::1]|80")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void expandsEachArgumentOnItsOwn(
      List<String> template,
      String instance,
      String address,
      String version,
      List<String> expected) {
    assertEquals(expected, ArgvTemplate.expand(template, instance, address, version));
  }
}
