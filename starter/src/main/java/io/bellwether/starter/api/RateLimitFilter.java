package io.bellwether.starter.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits {@code /api/**} per caller, after authentication has said who the caller is: a bearer
 * caller by its token or user, anyone else by remote address. The chat endpoints are limited per
 * chat user once their signature is checked (all chat requests come from the chat service's few
 * addresses), so they pass here.
 */
final class RateLimitFilter extends OncePerRequestFilter {
  private final RateLimiter limiter;

  RateLimitFilter(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/") || path.startsWith(ChatController.PATH + "/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = Caller.rateKey(SecurityContextHolder.getContext().getAuthentication(), request);
    long retryAfter = limiter.acquire(key);
    if (retryAfter > 0) {
      tooMany(response, retryAfter);
      return;
    }
    chain.doFilter(request, response);
  }

  /** Writes the 429 problem with {@code Retry-After}. */
  static void tooMany(HttpServletResponse response, long retryAfter) throws IOException {
    response.setHeader("Retry-After", Long.toString(retryAfter));
    Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED,
        "too many requests from this caller; retry after " + retryAfter + " s");
  }
}
