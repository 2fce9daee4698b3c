package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Body of every non-2xx answer: {@code {"error":"..."}}, one line saying what is wrong. */
public record ErrorAnswer(String error) {

  @JsonCreator
  public ErrorAnswer {
    error = error == null ? "" : error;
  }
}
