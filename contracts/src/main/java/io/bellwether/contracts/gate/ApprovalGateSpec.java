package io.bellwether.contracts.gate;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A step that waits for people. Who may decide is named in the worker's configuration (users, and
 * groups of users); a spec only refers to those names.
 *
 * @param approvers user names allowed to decide
 * @param approverGroups group names from the worker configuration whose members may decide
 * @param requiredApprovals approvals needed to open the gate; default 1
 * @param allowSelfApproval whether the person who started the run may approve it; default false
 *     (four-eyes)
 * @param timeout how long the gate waits; default 1h
 * @param onTimeout {@code abort} (default) or {@code proceed}
 * @param requireVerifiedIdentity when true, a bare signal's self-declared {@code by} does not
 *     count: the decision must carry an attestation from an authenticated path
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalGateSpec(
    List<String> approvers,
    List<String> approverGroups,
    Integer requiredApprovals,
    Boolean allowSelfApproval,
    String timeout,
    String onTimeout,
    Boolean requireVerifiedIdentity,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String ABORT = "abort";
  public static final String PROCEED = "proceed";
  public static final String DEFAULT_TIMEOUT = "1h";

  public ApprovalGateSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public ApprovalGateSpec(
      List<String> approvers,
      List<String> approverGroups,
      Integer requiredApprovals,
      Boolean allowSelfApproval,
      String timeout,
      String onTimeout,
      Boolean requireVerifiedIdentity) {
    this(
        approvers,
        approverGroups,
        requiredApprovals,
        allowSelfApproval,
        timeout,
        onTimeout,
        requireVerifiedIdentity,
        Map.of());
  }

  public List<String> approversOrEmpty() {
    return approvers == null ? List.of() : approvers;
  }

  public List<String> approverGroupsOrEmpty() {
    return approverGroups == null ? List.of() : approverGroups;
  }

  public int requiredApprovalsOrDefault() {
    return requiredApprovals == null ? 1 : requiredApprovals;
  }

  public boolean allowSelfApprovalOrDefault() {
    return Boolean.TRUE.equals(allowSelfApproval);
  }

  public String timeoutOrDefault() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  public String onTimeoutOrDefault() {
    return onTimeout == null ? ABORT : onTimeout;
  }

  public boolean requireVerifiedIdentityOrDefault() {
    return Boolean.TRUE.equals(requireVerifiedIdentity);
  }
}
