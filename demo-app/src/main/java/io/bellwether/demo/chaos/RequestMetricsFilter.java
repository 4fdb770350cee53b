package io.bellwether.demo.chaos;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Counts every answered request in {@code /metrics} with its status and time, assault delays and
 * failures included, as the plain server counts them: everything but {@code /health} and {@code
 * /metrics}, and here also the actuator's own endpoints.
 */
public class RequestMetricsFilter implements Filter {
  private final DemoBehaviour demo;

  public RequestMetricsFilter(DemoBehaviour demo) {
    this.demo = demo;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path = ((HttpServletRequest) request).getRequestURI();
    if (path.equals("/health") || path.equals("/metrics") || path.startsWith("/actuator")) {
      chain.doFilter(request, response);
      return;
    }
    long start = System.nanoTime();
    int status = 500;
    try {
      chain.doFilter(request, response);
      status = ((HttpServletResponse) response).getStatus();
    } finally {
      demo.metrics().record(status, System.nanoTime() - start);
    }
  }
}
