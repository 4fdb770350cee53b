package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Inclusive pass range; either bound may be null (open). At least one is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThresholdRange(Double min, Double max) {}
