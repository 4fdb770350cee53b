package io.bellwether.activities.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HaproxyStatParserTest {

  // Trimmed from a real HAProxy 2.6 answer; the parser must not care where columns are.
  private static final String STAT_26 =
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,weight,agent_status,check_desc,addr,\n"
          + "fe,FRONTEND,,,0,0,9984,0,OPEN,,,,,\n"
          + "be,s1,0,0,3,5,,42,UP,1,L7OK,Layer7 check passed,127.0.0.1:18081,\n"
          + "be,s2,0,0,0,0,,0,no check,7,,,127.0.0.1:18082,\n"
          + "be,BACKEND,0,0,3,5,999,42,UP,8,,,,\n"
          + "\n";

  static Stream<Arguments> statCases() {
    return Stream.of(
        Arguments.of("scur of a busy server", STAT_26, 1, "scur", "3"),
        Arguments.of("status with a space", STAT_26, 2, "status", "no check"),
        Arguments.of("weight", STAT_26, 2, "weight", "7"),
        Arguments.of("empty value stays empty", STAT_26, 2, "agent_status", ""),
        Arguments.of("text value with spaces", STAT_26, 1, "check_desc", "Layer7 check passed"),
        Arguments.of("frontend row is kept", STAT_26, 0, "svname", "FRONTEND"),
        Arguments.of("backend row", STAT_26, 3, "status", "UP"),
        Arguments.of(
            "columns in another order",
            "# svname,status,pxname,scur,\ns9,DRAIN,web,12,\n",
            0,
            "scur",
            "12"),
        Arguments.of(
            "quoted value holding a comma",
            "# pxname,svname,agent_desc,scur,\nbe,s1,\"down, by agent\",4,\n",
            0,
            "agent_desc",
            "down, by agent"),
        Arguments.of(
            "doubled quote inside quotes",
            "# pxname,svname,check_desc,\nbe,s1,\"said \"\"no\"\"\",\n",
            0,
            "check_desc",
            "said \"no\""),
        Arguments.of(
            "value after a quoted one keeps its column",
            "# pxname,svname,agent_desc,scur,\nbe,s1,\"a,b\",4,\n",
            0,
            "scur",
            "4"),
        Arguments.of(
            "short row gets empty values",
            "# pxname,svname,scur,status,\nbe,s1,2,\n",
            0,
            "status",
            ""),
        Arguments.of("CRLF line ends", "# pxname,svname,scur,\r\nbe,s1,6,\r\n", 0, "scur", "6"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statCases")
  void parsesShowStatByHeaderName(
      String why, String text, int row, String column, String expected) {
    List<Map<String, String>> rows = HaproxyStatParser.parseStat(text);
    assertEquals(expected, rows.get(row).get(column));
  }

  @Test
  void statRowCountSkipsBlankLines() {
    assertEquals(4, HaproxyStatParser.parseStat(STAT_26).size());
    assertEquals(0, HaproxyStatParser.parseStat("# pxname,svname,\n\n").size());
  }

  private static final String STATE_26 =
      "1\n"
          + "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
          + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result"
          + " srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id"
          + " srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr"
          + " srv_agent_port\n"
          + "3 be 1 s1 127.0.0.1 0 1 1 1 26 8 2 0 14 18 0 0 - 18081 - 0 0 - - 18091\n"
          + "3 be 2 s2 127.0.0.1 2 8 7 1 2 1 0 2 0 0 0 0 - 18082 - 0 0 - - 0\n"
          + "\n";

  static Stream<Arguments> serversStateCases() {
    return Stream.of(
        Arguments.of("server name", STATE_26, 0, "srv_name", "s1"),
        Arguments.of("admin flags of a server in maintenance", STATE_26, 0, "srv_admin_state", "1"),
        Arguments.of("admin flags of a drained server", STATE_26, 1, "srv_admin_state", "8"),
        Arguments.of("user weight", STATE_26, 1, "srv_uweight", "7"),
        Arguments.of("port", STATE_26, 1, "srv_port", "18082"),
        Arguments.of("agent flags", STATE_26, 0, "srv_agent_state", "18"),
        Arguments.of("a dash means none", STATE_26, 0, "srv_fqdn", ""),
        Arguments.of("last column", STATE_26, 0, "srv_agent_port", "18091"),
        Arguments.of(
            "columns in another order",
            "1\n# srv_name be_name srv_admin_state\nweb-1 web 8\n",
            0,
            "srv_admin_state",
            "8"),
        Arguments.of(
            "older format with fewer columns",
            "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state\n"
                + "3 web 1 a 10.0.0.1 2 0\n",
            0,
            "srv_addr",
            "10.0.0.1"),
        Arguments.of(
            "row shorter than the header",
            "1\n# be_id be_name srv_name srv_port\n3 web a\n",
            0,
            "srv_port",
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serversStateCases")
  void parsesServersStateByHeaderName(
      String why, String text, int row, String column, String expected) {
    List<Map<String, String>> rows = HaproxyStatParser.parseServersState(text);
    assertEquals(expected, rows.get(row).get(column));
  }

  @Test
  void serversStateOfBackendWithoutServersIsEmpty() {
    assertEquals(
        List.of(), HaproxyStatParser.parseServersState("1\n# be_id be_name srv_id srv_name\n\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"No such backend.\n\n", "Can't find backend.\n\n", "Unknown command.\n", ""})
  void anErrorAnswerIsNotATable(String answer) {
    assertThrows(IllegalArgumentException.class, () -> HaproxyStatParser.parseStat(answer));
    assertThrows(IllegalArgumentException.class, () -> HaproxyStatParser.parseServersState(answer));
  }
}
